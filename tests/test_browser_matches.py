"""In a real Chromium against a real ``annotator serve``: a repeated claim shows the verdict its
match got in another document, and the contradiction map groups contradicting claims by source."""

import os

import pytest
from reviewing import serving
from test_browser import CHROMIUM, Reviewer, browser  # noqa: F401 -- browser is a fixture
from test_relations import JOBLESS, UNEMPLOYMENT, claim_id, db_path, matching_db  # noqa: F401

from annotator import store

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists() and not os.environ.get("CI"),
                       reason=f"{CHROMIUM} is missing: apt-get install chromium chromium-driver"),
]


@pytest.fixture
def server(db_path, tmp_path):  # noqa: F811 -- the fixture imported above
    with serving(db_path, tmp_path / "serve.log") as base:
        yield base


def test_prior_verdict_and_contradiction_map(server, browser, db_path):  # noqa: F811
    from selenium.webdriver.common.by import By

    checked, repeated = claim_id(db_path, JOBLESS), claim_id(db_path, UNEMPLOYMENT)
    store.add_review(store.connect(db_path), checked, "maria", "false")

    me = Reviewer(browser, server)
    me.open_claim(repeated)
    prior = browser.find_element(By.ID, "annotator-prior-verdict")
    assert prior.is_displayed()
    assert prior.text == "already checked: false (d01.txt, by maria)"
    matches = browser.find_element(By.ID, "annotator-matches").text
    assert "the same claim" in matches and "contradicts it" in matches and "maria" in matches
    # the prior verdict links to the claim that was checked
    me.reloaded(lambda: prior.find_element(By.TAG_NAME, "a").click())
    assert browser.current_url.endswith(f"/-/annotator/claim/{checked}")

    me.get(f"{server}/-/annotator/queue", "a.annotator-contradictions-link")
    me.reloaded(lambda: me.find("a.annotator-contradictions-link").click())
    groups = browser.find_elements(By.CSS_SELECTOR, ".annotator-contradiction-group")
    headings = [g.find_element(By.TAG_NAME, "h2").text for g in groups]
    assert "ESISC vs European Stability Initiative (1)" in headings
    esi = groups[headings.index("ESISC vs European Stability Initiative (1)")]
    lines = [p.text for p in esi.find_elements(By.CSS_SELECTOR, ".annotator-contradiction p")]
    assert lines[0].startswith("ESISC denies: The European Stability Initiative's claims were rejected")
    assert lines[1].startswith("European Stability Initiative says: The European Stability Initiative said")
    assert "Labor Department vs Labor Department (2)" in headings
    os.makedirs("tests/artifacts", exist_ok=True)
    browser.save_screenshot("tests/artifacts/contradictions.png")
