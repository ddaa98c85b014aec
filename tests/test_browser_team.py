"""Two reviewers in a real Chromium against a real ``annotator serve``: blind review hides the other
reviewer's verdict until one's own is given, and the disputes page records the final verdict."""

import os

import pytest
from conftest import rows
from reviewing import PASSWORD, reviewer_accounts, serving
from test_browser import CHROMIUM, Reviewer, browser  # noqa: F401 -- browser is a fixture

from annotator import store
from annotator.store import team

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists() and not os.environ.get("CI"),
                       reason=f"{CHROMIUM} is missing: apt-get install chromium chromium-driver"),
]

BOB_NOTE = "Bob's reading: the ministry's figure is 4 per cent"


def test_blind_review_then_adjudication(db_copy, tmp_path, browser):  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    # imported here, not at the top: importing the plugin before Datasette loads its plugins would
    # register it half-initialised, without its routes, for every later test of the session
    from annotator.review import accounts

    db = store.connect(db_copy)
    claim_id, other_id = [r[0] for r in db.execute(
        "select id from claims where superseded = 0 order by checkworthy_score desc, id limit 2")]
    team.assign(db, [claim_id, other_id], ["alice", "bob"], blind=True, by="lead")
    store.add_review(db, claim_id, "bob", "false", BOB_NOTE)
    db.close()
    reviewer_accounts(db_copy.with_suffix(".reviewers.json"))
    accounts.add(db_copy.with_suffix(".reviewers.json"), "bob", PASSWORD, iterations=1_000)

    with serving(db_copy, tmp_path / "serve.log") as server:
        alice = Reviewer(browser, server)
        alice.sign_in("alice")
        # her queue is her assignments: both claims, Bob's verdict notwithstanding
        alice.get(f"{server}/-/annotator/queue", ".annotator-counts")
        counts = alice.find(".annotator-counts").text
        assert "2 of 2 claims assigned to you await your verdict" in counts
        alice.reloaded(lambda: alice.find("#annotator-start").click())
        assert browser.current_url.split("/claim/")[1].split("?")[0] == claim_id

        # blind: Bob's verdict and note are nowhere on the page
        page = browser.find_element(By.TAG_NAME, "body").text
        assert "hidden" in alice.find("#annotator-current-verdict").text
        assert BOB_NOTE not in page and "bob:" not in page.lower()

        alice.press("t")  # her own verdict; now the other one shows
        page = browser.find_element(By.TAG_NAME, "body").text
        assert "disputed" in alice.find("#annotator-current-verdict").text
        assert "bob: false" in alice.find("#annotator-current-verdict").text
        assert BOB_NOTE in alice.find(".annotator-history").text
        assert rows(db_copy, "select status from final_reviews where claim_id = ?",
                    [claim_id]) == [{"status": "disputed"}]

        # the disputes page: the final verdict
        alice.reloaded(lambda: browser.find_element(By.LINK_TEXT, "adjudicate").click())
        dispute = alice.find(f"#dispute-{claim_id}")
        assert "alice: true" in dispute.text.replace("\n", " ") and BOB_NOTE in dispute.text
        Select(dispute.find_element(By.NAME, "verdict")).select_by_value("misleading")
        dispute.find_element(By.NAME, "note").send_keys("4% of the total budget, not of health")
        alice.reloaded(lambda: dispute.find_element(By.CSS_SELECTOR, "button[type=submit]").click())
        assert "No disputed claims" in browser.find_element(By.TAG_NAME, "body").text

        alice.open_claim(claim_id)
        final = alice.find("#annotator-current-verdict").text
        assert "misleading" in final and "adjudicated by alice" in final
        assert rows(db_copy, "select f.status, r.verdict, r.reviewer, r.kind from final_reviews f"
                             " join reviews r on r.id = f.review_id where f.claim_id = ?",
                    [claim_id]) == [{"status": "adjudicated", "verdict": "misleading",
                                     "reviewer": "alice", "kind": "adjudication"}]
        # every review stays
        assert rows(db_copy, "select reviewer, verdict, kind from reviews where claim_id = ?"
                             " order by id", [claim_id]) == [
            {"reviewer": "bob", "verdict": "false", "kind": "review"},
            {"reviewer": "alice", "verdict": "true", "kind": "review"},
            {"reviewer": "alice", "verdict": "misleading", "kind": "adjudication"}]

        # the agreement page reads the same figures as the command
        alice.get(f"{server}/-/annotator/agreement", "#annotator-agreement")
        verdict_row = alice.find("#annotator-agreement tr[data-field=verdict]").text
        assert verdict_row.startswith("verdict 1 0.00")


def test_a_reviewer_set_to_review_blind_sees_no_other_review_until_their_own(db_copy, tmp_path,
                                                                             browser):  # noqa: F811
    """``annotator reviewers set alice --blind``: every claim is blind for her, assigned or not,
    as an assignment's blindness is."""
    from click.testing import CliRunner
    from selenium.webdriver.common.by import By

    from annotator.cli import cli
    from annotator.review import accounts

    db = store.connect(db_copy)
    claim_id = db.execute("select id from claims where superseded = 0"
                          " order by checkworthy_score desc, id limit 1").fetchone()[0]
    store.add_review(db, claim_id, "bob", "false", BOB_NOTE)  # no assignment at all
    db.close()
    result = CliRunner().invoke(cli, ["reviewers", "set", "alice", "--blind", "--db", str(db_copy)])
    assert result.exit_code == 0, result.output
    reviewer_accounts(db_copy.with_suffix(".reviewers.json"))
    accounts.add(db_copy.with_suffix(".reviewers.json"), "bob", PASSWORD, iterations=1_000)

    with serving(db_copy, tmp_path / "serve.log") as server:
        alice = Reviewer(browser, server)
        alice.sign_in("alice")
        alice.open_claim(claim_id)
        page = browser.find_element(By.TAG_NAME, "body").text
        assert "hidden" in alice.find("#annotator-current-verdict").text
        assert BOB_NOTE not in page and "bob:" not in page.lower()
        alice.press("t")
        assert "bob: false" in alice.find("#annotator-current-verdict").text
        assert BOB_NOTE in alice.find(".annotator-history").text
