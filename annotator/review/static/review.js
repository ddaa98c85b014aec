// The review page: a verdict key submits the review form with that verdict; n goes to the next
// unreviewed claim; c and e jump to the note and the evidence link. A note being written survives
// the other forms of the page (evidence, claim sets), and leaving the page with unsaved text asks
// first. The queue page: changing a filter shows that queue.
(function () {
  "use strict";
  const ADVANCE = "annotator-advance";
  const NOTE = "annotator-note";
  const TEXT_INPUTS = ["text", "url", "search", "email", "number", "password", "tel", ""];

  // Fields that take key presses: there the page's shortcut keys are typing. A checkbox or a
  // button that was clicked keeps no keys.
  function inField(el) {
    if (!el || !el.closest) return false;
    const field = el.closest("input, textarea, select, [contenteditable]");
    if (!field) return false;
    return field.tagName !== "INPUT" || TEXT_INPUTS.includes((field.getAttribute("type") || "").toLowerCase());
  }

  function draftKey(page) {
    return "annotator-draft:" + page.dataset.claim;
  }

  // Text typed into a form that has not been sent; fields of the form being sent do not count,
  // nor the note when another form is sent (it is kept as a draft).
  function unsavedFields(page, sending) {
    return Array.from(page.querySelectorAll("textarea, input[type=text], input[type=url]")).filter(
      function (field) {
        if (field.value.trim() === field.defaultValue.trim()) return false;
        if (sending && field.form === sending) return false;
        if (sending && field.id === NOTE) return false;
        return true;
      });
  }

  function setUpReviewPage(page) {
    const advance = document.getElementById(ADVANCE);
    if (advance) {
      advance.checked = window.localStorage.getItem(ADVANCE) === "1";
      advance.addEventListener("change", function () {
        window.localStorage.setItem(ADVANCE, advance.checked ? "1" : "0");
      });
    }
    const note = document.getElementById(NOTE);
    if (!note) return;
    const key = draftKey(page);
    const draft = window.sessionStorage.getItem(key);
    if (draft !== null && draft.trim() !== note.defaultValue.trim()) {
      note.value = draft;
      const told = document.createElement("p");
      told.className = "annotator-draft-restored message-warning";
      told.id = "annotator-draft-restored";
      told.textContent = "Your note is not saved yet: press a verdict key or “Save note and corrections” to save it.";
      note.insertAdjacentElement("afterend", told);
    } else {
      window.sessionStorage.removeItem(key);
    }
    note.addEventListener("input", function () {
      if (note.value.trim() === note.defaultValue.trim()) window.sessionStorage.removeItem(key);
      else window.sessionStorage.setItem(key, note.value);
    });
    let sending = null;
    for (const form of page.querySelectorAll("form")) {
      form.addEventListener("submit", function () {
        sending = form;
        if (form.contains(note)) window.sessionStorage.removeItem(key);
      });
    }
    window.addEventListener("beforeunload", function (ev) {
      if (unsavedFields(page, sending).length) {
        sending = null;  // the reviewer may stay; what they do next decides again
        ev.preventDefault();
        ev.returnValue = "";  // the browser asks whether to leave; the text is lost otherwise
      }
    });
    window.addEventListener("pagehide", function () {
      // Leaving by a link (and confirming): the draft goes; sending a form keeps it for the return.
      if (sending === null) window.sessionStorage.removeItem(key);
    });
  }

  function setUpQueuePage(form) {
    const show = document.getElementById("annotator-show-queue");
    for (const select of form.querySelectorAll("select")) {
      select.addEventListener("change", function () {
        if (show) form.requestSubmit(show);
      });
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    const page = document.querySelector(".annotator-review");
    if (page) setUpReviewPage(page);
    const queue = document.querySelector(".annotator-queue-form");
    if (queue) setUpQueuePage(queue);
  });

  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey || ev.isComposing) return;
    if (inField(ev.target)) {
      if (ev.key === "Escape") ev.target.blur();
      return;
    }
    const page = document.querySelector(".annotator-review");
    if (!page) return;
    const form = document.getElementById("annotator-review-form");
    const key = ev.key.toLowerCase();
    if (form) {
      for (const button of form.querySelectorAll("button.annotator-verdict")) {
        if (button.dataset.key === key || button.dataset.digit === key) {
          ev.preventDefault();
          form.requestSubmit(button);
          return;
        }
      }
    }
    const focus = {c: NOTE, e: "annotator-evidence-url"}[key];
    if (focus && document.getElementById(focus)) {
      ev.preventDefault();
      const field = document.getElementById(focus);
      field.focus();
      if (field.tagName === "TEXTAREA") field.setSelectionRange(field.value.length, field.value.length);
    } else if (key === "n" || key === "j") {
      const next = document.getElementById("annotator-next");
      if (next) {
        ev.preventDefault();
        window.location.href = next.href;
      }
    }
  });
})();
