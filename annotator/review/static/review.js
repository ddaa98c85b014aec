// Keyboard shortcuts for the review page: a verdict key submits the review form with that
// verdict; n goes to the next unreviewed claim; c and e jump to the note and the evidence link.
(function () {
  "use strict";
  const ADVANCE = "annotator-advance";

  function inField(el) {
    return el && el.closest && el.closest("input, textarea, select, [contenteditable]");
  }

  document.addEventListener("DOMContentLoaded", function () {
    const advance = document.getElementById(ADVANCE);
    if (advance) {
      advance.checked = window.localStorage.getItem(ADVANCE) === "1";
      advance.addEventListener("change", function () {
        window.localStorage.setItem(ADVANCE, advance.checked ? "1" : "0");
      });
    }
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
    const focus = {c: "annotator-note", e: "annotator-evidence-url"}[key];
    if (focus && document.getElementById(focus)) {
      ev.preventDefault();
      document.getElementById(focus).focus();
    } else if (key === "n" || key === "j") {
      const next = document.getElementById("annotator-next");
      if (next) {
        ev.preventDefault();
        window.location.href = next.href;
      }
    }
  });
})();
