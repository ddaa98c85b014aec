"""The review plugin's routes (annotator/review/views.py, pages.py, site.py) through Datasette's own
client: the claim page, verdicts and evidence, the queue, sign-in, the claims table and facets.
(Its pure helpers: test_review_passages.py, test_review_forms.py, test_review_querystrings.py,
test_review_helpers.py; accounts and configuration: test_review_accounts.py, test_review_config.py.)"""

import html as html_lib
import re
import sqlite3
from urllib.parse import urlencode

import pytest
from conftest import rows
from reviewing import HOSTILE_CLAIM, PASSWORD, TOKEN, Site, add_hostile_document, run

from annotator import store
from annotator.review import access, accounts


@pytest.fixture
def site(small_copy, tmp_path, monkeypatch):
    add_hostile_document(small_copy)
    return Site(small_copy, tmp_path, monkeypatch)


@pytest.fixture
def claim(site):
    """A current claim with a source and a cue."""
    return site.rows("select * from claims where superseded = 0 and source is not null "
                     "and cue is not null and id != ? order by id limit 1", [HOSTILE_CLAIM])[0]


def test_the_queue_filters_as_the_export_does(site):
    """A source named by an alias, in any case ('the report'), is the same claims in the queue as
    in the export and the queue's own download link (the queue once compared it exactly: 0)."""
    from annotator.export import Filters, count_claims

    conn = sqlite3.connect(site.db_path)
    alias = conn.execute("select a.value from sources s, json_each(s.aliases) a "
                         "where lower(a.value) != lower(s.canonical) limit 1").fetchone()[0]
    query = alias.lower()
    expected = count_claims(conn, Filters(sources=(query,)))
    assert expected > 0
    page = site.get("/-/annotator/queue?" + urlencode({"source": query}))
    assert page.status_code == 200
    assert f"of {expected} claims" in page.text


def test_page_shows_the_claim_highlighted_in_its_paragraph(site, claim):
    response = site.get(f"/-/annotator/claim/{claim['id']}")
    assert response.status_code == 200
    html = response.text
    marked = re.search(r'<mark class="annotator-claim">(.*?)</mark>', html, re.DOTALL).group(1)
    assert re.sub(r"<[^>]+>", "", marked).replace("&#39;", "'").replace("&#34;", '"') == claim["text"]
    assert '<span class="annotator-source" title="source">' in html
    assert '<span class="annotator-cue" title="cue">' in html
    assert claim["doc"] in html and claim["stance"] in html
    # read-only for an anonymous visitor
    assert "Sign in as a reviewer" in html and 'name="csrftoken"' not in html


def test_verdict_is_recorded_with_the_signed_in_reviewer(site, claim):
    cookies, token = site.form(claim["id"], site.actor("alice"))
    response = site.post(f"/-/annotator/claim/{claim['id']}/review", cookies=cookies, data={
        "csrftoken": token, "verdict": "misleading", "note": "half the story",
        "reviewer": "mallory", "stance": "alleged", "source": claim["source"],
    })
    assert response.status_code == 302
    assert response.headers["location"] == f"/-/annotator/claim/{claim['id']}"
    rows = site.rows("select * from reviews where claim_id = ?", [claim["id"]])
    assert len(rows) == 1
    assert rows[0]["reviewer"] == "alice" and rows[0]["verdict"] == "misleading"
    assert rows[0]["note"] == "half the story" and rows[0]["stance"] == "alleged"
    assert rows[0]["source"] is None
    page = site.get(f"/-/annotator/claim/{claim['id']}", cookies=cookies).text
    assert "half the story" in page and "annotator-verdict-misleading annotator-current" in page
    view = site.rows("select verdict, reviewer, corrected_stance from claim_verdicts where id = ?",
                     [claim["id"]])
    assert view == [{"verdict": "misleading", "reviewer": "alice", "corrected_stance": "alleged"}]


def test_evidence_is_recorded(site, claim):
    cookies, token = site.form(claim["id"], site.actor("alice"))
    response = site.post(f"/-/annotator/claim/{claim['id']}/evidence", cookies=cookies, data={
        "csrftoken": token, "url": "https://example.org/report", "quote": "it did not",
        "relation": "refutes"})
    assert response.status_code == 302
    rows = site.rows("select url, quote, relation, reviewer from evidence")
    assert rows == [{"url": "https://example.org/report", "quote": "it did not",
                     "relation": "refutes", "reviewer": "alice"}]
    page = site.get(f"/-/annotator/claim/{claim['id']}").text
    assert 'href="https://example.org/report" rel="noopener noreferrer nofollow"' in page
    # a link that did not come through the form (an import, say) is never made clickable
    conn = sqlite3.connect(site.db_path)
    with conn:
        conn.execute("insert into evidence (claim_id, url, relation, reviewer, created) "
                     "values (?, 'javascript:alert(1)', 'context', 'import', 'now')", [claim["id"]])
    conn.close()
    page = site.get(f"/-/annotator/claim/{claim['id']}").text
    assert "javascript:alert(1)" in page and 'href="javascript:' not in page


@pytest.mark.parametrize("action", ["review", "evidence", "adjudicate"])
def test_write_without_csrf_token_is_forbidden(site, claim, action):
    cookies, _ = site.form(claim["id"], site.actor("alice"))
    data = {"verdict": "true", "url": "https://example.org"}
    assert site.post(f"/-/annotator/claim/{claim['id']}/{action}", cookies=cookies,
                     data=data).status_code == 403
    assert site.post(f"/-/annotator/claim/{claim['id']}/{action}", cookies=site.actor("alice"),
                     data={**data, "csrftoken": "forged"}).status_code == 403
    assert site.rows("select count(*) as n from reviews union all select count(*) from evidence") == [
        {"n": 0}, {"n": 0}]


@pytest.mark.parametrize("action", ["review", "evidence", "adjudicate"])
def test_anonymous_write_is_forbidden(site, claim, action):
    data = {"verdict": "true", "url": "https://example.org"}
    # no cookies at all: Datasette skips its CSRF check, so the route must refuse by itself
    response = site.post(f"/-/annotator/claim/{claim['id']}/{action}", data=data)
    assert response.status_code == 403
    cookies, token = site.form(claim["id"], {})
    response = site.post(f"/-/annotator/claim/{claim['id']}/{action}", cookies=cookies,
                         data={**data, "csrftoken": token})
    assert response.status_code == 403 and "Sign in as a reviewer" in response.text
    assert site.rows("select count(*) as n from reviews") == [{"n": 0}]


@pytest.mark.parametrize("action", ["review", "evidence", "adjudicate"])
def test_signed_in_non_reviewer_may_not_write(site, claim, action):
    cookies, token = site.form(claim["id"], site.actor("mallory"))
    response = site.post(f"/-/annotator/claim/{claim['id']}/{action}", cookies=cookies, data={
        "csrftoken": token, "verdict": "true", "url": "https://example.org"})
    assert response.status_code == 403 and "mallory is not a reviewer" in response.text
    page = site.get(f"/-/annotator/claim/{claim['id']}", cookies=cookies).text
    assert "mallory is not a reviewer" in page and "annotator-review-form" not in page
    assert site.rows("select count(*) as n from reviews") == [{"n": 0}]


def test_unknown_verdict_is_a_400(site, claim):
    cookies, token = site.form(claim["id"], site.actor("alice"))
    response = site.post(f"/-/annotator/claim/{claim['id']}/review", cookies=cookies,
                         data={"csrftoken": token, "verdict": "pants-on-fire"})
    assert response.status_code == 400
    assert "unknown verdict" in response.text
    response = site.post(f"/-/annotator/claim/{claim['id']}/evidence", cookies=cookies,
                         data={"csrftoken": token, "url": "javascript:alert(1)"})
    assert response.status_code == 400
    assert site.rows("select count(*) as n from reviews union all select count(*) from evidence") == [
        {"n": 0}, {"n": 0}]


def test_markup_in_claim_text_is_shown_as_text(site):
    html = site.get(f"/-/annotator/claim/{HOSTILE_CLAIM}").text
    assert "<script>window.__annotatorPwned" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;window.__annotatorPwned = 1&lt;/script&gt;" in html
    queue = site.get("/-/annotator/queue").text
    assert "<script>window.__annotatorPwned" not in queue


def test_queue_goes_through_unreviewed_claims_by_check_worthiness(site):
    first = site.get("/-/annotator/next")
    assert first.status_code == 302
    assert first.headers["location"] == f"/-/annotator/claim/{HOSTILE_CLAIM}"
    cookies, token = site.form(HOSTILE_CLAIM, site.actor("alice"))
    saved = site.post(f"/-/annotator/claim/{HOSTILE_CLAIM}/review?stance=reported",
                      cookies=cookies, data={"csrftoken": token, "verdict": "true", "advance": "1"})
    assert saved.headers["location"] == f"/-/annotator/next?stance=reported&after={HOSTILE_CLAIM}"
    following = site.get(saved.headers["location"]).headers["location"]
    claim_id = following.split("/")[-1].split("?")[0]
    assert following.endswith("?stance=reported")
    best = site.rows(
        "select id from claims c where superseded = 0 and stance = 'reported' and id != ? "
        "order by checkworthy_score desc, id limit 1", [HOSTILE_CLAIM])
    assert claim_id == best[0]["id"]
    # a reviewed claim leaves the queue; an empty queue says so
    assert site.get("/-/annotator/next?doc=hostile.txt").headers["location"] == (
        "/-/annotator/queue?doc=hostile.txt&done=1")
    assert "No unreviewed claims left" in site.get("/-/annotator/queue?doc=hostile.txt&done=1").text


def test_superseded_claims_stay_out_of_the_queue_and_in_the_history(site, claim):
    cookies, token = site.form(claim["id"], site.actor("alice"))
    site.post(f"/-/annotator/claim/{claim['id']}/review", cookies=cookies,
              data={"csrftoken": token, "note": "the old wording"})
    conn = sqlite3.connect(site.db_path)
    with conn:
        conn.execute("update claims set superseded = 1, superseded_run = 'r2' where id = ?",
                     [claim["id"]])
        new = dict(claim, id="ffffffffffffffff", text=claim["text"] + " Indeed.", superseded=0)
        conn.execute(f"insert into claims ({', '.join(new)}) values ({', '.join('?' * len(new))})",
                     list(new.values()))
    conn.close()
    for _ in range(3):
        location = site.get(f"/-/annotator/next?doc={claim['doc']}&after=x").headers["location"]
        assert claim["id"] not in location
    page = site.get("/-/annotator/claim/ffffffffffffffff").text
    assert "the old wording" in page and "earlier version" in page
    old = site.get(f"/-/annotator/claim/{claim['id']}")
    assert old.status_code == 200 and "older version" in old.text
    assert site.post(f"/-/annotator/claim/{claim['id']}/review", cookies=cookies,
                     data={"csrftoken": token, "verdict": "true"}).status_code == 400


DEBT = "The treasury said the state owes 40 billion euros of debt."
BUDGET = "The minister said the budget rose by 4 per cent last year."
BANK = "The central bank said inflation reached 6 per cent."


def marked(html: str, kind: str) -> str:
    """The text a page marks as claim, source or cue."""
    pattern = (r'<mark class="annotator-claim">(.*?)</mark>' if kind == "claim"
               else rf'<span class="annotator-{kind}" title="{kind}">(.*?)</span>')
    found = re.search(pattern, html.split('class="annotator-passage"')[1], re.DOTALL).group(1)
    return html_lib.unescape(re.sub(r"<[^>]+>", "", found))


def test_a_superseded_claims_page_highlights_its_own_text(nlp, monkeypatch, tmp_path):
    from annotator import extract

    monkeypatch.setattr("annotator.pipeline.build_nlp", lambda model=None, checkworthy_model=None: nlp)
    folder, db = tmp_path / "in", tmp_path / "claims.db"
    folder.mkdir()
    doc = folder / "debt.txt"
    doc.write_text(f"Public debt\n\n{DEBT}\n\n{BUDGET}\n\n{BANK}\n", encoding="utf-8")
    extract.run([str(folder)], str(db), progress=False)
    (old,) = rows(db, "select * from claims where ? like '%' || text", [BUDGET])
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("insert into reviews (claim_id, verdict, reviewer, created) "
                     "values (?, 'true', 'ann', '2026-01-01')", [old["id"]])
    conn.close()
    doc.write_text(f"Public debt\n\n{DEBT}\n\n{BANK}\n", encoding="utf-8")  # its paragraph deleted
    extract.run([str(folder)], str(db), progress=False)
    assert rows(db, "select superseded from claims where id = ?", [old["id"]]) == [{"superseded": 1}]

    site = Site(db, tmp_path, monkeypatch)
    html = site.get(f"/-/annotator/claim/{old['id']}").text
    assert "older version" in html
    assert marked(html, "claim") == old["text"]
    assert marked(html, "source") == old["source"] and marked(html, "cue") == old["cue"]
    passage = html_lib.unescape(re.sub(r"<[^>]+>", "", html.split('class="annotator-passage">')[1]
                                       .split("</blockquote>")[0]))
    assert passage == BUDGET  # its own paragraph, not the one now at its offsets
    assert "not kept for an older version" in html  # its entities, rather than "none"

    # superseded before earlier versions were kept: the claim alone, and the page says so
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("delete from document_versions")
    conn.close()
    html = site.get(f"/-/annotator/claim/{old['id']}").text
    assert marked(html, "claim") == old["text"] and "was not kept" in html


def test_queue_within_a_claim_set(site, claim):
    if not site.rows("select name from sqlite_master where name = 'claim_sets'"):
        pytest.skip("claim sets are not in this schema yet")
    conn = sqlite3.connect(site.db_path)
    with conn:
        conn.execute("insert into claim_sets (id, name, kind, created, creator) "
                     "values (1, 'budget', 'list', '2025-01-01', 'me')")
        conn.execute("insert into claim_set_members (set_id, claim_id, added, added_by) "
                     "values (1, ?, '2025-01-01', 'me')", [claim["id"]])
    conn.close()
    assert site.get("/-/annotator/next?set=budget").headers["location"] == (
        f"/-/annotator/claim/{claim['id']}?set=budget")
    assert site.get("/-/annotator/next?set=nope").status_code == 400


def test_one_time_sign_in_link(site, claim):
    assert site.get("/-/annotator/sign-in?token=guess").status_code == 403
    response = site.get(f"/-/annotator/sign-in?token={TOKEN}")
    assert response.status_code == 302
    actor = site.ds.unsign(response.cookies["ds_actor"], "actor")
    assert actor == {"a": {"id": "me"}}
    assert site.get(f"/-/annotator/sign-in?token={TOKEN}").status_code == 403
    cookies, token = site.form(claim["id"], {"ds_actor": response.cookies["ds_actor"]})
    site.post(f"/-/annotator/claim/{claim['id']}/review", cookies=cookies,
              data={"csrftoken": token, "verdict": "true"})
    assert site.rows("select reviewer from reviews") == [{"reviewer": "me"}]


def test_reviewer_signs_in_with_a_password(site, claim):
    login = site.get("/-/login")
    token = re.search(r'name="csrftoken" value="([^"]+)"', login.text).group(1)
    csrf = {"ds_csrftoken": login.cookies["ds_csrftoken"]}
    wrong = site.post("/-/login", cookies=csrf,
                      data={"username": "alice", "password": "wrong", "csrftoken": token})
    assert "ds_actor" not in wrong.cookies
    right = site.post("/-/login", cookies=csrf,
                      data={"username": "alice", "password": PASSWORD, "csrftoken": token})
    assert site.ds.unsign(right.cookies["ds_actor"], "actor") == {
        "a": access.actor_for("alice", accounts.load(site.reviewers_file)["alice"])}
    assert "httponly" in right.headers["set-cookie"].lower()
    assert "Review claims" in site.get("/").text


def _facets(site, query=""):
    data = site.get(f"/claims/claims.json?_size=0{query}").json()
    return {name: [(v["value"], v["count"], v["toggle_url"], v["selected"]) for v in f["results"]]
            + [f["truncated"], f["type"], f["hideable"]] for name, f in data["facet_results"].items()}


def _stored_counts(site) -> int:
    return site.rows("select count(*) as n from claim_facet_counts")[0]["n"]


def test_facets_from_stored_counts_equal_datasettes_own(site, small_db):
    from annotator import store

    assert rows(small_db, "select n from claim_facet_counts where column = '*'")  # as extract leaves them
    # the site's database had a claim added since, which emptied them: Datasette counts the facets
    assert _stored_counts(site) == 0
    sizes = ("", "&_facet_size=3", "&_facet_size=max", "&_facet_counted=cue")
    counted = {size: _facets(site, size) for size in sizes}
    db = store.connect(site.db_path)
    store.refresh_facet_counts(db)
    assert _stored_counts(site) > len(store.FACET_COLUMNS)
    for size in sizes:
        assert _facets(site, size) == counted[size]
    assert set(counted[""]) == set(store.FACET_COLUMNS)
    stance = dict(v[:2] for v in counted[""]["stance"][:-3])
    assert stance == {r["stance"]: r["n"] for r in site.rows(
        "select stance, count(*) as n from claims group by stance")}

    # filtered, they are counted over the filtered rows, with the selected value marked
    filtered = _facets(site, "&stance=reported")
    assert filtered["stance"][0] == ("reported", stance["reported"], filtered["stance"][0][2], True)

    # a change to the claims empties the stored counts, and the facets follow the change
    with store.writing(db):
        db.execute("update claims set stance = 'denied' where id = ?", [HOSTILE_CLAIM])
    assert _stored_counts(site) == 0
    changed = dict(v[:2] for v in _facets(site)["stance"][:-3])
    assert changed["denied"] == stance.get("denied", 0) + 1
    store.refresh_facet_counts(db)
    assert dict(v[:2] for v in _facets(site)["stance"][:-3]) == changed
    # a database without the counts at all (say, from an older annotator) is counted in the table
    with store.writing(db):
        for trigger in ("insert", "update", "delete"):
            db.execute(f"drop trigger claim_facet_counts_{trigger}")
        db.execute("drop table claim_facet_counts")
    assert dict(v[:2] for v in _facets(site)["stance"][:-3]) == changed
    db.close()


def test_datasette_configuration(site):
    claims_page = site.get("/claims/claims?stance=reported").text
    assert 'href="/-/annotator/next?stance=reported"' in claims_page  # the table action
    assert 'class="annotator-review-link"' in claims_page
    for facet in ("stance", "checkworthy", "claim_type", "source_canonical", "section_path", "doc"):
        assert f'data-column="{facet}"' in claims_page
    assert site.get("/claims/claims.json?_search=minister").json()["filtered_table_rows_count"] >= 1
    for query in ("unreviewed_checkworthy", "claims_per_source", "contested_claims",
                  "reviewer_activity"):
        assert site.get(f"/claims/{query}.json").status_code == 200
    unreviewed = site.get("/claims/unreviewed_checkworthy.json?_shape=array").json()
    assert unreviewed[0]["review"] == HOSTILE_CLAIM
    csv = site.get("/claims/claim_verdicts.csv?_stream=on&_size=5").text.splitlines()
    assert csv[0].startswith("id,doc,section_path") and "verdict" in csv[0]
    assert len(csv) == 1 + site.rows("select count(*) as n from claims where superseded = 0")[0]["n"]
    assert "_sqlite_migrations" not in site.get("/claims").text.split("hidden tables")[0]
    meta = site.get("/-/metadata.json").text
    assert "pbkdf2" not in meta


def test_unreviewed_means_the_same_in_the_canned_query_as_in_the_queue(site):
    """A claim whose latest review took its verdict back is unreviewed again, for the canned query
    as for the queue (the query once meant 'never had a verdict')."""
    conn = store.connect(site.db_path)
    store.add_review(conn, HOSTILE_CLAIM, "alice", "false")
    store.add_review(conn, HOSTILE_CLAIM, "alice", None)
    unreviewed = site.get("/claims/unreviewed_checkworthy.json?_shape=array").json()
    assert unreviewed[0]["review"] == HOSTILE_CLAIM
    assert HOSTILE_CLAIM in site.get("/-/annotator/queue").text


def test_plugin_connections_wait_for_locks(site):
    db = site.ds.get_database("claims")
    assert run(db.execute("pragma busy_timeout")).rows[0][0] == 30_000


def test_each_reviewer_keeps_their_own_review(site, claim):
    """Bob opens the page, Alice saves a verdict and a note, Bob saves a correction: Bob's review
    is his own (no verdict, no note, his correction), Alice's stays hers and is the claim's final
    review (the only verdict given)."""
    bob, bob_token = site.form(claim["id"], site.actor("me"))
    bob_page = site.get(f"/-/annotator/claim/{claim['id']}", cookies=bob).text
    shown = re.search(r'name="shown_review" value="([^"]*)"', bob_page).group(1)
    alice, alice_token = site.form(claim["id"], site.actor("alice"))
    site.post(f"/-/annotator/claim/{claim['id']}/review", cookies=alice,
              data={"csrftoken": alice_token, "verdict": "false", "note": "the budget says 4%"})
    saved = site.post(f"/-/annotator/claim/{claim['id']}/review", cookies=bob, data={
        "csrftoken": bob_token, "shown_review": shown, "verdict": "", "note": "",
        "stance": "alleged"})
    assert saved.status_code == 302
    reviews = site.rows("select reviewer, verdict, note, stance from reviewer_reviews"
                        " where claim_id = ? order by reviewer", [claim["id"]])
    assert reviews == [{"reviewer": "alice", "verdict": "false", "note": "the budget says 4%",
                        "stance": None},
                       {"reviewer": "me", "verdict": None, "note": None, "stance": "alleged"}]
    final = site.rows("select f.status, r.reviewer from final_reviews f join reviews r"
                      " on r.id = f.review_id where f.claim_id = ?", [claim["id"]])
    assert final == [{"status": "single", "reviewer": "alice"}]
    page = site.get(saved.headers["location"], cookies={**bob, **dict(saved.cookies)}).text
    assert "saved a review of this claim" not in page  # Alice's review is not Bob's
    assert "></textarea>" in page and "false</span> by alice" in page


def test_a_save_keeps_what_the_same_reviewer_saved_on_another_page(site, claim):
    """Bob opens the page twice, saves a verdict and a note on one, a correction on the other: the
    verdict and note stay (he did not change them on the second page), and he is told."""
    bob, bob_token = site.form(claim["id"], site.actor("me"))
    bob_page = site.get(f"/-/annotator/claim/{claim['id']}", cookies=bob).text
    shown = re.search(r'name="shown_review" value="([^"]*)"', bob_page).group(1)
    site.post(f"/-/annotator/claim/{claim['id']}/review", cookies=bob,
              data={"csrftoken": bob_token, "verdict": "false", "note": "the budget says 4%"})
    saved = site.post(f"/-/annotator/claim/{claim['id']}/review", cookies=bob, data={
        "csrftoken": bob_token, "shown_review": shown, "verdict": "", "note": "",
        "stance": "alleged"})
    assert saved.status_code == 302
    current = site.rows("select verdict, note, stance, reviewer from reviews where claim_id = ?"
                        " order by id desc limit 1", [claim["id"]])[0]
    assert current == {"verdict": "false", "note": "the budget says 4%", "stance": "alleged",
                       "reviewer": "me"}
    page = site.get(saved.headers["location"], cookies={**bob, **dict(saved.cookies)}).text
    assert "me saved a review of this claim" in page
    assert ">the budget says 4%</textarea>" in page


def test_positions_are_counted_from_one(site, claim):
    page = site.get(f"/-/annotator/claim/{claim['id']}").text
    where = re.search(r'<p class="annotator-where">(.*?)</p>', page, re.DOTALL).group(1)
    expected = f"paragraph {claim['paragraph_index'] + 1}, sentence {claim['sentence_index'] + 1}"
    assert expected in " ".join(where.split())


