"""The review plugin: pure helpers, then routes through Datasette's own client, then the CLI."""

import asyncio
import html as html_lib
import json
import re
import sqlite3
import stat
from urllib.parse import urlencode

import pytest
from click.testing import CliRunner
from conftest import rows
from datasette.app import Datasette
from reviewing import HOSTILE_CLAIM, PASSWORD, add_hostile_document, reviewer_accounts

from annotator import store
from annotator.cli import cli
from annotator.review import access, accounts, config, forms, helpers, passages, querystrings
from annotator.review.forms import InvalidInput
from annotator.review.passages import Mark
from annotator.store import UNCHANGED
from annotator.store.queries import conditions

TOKEN = "a-one-time-sign-in-token"

# --- passages ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "offset", "marks", "expected"),
    [
        ("He said it rained.", 0, [Mark(8, 18, "claim")],
         'He said <mark class="annotator-claim">it rained.</mark>'),
        ("Bob said it rained.", 100,
         [Mark(100, 119, "claim"), Mark(100, 103, "source"), Mark(104, 108, "cue")],
         ('<mark class="annotator-claim"><span class="annotator-source" title="source">Bob</span> '
          '<span class="annotator-cue" title="cue">said</span> it rained.</mark>')),
        # a source outside the claim, and a cue crossing the claim's edge, split at the edge
        ("Bob: it rained, said he", 0,
         [Mark(5, 14, "claim"), Mark(0, 3, "source"), Mark(12, 20, "cue")],
         ('<span class="annotator-source" title="source">Bob</span>: <mark class="annotator-claim">'
          'it rain<span class="annotator-cue" title="cue">ed</span></mark>'
          '<span class="annotator-cue" title="cue">, said</span> he')),
        ("a <script>x()</script> b", 0, [Mark(2, 22, "claim")],
         'a <mark class="annotator-claim">&lt;script&gt;x()&lt;/script&gt;</mark> b'),
        # marks reaching past the window are clipped; empty ones ignored
        ("abc", 10, [Mark(5, 12, "claim"), Mark(11, 11, "cue")],
         '<mark class="annotator-claim">ab</mark>c'),
    ],
)
def test_passage_html(text, offset, marks, expected):
    assert str(passages.passage_html(text, offset, marks)) == expected


def test_passage_window_takes_the_blocks_of_claim_source_and_cue():
    blocks = [{"start": 0, "end": 10}, {"start": 11, "end": 30}, {"start": 31, "end": 50}]
    claim = {"start": 12, "end": 20, "source_start": 2, "source_end": 5, "cue_start": None,
             "cue_end": None}
    assert passages.passage_window(claim, blocks) == (0, 30)
    assert passages.passage_window({**claim, "source_start": None, "source_end": None}, blocks) == (11, 30)


def test_similar_claims_finds_reworded_versions():
    claim = {"id": "new", "text": "Taxes rose by 5% in 2023, the minister said."}
    others = [
        {"id": "old", "text": "Taxes rose by 4% in 2023, the minister said."},
        {"id": "other", "text": "The weather was fine."},
        {"id": "new", "text": claim["text"]},
    ]
    assert [c["id"] for c in passages.similar_claims(claim, others)] == ["old"]


# --- forms -------------------------------------------------------------------------------------

MACHINE = {"source": "Bob", "source_canonical": "Bob Smith", "cue": "said", "stance": "reported",
           "checkworthy": "cfs", "claim_type": "quantity"}


def test_parse_review_keeps_only_real_corrections():
    form = {"verdict": "false", "note": "  checked the budget  ", **MACHINE, "stance": "alleged",
            "cue": ""}
    row = forms.parse_review(form, MACHINE)
    assert row == {"verdict": "false", "note": "checked the budget", "source": UNCHANGED,
                   "source_canonical": UNCHANGED, "cue": "", "stance": "alleged",
                   "checkworthy": UNCHANGED, "claim_type": UNCHANGED}


SHOWN = {"id": 7, "verdict": "false", "note": "the budget says 4%", "source": None,
         "source_canonical": None, "cue": None, "stance": "alleged", "checkworthy": None,
         "claim_type": None}


@pytest.mark.parametrize(
    ("form", "expected"),
    [
        # a verdict key with the form as shown: only the verdict changes, the note is kept
        ({"verdict": "unverifiable", "note": SHOWN["note"], **MACHINE, "stance": "alleged"},
         {"verdict": "unverifiable"}),
        # "save" (no verdict) with a new note: the verdict is kept
        ({"verdict": "", "note": "see p. 4", **MACHINE, "stance": "alleged"}, {"note": "see p. 4"}),
        # emptying the shown note clears it
        ({"verdict": "", "note": " ", **MACHINE, "stance": "alleged"}, {"note": None}),
        # setting the stance back to the machine's clears the correction
        ({"verdict": "true", "note": SHOWN["note"], **MACHINE}, {"verdict": "true", "stance": None}),
    ],
)
def test_parse_review_changes_only_what_the_reviewer_changed(form, expected):
    row = forms.parse_review(form, MACHINE, SHOWN)
    assert {k: v for k, v in row.items() if v is not UNCHANGED} == expected


def test_parse_review_without_the_shown_review_never_clears_the_note():
    """A form that does not say what it showed (not the review page's) cannot clear a note."""
    assert forms.parse_review({"verdict": "true", "note": ""}, MACHINE)["note"] is UNCHANGED


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"verdict": "maybe"}, "unknown verdict 'maybe'"),
        ({"verdict": "true", "stance": "furious"}, "unknown stance 'furious'"),
        ({"verdict": "", "note": " "}, "nothing to record"),
        ({"note": "x" * 10_001}, "longer than"),
    ],
)
def test_parse_review_refuses(form, message):
    with pytest.raises(InvalidInput, match=message):
        forms.parse_review(form, MACHINE)


def test_parse_review_note_without_verdict():
    assert forms.parse_review({"note": "look again"}, MACHINE)["verdict"] is UNCHANGED


@pytest.mark.parametrize(
    ("form", "ok"),
    [
        ({"url": "https://example.org/a", "relation": "refutes"}, True),
        ({"url": "http://example.org"}, True),
        ({"url": "javascript:alert(1)"}, False),
        ({"url": "example.org/a"}, False),
        ({"url": "https://example.org", "relation": "proves"}, False),
    ],
)
def test_parse_evidence(form, ok):
    if ok:
        assert forms.parse_evidence(form)["url"] == form["url"]
    else:
        with pytest.raises(InvalidInput):
            forms.parse_evidence(form)


# --- queue and access --------------------------------------------------------------------------


def test_queue_filters_pass_hostile_values_as_parameters():
    hostile = "x' or 1=1; drop table reviews; --"
    filters = querystrings.queue_filters({"doc": hostile, "section": "A_%", "source": hostile,
                                     "checkworthy": "cfs", "set": "s", "ignored": "1"})
    assert "set" not in filters and "ignored" not in filters
    conn = sqlite3.connect(":memory:")
    conn.execute("create table claims (id, doc, document_id, section_path, source, source_canonical,"
                 " source_id, stance, checkworthy, superseded)")
    conn.execute("create table sources (id, canonical, aliases)")
    where, params = conditions(conn, querystrings.queue_export_filters(filters))
    sql = " and ".join(where)
    assert hostile not in sql and "A_%" not in sql
    assert hostile in params.values() and "A\\_\\% > %" in params.values()
    assert conn.execute(f"select count(*) from claims c where {sql}", params).fetchone() == (0,)
    with pytest.raises(InvalidInput, match="unknown stance"):
        querystrings.queue_export_filters({"stance": hostile})


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


def test_filters_from_table_args():
    args = {"stance__exact": "alleged", "doc": "d01.txt", "_sort": "id", "source_canonical": "ESI"}
    assert querystrings.filters_from_table_args(args) == {"doc": "d01.txt", "source": "ESI",
                                                    "stance": "alleged"}


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("localhost", True), ("::1", True), ("[::1]", True), ("127.0.0.5", True),
     ("0.0.0.0", False), ("::", False), ("192.168.1.4", False), ("example.org", False)],
)
def test_is_loopback(host, loopback):
    assert helpers.is_loopback(host) is loopback


def test_who_may_write():
    assert helpers.is_reviewer({"id": "alice"}, ["alice"])
    assert not helpers.is_reviewer({"id": "mallory"}, ["alice"])
    assert not helpers.is_reviewer(None, ["alice"])
    assert not helpers.csrf_was_checked({})
    assert not helpers.csrf_was_checked({"cookie": "a=b", "authorization": "Bearer x"})
    assert helpers.csrf_was_checked({"cookie": "a=b"})
    assert helpers.token_matches(TOKEN, helpers.token_digest(TOKEN))
    assert not helpers.token_matches("guess", helpers.token_digest(TOKEN))
    assert not helpers.token_matches("", None)


# --- accounts and metadata ---------------------------------------------------------------------


def test_accounts_store_hashes_only(tmp_path):
    path = tmp_path / "claims.reviewers.json"
    assert accounts.add(path, "alice", PASSWORD, iterations=1_000)
    assert not accounts.add(path, "alice", PASSWORD + "!", iterations=1_000)
    accounts.add(path, "bob", PASSWORD, iterations=1_000)
    text = path.read_text()
    assert PASSWORD not in text and "pbkdf2_sha256$1000$" in text
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(accounts.load(path)) == ["alice", "bob"]
    assert accounts.remove(path, "bob") and not accounts.remove(path, "bob")
    with pytest.raises(accounts.AccountError, match="at least 8"):
        accounts.add(path, "carol", "short")
    with pytest.raises(accounts.AccountError, match="not a usable reviewer name"):
        accounts.add(path, "<carol>", PASSWORD)


def test_metadata_holds_neither_hashes_nor_reviewer_names(tmp_path):
    path = reviewer_accounts(tmp_path / "r.json")
    meta = config.build_metadata("claims", path, "me", helpers.token_digest(TOKEN))
    assert "pbkdf2" not in json.dumps(meta) and "alice" not in json.dumps(meta)
    assert meta["plugins"]["annotator"]["reviewers_file"] == str(path)
    assert "claims" in meta["databases"] and "database" not in meta
    assert meta["databases"]["claims"]["tables"]["claims"]["facets"]


# --- routes ------------------------------------------------------------------------------------


def run(coro):
    return asyncio.run(coro)


class Site:
    """A configured Datasette over a copy of the extracted corpus, driven by ``ds.client``.

    It has the reviewer account alice; anonymous visitors read (``--public-read``) unless
    ``public_read=False``, as without that option.
    """

    def __init__(self, db_path, tmp_path, monkeypatch=None, public_read=True, **settings):
        self.db_path = db_path
        self.reviewers_file = reviewer_accounts(tmp_path / "reviewers.json")
        meta = config.build_metadata("claims", self.reviewers_file, "me", helpers.token_digest(TOKEN),
                                     public_read=public_read, private=not public_read,
                                     **settings)
        self.ds = Datasette([str(db_path)], metadata=meta)
        run(self.ds.invoke_startup())

    def get(self, path, **kwargs):
        return run(self.ds.client.get(path, **kwargs))

    def post(self, path, **kwargs):
        return run(self.ds.client.post(path, **kwargs))

    def actor(self, actor_id):
        """The session cookie of ``actor_id`` signed in (with the password it has now)."""
        actor = access.actor_for(actor_id, accounts.load(self.reviewers_file).get(actor_id))
        return {"ds_actor": self.ds.sign({"a": actor}, "actor")}

    def form(self, claim_id, cookies):
        """The cookies (with a CSRF cookie) and CSRF token the review page hands out.

        The review page has no form for a visitor who is not a reviewer; the login page has one.
        """
        page = self.get(f"/-/annotator/claim/{claim_id}", cookies=cookies)
        if 'name="csrftoken"' not in page.text:
            page = self.get("/-/login", cookies=cookies)
        token = re.search(r'name="csrftoken" value="([^"]+)"', page.text).group(1)
        return {**cookies, "ds_csrftoken": page.cookies["ds_csrftoken"]}, token

    def rows(self, sql, params=()):
        conn = sqlite3.connect(self.db_path)
        conn.row_factory = sqlite3.Row
        try:
            return [dict(r) for r in conn.execute(sql, params)]
        finally:
            conn.close()


@pytest.fixture
def site(small_copy, tmp_path, monkeypatch):
    add_hostile_document(small_copy)
    return Site(small_copy, tmp_path, monkeypatch)


@pytest.fixture
def claim(site):
    """A current claim with a source and a cue, from the real corpus."""
    return site.rows("select * from claims where superseded = 0 and source is not null "
                     "and cue is not null and id != ? order by id limit 1", [HOSTILE_CLAIM])[0]


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

    monkeypatch.setattr("annotator.pipeline.build_nlp", lambda model=None: nlp)
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


# --- CLI ---------------------------------------------------------------------------------------


def test_reviewers_command(tmp_path):
    runner = CliRunner()
    db = str(tmp_path / "claims.db")
    added = runner.invoke(cli, ["reviewers", "add", "alice", "--db", db, "--password-stdin"],
                          input=PASSWORD + "\n", catch_exceptions=False)
    assert added.exit_code == 0, added.output
    assert "Added reviewer alice" in added.output
    stored = (tmp_path / "claims.reviewers.json").read_text()
    assert PASSWORD not in stored and "pbkdf2_sha256$" in stored
    listed = runner.invoke(cli, ["reviewers", "list", "--db", db], catch_exceptions=False)
    assert listed.output.startswith("alice\tadded ")
    short = runner.invoke(cli, ["reviewers", "add", "bob", "--db", db, "--password-stdin"],
                          input="short\n", catch_exceptions=False)
    assert short.exit_code == 1 and "at least 8" in short.output
    removed = runner.invoke(cli, ["reviewers", "remove", "alice", "--db", db], catch_exceptions=False)
    assert removed.exit_code == 0
    again = runner.invoke(cli, ["reviewers", "remove", "alice", "--db", db], catch_exceptions=False)
    assert again.exit_code == 1 and "no reviewer named 'alice'" in again.output


def test_serve_refuses_a_public_host_without_reviewer_accounts(small_copy, fake_datasette):
    result = CliRunner().invoke(cli, ["serve", "--db", str(small_copy), "--host", "0.0.0.0"],
                                catch_exceptions=False)
    assert result.exit_code == 1
    assert "refusing to serve on 0.0.0.0" in result.output
    assert fake_datasette == []


def test_serve_prints_a_sign_in_link_and_ships_the_configuration(small_copy, fake_datasette):
    reviewer_accounts(small_copy.with_suffix(".reviewers.json"))
    result = CliRunner().invoke(cli, ["serve", "--db", str(small_copy), "--host", "0.0.0.0",
                                      "--user", "me"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    link = re.search(r"http://127\.0\.0\.1:8001/-/annotator/sign-in\?token=(\S+)", result.output)
    assert link and "Sign in as me" in result.output
    (call,) = fake_datasette
    assert call["host"] == "0.0.0.0" and call["files"] == [str(small_copy)]
    metadata = json.loads(call["metadata"].read())
    plugin = metadata["plugins"]["annotator"]
    assert plugin["local_user"] == "me" and plugin["private"] and not plugin["public_read"]
    assert plugin["reviewers_file"] == str(small_copy.with_suffix(".reviewers.json").resolve())
    assert plugin["sign_in_token_sha256"] == helpers.token_digest(link.group(1))
    assert "pbkdf2" not in json.dumps(metadata)
    assert metadata["databases"][small_copy.stem]["queries"]["contested_claims"]["sql"]


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


def test_a_reviewer_called_root_is_no_datasette_root(small_copy, tmp_path):
    """'annotator serve' run by the login root signs in the reviewer root: a reviewer, not
    Datasette's root, so neither the _internal database nor the debug menu is shown."""
    meta = config.build_metadata("claims", None, "root", helpers.token_digest(TOKEN))
    ds = Datasette([str(small_copy)], metadata=meta)
    run(ds.invoke_startup())
    root = {"ds_actor": ds.sign({"a": {"id": "root"}}, "actor")}
    home = run(ds.client.get("/", cookies=root)).text
    assert "_internal" not in home and "/-/plugins" not in home and "/-/permissions" not in home
    assert run(ds.client.get("/_internal", cookies=root)).status_code == 403
    assert run(ds.client.get("/-/permissions", cookies=root)).status_code == 403
    assert run(ds.client.get("/claims/claims", cookies=root)).status_code == 200


def test_positions_are_counted_from_one(site, claim):
    page = site.get(f"/-/annotator/claim/{claim['id']}").text
    where = re.search(r'<p class="annotator-where">(.*?)</p>', page, re.DOTALL).group(1)
    expected = f"paragraph {claim['paragraph_index'] + 1}, sentence {claim['sentence_index'] + 1}"
    assert expected in " ".join(where.split())


def test_add_review_carries_forward_what_it_is_not_given(small_copy):
    from annotator import store

    db = store.connect(small_copy)
    claim_id = db.execute("select id from claims order by id limit 1").fetchone()[0]
    store.add_review(db, claim_id, "alice", verdict="true", note="the budget says 4%", stance="alleged")
    store.add_review(db, claim_id, "bob", verdict="unverifiable")
    store.add_review(db, claim_id, "alice", note=None)
    log = [dict(zip(("verdict", "note", "stance", "reviewer"), r)) for r in db.execute(
        "select verdict, note, stance, reviewer from reviews where claim_id = ? order by id", [claim_id])]
    assert log == [  # each reviewer's review carries forward only their own
        {"verdict": "true", "note": "the budget says 4%", "stance": "alleged", "reviewer": "alice"},
        {"verdict": "unverifiable", "note": None, "stance": None, "reviewer": "bob"},
        {"verdict": "true", "note": None, "stance": "alleged", "reviewer": "alice"},
    ]
