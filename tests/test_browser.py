"""A reviewer's session in a real Chromium against a real ``annotator serve``.

Signs in, opens the queue, records a verdict with a key press, a note and an evidence link, checks
the database holds them and that markup in a claim or a note never runs; a note survives a change
of verdict and the adding of evidence. Screenshots of the claims table, the queue and the review
page go to tests/artifacts/; the README's docs/*.png are those
(``ANNOTATOR_SCREENSHOTS=docs pytest tests/test_browser.py`` takes them anew, into docs/).
"""

import os
from pathlib import Path

import pytest
from conftest import rows
from reviewing import HOSTILE_CLAIM, PASSWORD, add_hostile_document, reviewer_accounts, serving

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / os.environ.get("ANNOTATOR_SCREENSHOTS", "tests/artifacts")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    # skipped on a developer's machine without Chromium; in CI (.ci/run installs it) never
    pytest.mark.skipif(not CHROMIUM.exists() and not os.environ.get("CI"),
                       reason=f"{CHROMIUM} is missing: apt-get install chromium chromium-driver "
                       "(as .ci/run does) to run the browser tests"),
]


@pytest.fixture
def server(db_copy, tmp_path):
    """``annotator serve`` on a free loopback port, with the reviewer alice; yields its base URL."""
    add_hostile_document(db_copy)
    reviewer_accounts(db_copy.with_suffix(".reviewers.json"))
    with serving(db_copy, tmp_path / "serve.log") as base:
        yield base


@pytest.fixture
def browser(tmp_path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", "--window-size=1280,1000", f"--user-data-dir={tmp_path / 'chromium'}"):
        options.add_argument(flag)
    options.set_capability("unhandledPromptBehavior", "ignore")  # tests look at "leave the page?"
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def screenshot(browser, name: str, width: int = 1280) -> Path:
    """The whole page as SCREENSHOTS/name (the window grows to the page's height, up to 2400 px)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / name
    browser.set_window_size(width, 900)
    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(width, min(max(height + 150, 900), 2400))
    browser.save_screenshot(str(path))
    assert path.stat().st_size > 10_000
    return path


# How long a wait for a page, a key's effect or a saved row may take: generous, as CI runs the
# browser, the server and pytest on two busy cores, but bounded, so a broken feature fails.
WAIT = 60

MARK = "window.__annotatorOldPage = true"
NEW_PAGE = "return !window.__annotatorOldPage && document.readyState === 'complete'"


def new_page(driver) -> bool:
    """A wait condition: the marked page has been replaced by another, fully loaded. Asked of the
    page itself (a new page is a new window object, without the mark), not of an element of the old
    one, which chromedriver may call gone while the old page is still there."""
    from selenium.common.exceptions import WebDriverException

    try:
        return bool(driver.execute_script(NEW_PAGE))
    except WebDriverException:  # asked mid-navigation: ask again
        return False


class Reviewer:
    """A reviewer at the keyboard of a real browser: signs in, presses keys, waits for pages."""

    def __init__(self, browser, server):
        from selenium.webdriver.support.ui import WebDriverWait

        self.browser, self.server = browser, server
        self.wait = WebDriverWait(browser, WAIT)

    def find(self, css):
        from selenium.webdriver.common.by import By

        return self.browser.find_element(By.CSS_SELECTOR, css)

    def until(self, condition, what: str):
        """Wait (up to WAIT seconds) until ``condition(driver)`` is true; ``what`` says, on a
        timeout, what never happened."""
        return self.wait.until(condition, f"{what} (after {WAIT} s)")

    def reloaded(self, action):
        """Run ``action`` and wait until it has replaced the page by another, fully loaded."""
        self.browser.execute_script(MARK)
        action()
        self.until(new_page, "the page was not replaced")

    def get(self, url, css="body"):
        """Open ``url`` and wait until the element ``css`` is on it (``get`` may return early)."""
        from selenium.webdriver.common.by import By

        self.browser.get(url)
        self.until(lambda d: d.find_elements(By.CSS_SELECTOR, css), f"{url} shows no {css}")

    def focus(self, key, field_id):
        """Press ``key``, which moves the cursor into the field ``field_id``; wait until it is there,
        as a reviewer would before typing."""
        self.keys(key)
        self.until(lambda d: d.execute_script("return document.activeElement.id") == field_id,
                   f"{key} did not move the cursor to #{field_id}")

    def keys(self, *keys):
        from selenium.webdriver.common.action_chains import ActionChains

        chain = ActionChains(self.browser)
        for key in keys:
            chain = chain.send_keys(key)
        chain.perform()

    def press(self, key):
        """Leave any field (Escape), as a reviewer would, then press ``key``, which loads a page."""
        from selenium.webdriver.common.keys import Keys

        self.reloaded(lambda: self.keys(Keys.ESCAPE, key))

    def sign_in(self, name="alice"):
        self.get(f"{self.server}/-/login", "#id_username")
        self.find("#id_username").send_keys(name)
        self.find("#id_password").send_keys(PASSWORD)
        self.reloaded(lambda: self.find("form.password-login input[type=submit]").click())
        assert self.find(".actor").text == name

    def open_claim(self, claim_id):
        self.get(f"{self.server}/-/annotator/claim/{claim_id}", ".annotator-review")


def test_a_reviewer_works_through_the_queue(server, browser, db_copy):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    me = Reviewer(browser, server)
    reloaded, press = me.reloaded, me.press

    me.sign_in()  # with the reviewer's password

    # from the home page to the queue, and the first claim: the one full of markup
    reloaded(lambda: browser.find_element(By.LINK_TEXT, "Review claims →").click())
    reloaded(lambda: browser.find_element(By.ID, "annotator-start").click())
    assert browser.current_url.endswith(f"/-/annotator/claim/{HOSTILE_CLAIM}")
    passage = browser.find_element(By.CSS_SELECTOR, ".annotator-passage").text
    assert "<script>window.__annotatorPwned = 1</script>" in passage
    script_note = "<script>window.__annotatorPwned = 3</script> not a claim"
    browser.find_element(By.ID, "annotator-note").send_keys(script_note)
    press("x")  # the shortcut submits the form, the note with it
    assert rows(db_copy, "select verdict, note, reviewer from reviews where claim_id = ?",
                [HOSTILE_CLAIM]) == [{"verdict": "not_a_claim", "note": script_note, "reviewer": "alice"}]
    assert script_note in browser.find_element(By.CSS_SELECTOR, ".annotator-history").text
    assert browser.execute_script("return window.__annotatorPwned") is None

    # the queue of reported claims: a claim with a source and a cue
    me.get(f"{server}/-/annotator/queue", "#annotator-queue-stance")
    assert browser.execute_script("return window.__annotatorPwned") is None
    reloaded(lambda: Select(browser.find_element(By.ID, "annotator-queue-stance")).select_by_value("reported"))
    reloaded(lambda: browser.find_element(By.ID, "annotator-start").click())
    claim_id = browser.current_url.split("/claim/")[1].split("?")[0]
    claim = rows(db_copy, "select * from claims where id = ?", [claim_id])[0]
    assert claim["stance"] == "reported" and claim_id != HOSTILE_CLAIM
    assert browser.find_element(By.CSS_SELECTOR, "mark.annotator-claim").text.strip()

    press("m")
    assert "misleading" in browser.find_element(By.ID, "annotator-current-verdict").text
    browser.find_element(By.ID, "annotator-note").send_keys(
        "The figure is from a draft; the final report says otherwise.")
    reloaded(lambda: browser.find_element(By.CSS_SELECTOR, "button.annotator-save").click())
    browser.find_element(By.ID, "annotator-evidence-url").send_keys("https://example.org/final-report")
    browser.find_element(By.ID, "annotator-evidence-quote").send_keys("Turnout was 61 per cent.")
    Select(browser.find_element(By.ID, "annotator-evidence-relation")).select_by_value("refutes")
    reloaded(lambda: browser.find_element(By.CSS_SELECTOR, "button.annotator-add-evidence").click())

    reviews = rows(db_copy, "select verdict, note, reviewer from reviews where claim_id = ? order by id",
                   [claim_id])
    assert reviews == [
        {"verdict": "misleading", "note": None, "reviewer": "alice"},
        {"verdict": "misleading", "note": "The figure is from a draft; the final report says otherwise.",
         "reviewer": "alice"},
    ]
    evidence = rows(db_copy, "select url, quote, relation, reviewer from evidence")
    assert evidence == [{"url": "https://example.org/final-report", "quote": "Turnout was 61 per cent.",
                         "relation": "refutes", "reviewer": "alice"}]
    assert "final-report" in browser.find_element(By.CSS_SELECTOR, ".annotator-evidence").text

    screenshot(browser, "review.png")

    press("n")
    assert claim_id not in browser.current_url and "/-/annotator/claim/" in browser.current_url
    assert browser.execute_script("return window.__annotatorPwned") is None


def reported_claim(db_path) -> dict:
    """A current claim of the corpus with a source, a cue and a canonical source."""
    return rows(db_path, "select * from claims where superseded = 0 and stance = 'reported'"
                " and source_canonical is not null and id != ? order by checkworthy_score desc, id"
                " limit 1", [HOSTILE_CLAIM])[0]


def exported(db_path, fmt: str, claim_id: str) -> dict | None:
    """The claim as ``annotator export --format fmt`` writes it (a ClaimReview, for claimreview)."""
    import csv
    import io
    import json

    from click.testing import CliRunner

    from annotator.cli import cli

    args = ["export", "--db", str(db_path), "--format", fmt]
    if fmt == "claimreview":
        args += ["--org", "Example Fact Check"]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    if fmt == "csv":
        found = [r for r in csv.DictReader(io.StringIO(result.stdout)) if r["id"] == claim_id]
    elif fmt == "jsonl":
        found = [r for r in map(json.loads, result.stdout.splitlines()) if r["id"] == claim_id]
    else:
        found = [r for r in json.loads(result.stdout) if r["@id"].endswith(claim_id)]
    return found[0] if found else None


def test_a_verdict_key_keeps_the_note(server, browser, db_copy):
    """c, a note, Esc, t; then u: the note stays with the claim, on the page and in every export."""
    from selenium.webdriver.common.keys import Keys

    me = Reviewer(browser, server)
    me.sign_in()
    claim = reported_claim(db_copy)
    me.open_claim(claim["id"])
    note = "The ministry's own figures say 4%, not 5%."
    me.focus("c", "annotator-note")
    me.keys(note, Keys.ESCAPE)
    me.press("t")
    assert me.find("#annotator-note").get_property("value") == note  # the box shows the saved note
    me.press("u")

    assert rows(db_copy, "select verdict, note from reviews where claim_id = ? order by id",
                [claim["id"]]) == [{"verdict": "true", "note": note},
                                   {"verdict": "unverifiable", "note": note}]
    assert "unverifiable" in me.find("#annotator-current-verdict").text
    assert me.find("#annotator-note").get_property("value") == note
    assert exported(db_copy, "csv", claim["id"])["note"] == note
    assert exported(db_copy, "jsonl", claim["id"])["note"] == note
    review = exported(db_copy, "claimreview", claim["id"])
    assert review["reviewBody"] == note and review["reviewRating"]["textualRating"] == "Unverifiable"

    # "Save note and corrections" with a changed stance keeps verdict and note
    from selenium.webdriver.support.ui import Select

    me.find("details.annotator-corrections summary").click()
    Select(me.find("#annotator-stance")).select_by_value("alleged")
    me.reloaded(lambda: me.find("button.annotator-save").click())
    assert rows(db_copy, "select verdict, note, stance from reviews where claim_id = ? order by id desc"
                " limit 1", [claim["id"]]) == [{"verdict": "unverifiable", "note": note, "stance": "alleged"}]

    # clearing the note is the reviewer's act: empty the box and save
    me.find("#annotator-note").clear()
    me.reloaded(lambda: me.find("button.annotator-save").click())
    assert rows(db_copy, "select verdict, note from reviews where claim_id = ? order by id desc limit 1",
                [claim["id"]]) == [{"verdict": "unverifiable", "note": None}]
    assert "note is cleared" in me.find(".message-info").text


LEAVING = ("const e = new Event('beforeunload', {cancelable: true}); window.dispatchEvent(e);"
           " return e.defaultPrevented")


def test_a_draft_note_survives_adding_evidence(server, browser, db_copy):
    """c, a draft, e, a link, "Add evidence": the evidence is stored and the draft is still in the
    box (not saved until the reviewer saves it); leaving the page then asks first."""
    from selenium.webdriver.common.keys import Keys

    me = Reviewer(browser, server)
    me.sign_in()
    claim = reported_claim(db_copy)
    me.open_claim(claim["id"])
    draft = "Check the 2023 budget, table 4."
    me.focus("c", "annotator-note")
    me.keys(draft, Keys.ESCAPE)
    me.focus("e", "annotator-evidence-url")
    me.keys("https://example.org/budget-2023")
    me.reloaded(lambda: me.find("button.annotator-add-evidence").click())

    assert rows(db_copy, "select url from evidence where claim_id = ?", [claim["id"]]) == [
        {"url": "https://example.org/budget-2023"}]
    assert me.find("#annotator-note").get_property("value") == draft
    assert "not saved yet" in me.find("#annotator-draft-restored").text
    assert rows(db_copy, "select * from reviews where claim_id = ?", [claim["id"]]) == []

    # leaving with the unsaved note makes the browser ask first (headless Chromium shows no such
    # dialog, so the test sends the page the event the browser sends before it leaves)
    assert browser.execute_script(LEAVING) is True
    me.find("#annotator-note").clear()
    assert browser.execute_script(LEAVING) is False
    me.find("#annotator-note").send_keys(draft)

    # a verdict saves the draft with it, and the page no longer keeps a draft
    me.press("f")
    assert rows(db_copy, "select verdict, note from reviews where claim_id = ?", [claim["id"]]) == [
        {"verdict": "false", "note": draft}]
    assert not browser.find_elements("id", "annotator-draft-restored")


def test_verdict_keys_work_after_ticking_go_to_the_next_claim(server, browser, db_copy):
    me = Reviewer(browser, server)
    me.sign_in()
    claim = reported_claim(db_copy)
    me.open_claim(claim["id"])
    me.find("#annotator-advance").click()  # the checkbox has the focus now
    me.reloaded(lambda: me.keys("m"))
    assert rows(db_copy, "select verdict from reviews where claim_id = ?", [claim["id"]]) == [
        {"verdict": "misleading"}]
    assert claim["id"] not in browser.current_url  # and it went on to the next claim


def test_the_queue_shows_what_its_filters_choose(server, browser, db_copy):
    from selenium.webdriver.support.ui import Select

    me = Reviewer(browser, server)
    me.sign_in()
    me.get(f"{server}/-/annotator/queue", "#annotator-queue-stance")
    me.reloaded(lambda: Select(me.find("#annotator-queue-stance")).select_by_value("alleged"))
    stances = {td.text for td in browser.find_elements("css selector", ".annotator-upcoming td:nth-child(4)")}
    assert stances == {"alleged"}
    assert "stance=alleged" in browser.current_url


def test_the_claims_table_reads_claim_first(server, browser, db_copy):
    """The claims table opens with the claim, its source, cue, stance, check-worthiness, verdict and
    document; ids, hashes and offsets come last; a long claim is clipped to three lines. Takes the
    screenshots of the claims table and the queue."""
    me = Reviewer(browser, server)
    me.sign_in()
    claim = reported_claim(db_copy)
    me.open_claim(claim["id"])
    me.press("f")
    me.get(f"{server}/claims/claims", "table.rows-and-columns th")
    headers = [th.get_attribute("data-column")
               for th in browser.find_elements("css selector", "table.rows-and-columns th")]
    assert headers[:8] == ["text", "source", "cue", "stance", "checkworthy", "checkworthy_score",
                           "verdict", "doc"]
    assert set(headers[-3:]) == {"document_id", "doc_sha256", "id"}
    heights = browser.execute_script(
        "return Array.from(document.querySelectorAll('table.rows-and-columns tbody tr'),"
        " tr => tr.getBoundingClientRect().height)")
    assert max(heights) < 100, max(heights)  # three lines of a claim at most
    verdicts = browser.find_elements("css selector", "td.col-verdict .annotator-verdict-false")
    assert len(verdicts) == 1
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)  # the rows: the facets above them are Datasette's
    browser.find_element("css selector", ".table-wrapper").screenshot(str(SCREENSHOTS / "claims-table.png"))

    me.get(f"{server}/-/annotator/queue", ".annotator-upcoming")
    screenshot(browser, "queue.png")
