"""A reviewer's session in a real Chromium against a real ``annotator serve``.

Signs in, opens the queue, records a verdict with a key press, a note and an evidence link, checks
the database holds them and that markup in a claim or a note never runs, and saves a screenshot
of the review page to tests/artifacts/review.png; the README's docs/review.png is one of them
(``ANNOTATOR_SCREENSHOT=docs/review.png pytest tests/test_browser.py`` takes it anew).
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import rows
from reviewing import HOSTILE_CLAIM, PASSWORD, add_hostile_document, reviewer_accounts

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ROOT = Path(__file__).resolve().parent.parent
SCREENSHOT = ROOT / os.environ.get("ANNOTATOR_SCREENSHOT", "tests/artifacts/review.png")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    # skipped on a developer's machine without Chromium; in CI (.ci/run installs it) never
    pytest.mark.skipif(not CHROMIUM.exists() and not os.environ.get("CI"),
                       reason=f"{CHROMIUM} is missing: apt-get install chromium chromium-driver "
                       "(as .ci/run does) to run the browser tests"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(db_copy, tmp_path):
    """``annotator serve`` on a free loopback port, with the reviewer alice; yields its base URL."""
    add_hostile_document(db_copy)
    reviewer_accounts(db_copy.with_suffix(".reviewers.json"))
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-c", "from annotator.cli import cli; cli()", "serve", "--db", str(db_copy),
         "--port", str(port), "--user", "me"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{base}/-/login", timeout=1):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"annotator serve did not start:\n{proc.stdout.read()}")
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        proc.stdout.close()


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
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def test_a_reviewer_works_through_the_queue(server, browser, db_copy):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import Select, WebDriverWait

    wait = WebDriverWait(browser, 15)

    def reloaded(action):
        """Run ``action`` and wait until it has replaced the page."""
        old = browser.find_element(By.TAG_NAME, "html")
        action()
        wait.until(ec.staleness_of(old))
        wait.until(lambda d: d.execute_script("return document.readyState") == "complete")

    def press(key):
        """Leave any field (Escape), as a reviewer would, then press ``key``."""
        reloaded(lambda: ActionChains(browser).send_keys(Keys.ESCAPE).send_keys(key).perform())

    # sign in with the reviewer's password
    browser.get(f"{server}/-/login")
    browser.find_element(By.ID, "id_username").send_keys("alice")
    browser.find_element(By.ID, "id_password").send_keys(PASSWORD)
    reloaded(lambda: browser.find_element(By.CSS_SELECTOR, "form.password-login input[type=submit]").click())
    assert browser.find_element(By.CSS_SELECTOR, ".actor").text == "alice"

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
    browser.get(f"{server}/-/annotator/queue")
    assert browser.execute_script("return window.__annotatorPwned") is None
    Select(browser.find_element(By.ID, "annotator-queue-stance")).select_by_value("reported")
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

    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(1280, min(max(height + 150, 900), 2400))
    browser.save_screenshot(str(SCREENSHOT))
    assert SCREENSHOT.stat().st_size > 10_000

    press("n")
    assert claim_id not in browser.current_url and "/-/annotator/claim/" in browser.current_url
    assert browser.execute_script("return window.__annotatorPwned") is None
