"""Claim sets and CSV downloads in the review plugin: "add to set" on the review page, the sets
page and ``/-/annotator/export.csv``, which must stream what ``annotator export`` writes."""

import asyncio
import csv
import io
import re
import sqlite3
from urllib.parse import urlencode

import pytest
from click.testing import CliRunner
from datasette.app import Datasette
from reviewing import HOSTILE_CLAIM, Site, add_hostile_document

import annotator.review.views
from annotator import store
from annotator.cli import cli
from annotator.export import COLUMNS, Filters
from annotator.review import querystrings
from annotator.store import sets

HOSTILE = ("' OR 1=1 --", "x'; DROP TABLE claims; --", '" OR ""="', "%", "_", "NEAR(a b)", "*",
           "\0", "<script>alert(1)</script>")

# --- routes ------------------------------------------------------------------------------------


@pytest.fixture
def site(small_copy, tmp_path, monkeypatch):
    """The configured site, with a list set ``budget`` and a filter set ``alleged`` made by ``me``,
    and a reviewed claim whose note a spreadsheet would run as a formula."""
    add_hostile_document(small_copy)
    db = store.connect(small_copy)
    picked = [r[0] for r in db.execute(
        "select id from claims where superseded = 0 order by checkworthy_score desc, id limit 4")]
    sets.create_set(db, "budget", creator="me", description="Numbers to check",
                    claim_ids=picked[1:4])
    sets.create_set(db, "alleged", creator="me", filters=Filters(stances=("alleged",)))
    store.add_review(db, picked[1], "ana", verdict="false", note="=HYPERLINK(\"x\")")
    store.add_evidence(db, picked[1], "ana", "https://example.org/a")
    db.close()
    return Site(small_copy, tmp_path, monkeypatch)


@pytest.fixture
def claim(site):
    """A current claim that is in no list set."""
    return site.rows("select * from claims where superseded = 0 and id != ? and id not in "
                     "(select claim_id from claim_set_members) order by id limit 1",
                     [HOSTILE_CLAIM])[0]


def sets_form(page: str) -> str:
    return re.search(r'<form[^>]*id="annotator-sets-form".*?</form>', page, re.DOTALL).group(0)


def members(site, name):
    return site.rows("select m.claim_id, m.added_by from claim_set_members m "
                     "join claim_sets s on s.id = m.set_id where s.name = ? order by m.claim_id",
                     [name])


def test_add_to_a_list_set_records_the_signed_in_reviewer(site, claim):
    cookies, token = site.form(claim["id"], site.actor("alice"))
    form = sets_form(site.get(f"/-/annotator/claim/{claim['id']}", cookies=cookies).text)
    assert '<option value="budget"' in form and '<option value="alleged"' not in form
    before = members(site, "budget")
    response = site.post(f"/-/annotator/claim/{claim['id']}/sets?stance=reported", cookies=cookies,
                         data={"csrftoken": token, "set": "budget", "added_by": "mallory",
                               "creator": "mallory"})
    assert response.status_code == 302
    assert response.headers["location"] == f"/-/annotator/claim/{claim['id']}?stance=reported"
    after = members(site, "budget")
    assert len(after) == len(before) + 1
    assert {"claim_id": claim["id"], "added_by": "alice"} in after
    page = site.get(f"/-/annotator/claim/{claim['id']}", cookies=cookies).text
    assert 'href="/-/annotator/queue?set=budget">budget</a>' in page and "added by alice" in page
    assert '<option value="budget"' not in sets_form(page)
    # adding it again changes nothing
    again = site.post(f"/-/annotator/claim/{claim['id']}/sets", cookies=cookies,
                      data={"csrftoken": token, "set": "budget"})
    assert again.status_code == 302 and members(site, "budget") == after


def test_remove_from_a_list_set(site, claim):
    cookies, token = site.form(claim["id"], site.actor("alice"))
    site.post(f"/-/annotator/claim/{claim['id']}/sets", cookies=cookies,
              data={"csrftoken": token, "set": "budget"})
    before = members(site, "budget")
    page = site.get(f"/-/annotator/claim/{claim['id']}", cookies=cookies).text
    assert 'name="remove" value="budget"' in page
    assert 'name="remove" value="alleged"' not in page  # a filter set: nothing to take out
    response = site.post(f"/-/annotator/claim/{claim['id']}/sets?stance=reported", cookies=cookies,
                         data={"csrftoken": token, "remove": "budget"})
    assert response.status_code == 302
    assert response.headers["location"] == f"/-/annotator/claim/{claim['id']}?stance=reported"
    after = members(site, "budget")
    assert len(after) == len(before) - 1 and claim["id"] not in {m["claim_id"] for m in after}
    page = site.get(f"/-/annotator/claim/{claim['id']}", cookies=cookies).text
    assert 'name="remove" value="budget"' not in page and '<option value="budget"' in sets_form(page)
    # removing it again changes nothing; a filter set cannot lose a claim this way
    again = site.post(f"/-/annotator/claim/{claim['id']}/sets", cookies=cookies,
                      data={"csrftoken": token, "remove": "budget"})
    assert again.status_code == 302 and members(site, "budget") == after
    bad = site.post(f"/-/annotator/claim/{claim['id']}/sets", cookies=cookies,
                    data={"csrftoken": token, "remove": "alleged"})
    assert bad.status_code == 400 and members(site, "budget") == after
    # and only a reviewer can
    site.post(f"/-/annotator/claim/{claim['id']}/sets", cookies=cookies,
              data={"csrftoken": token, "set": "budget"})
    anonymous = site.post(f"/-/annotator/claim/{claim['id']}/sets", data={"remove": "budget"})
    assert anonymous.status_code in (401, 403) and len(members(site, "budget")) == len(before)


def test_add_to_a_new_set(site, claim):
    cookies, token = site.form(claim["id"], site.actor("alice"))
    response = site.post(f"/-/annotator/claim/{claim['id']}/sets", cookies=cookies, data={
        "csrftoken": token, "new_set": "to check", "description": "For Monday's edition",
        "creator": "mallory"})
    assert response.status_code == 302
    made = site.rows("select kind, description, creator, filters from claim_sets "
                     "where name = 'to check'")
    assert made == [{"kind": "list", "description": "For Monday's edition", "creator": "alice",
                     "filters": None}]
    assert members(site, "to check") == [{"claim_id": claim["id"], "added_by": "alice"}]
    taken = site.post(f"/-/annotator/claim/{claim['id']}/sets", cookies=cookies,
                      data={"csrftoken": token, "new_set": "budget"})
    assert taken.status_code == 400 and "already exists" in taken.text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"set": "nope"}, "no claim set named"),
        ({"set": "alleged"}, "defined by a filter"),
        ({"set": "budget", "new_set": "other"}, "not both"),
        ({}, "choose a claim set"),
        ({"new_set": "x" * 1_001}, "longer than"),
    ],
)
def test_bad_set_is_a_400(site, claim, data, message):
    cookies, token = site.form(claim["id"], site.actor("alice"))
    before = site.rows("select count(*) as n from claim_set_members union all "
                       "select count(*) from claim_sets")
    response = site.post(f"/-/annotator/claim/{claim['id']}/sets", cookies=cookies,
                         data={"csrftoken": token, **data})
    assert response.status_code == 400 and message in response.text
    assert site.rows("select count(*) as n from claim_set_members union all "
                     "select count(*) from claim_sets") == before


def test_adding_to_a_set_needs_a_reviewer_and_the_csrf_token(site, claim):
    url = f"/-/annotator/claim/{claim['id']}/sets"
    before = members(site, "budget")
    cookies, token = site.form(claim["id"], site.actor("alice"))
    assert site.post(url, cookies=cookies, data={"set": "budget"}).status_code == 403
    assert site.post(url, cookies=site.actor("alice"),
                     data={"set": "budget", "csrftoken": "forged"}).status_code == 403
    # no cookies at all: Datasette skips its CSRF check, so the route must refuse by itself
    assert site.post(url, data={"set": "budget"}).status_code == 403
    anonymous, token = site.form(claim["id"], {})
    response = site.post(url, cookies=anonymous, data={"set": "budget", "csrftoken": token})
    assert response.status_code == 403 and "Sign in as a reviewer" in response.text
    mallory, token = site.form(claim["id"], site.actor("mallory"))
    response = site.post(url, cookies=mallory, data={"set": "budget", "csrftoken": token,
                                                      "new_set": ""})
    assert response.status_code == 403 and "mallory is not a reviewer" in response.text
    assert members(site, "budget") == before
    assert site.rows("select count(*) as n from claim_sets") == [{"n": 2}]
    # visitors see which sets hold a claim, but get no form
    member = before[0]["claim_id"]
    page = site.get(f"/-/annotator/claim/{member}", cookies=mallory).text
    assert ">budget</a>" in page and "added by me" in page
    assert "annotator-sets-form" not in page


def test_sets_page_lists_each_set_with_a_download(site):
    page = site.get("/-/annotator/sets").text
    n_alleged = site.rows("select count(*) as n from claims where superseded = 0 "
                          "and stance = 'alleged'")[0]["n"]
    assert ">budget</a></td>\n    <td>3</td>" in page
    assert f">alleged</a></td>\n    <td>{n_alleged}</td>" in page
    assert "Numbers to check" in page and "stances: alleged" in page and ">me<" in page
    assert 'href="/-/annotator/export.csv?set=budget"' in page
    assert 'href="/-/annotator/export.csv?set=alleged"' in page
    queue = site.get("/-/annotator/queue?stance=alleged").text
    assert 'href="/-/annotator/sets"' in queue
    assert 'href="/-/annotator/export.csv?stance=alleged"' in queue
    home = site.get("/").text
    assert 'href="/-/annotator/sets"' in home and 'href="/-/annotator/export.csv"' in home


# --- CSV downloads -----------------------------------------------------------------------------


def cli_csv(db_path, *options: str) -> str:
    result = CliRunner().invoke(cli, ["export", "--db", str(db_path), "--format", "csv", *options],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout_bytes.decode("utf-8")  # .stdout would turn CRLF into LF


def parsed(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


@pytest.mark.parametrize(
    ("args", "options"),
    [
        ({}, ()),
        ({"set": "budget"}, ("--set", "budget")),
        ({"set": "alleged"}, ("--set", "alleged")),
        ({"stance": "reported"}, ("--stance", "reported")),
    ],
)
def test_download_is_the_cli_export(site, args, options):
    response = site.get("/-/annotator/export.csv" + querystrings.export_query_string(args))
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"].startswith("attachment; filename=")
    expected = cli_csv(site.db_path, *options)
    rows = parsed(response.text)
    assert rows[0] == list(COLUMNS) and len(rows) > 1
    assert rows == parsed(expected)
    assert response.content == expected.encode("utf-8")
    if args.get("set") == "budget":
        assert len(rows) == 1 + 3 and "'=HYPERLINK(\"x\")" in {r[COLUMNS.index("note")] for r in rows}


def test_every_filter_maps_to_its_cli_option(site):
    text = dict(site.rows("select c.doc, e.text as entity from claims c join claim_entities e "
                          "on e.claim_id = c.id where c.superseded = 0 and c.section_path != '' "
                          "order by c.id limit 1")[0])
    section = site.rows("select section_path from claims where section_path like '% > %' "
                        "limit 1")[0]["section_path"].split(" > ")[0]
    source = site.rows("select source from claims where source_canonical is not null "
                       "and source != source_canonical limit 1")[0]["source"]
    cases = [
        ([("doc", text["doc"])], ["--doc", text["doc"]]),
        ([("section", section)], ["--section", section]),
        ([("source", source)], ["--source", source]),
        ([("stance", "alleged"), ("stance", "denied")], ["--stance", "alleged", "--stance", "denied"]),
        ([("checkworthy", "cfs")], ["--checkworthy", "cfs"]),
        ([("claim_type", "quantity")], ["--claim-type", "quantity"]),
        ([("verdict", "false")], ["--verdict", "false"]),
        ([("reviewed", "1")], ["--reviewed"]),
        ([("unreviewed", "1"), ("set", "budget")], ["--unreviewed", "--set", "budget"]),
        ([("entity", text["entity"])], ["--entity", text["entity"]]),
        ([("search", "minister")], ["--search", "minister"]),
        ([("min_score", "0.6"), ("stance", "asserted")], ["--min-score", "0.6", "--stance", "asserted"]),
        ([("excel", "1"), ("no_formula_guard", "1"), ("set", "budget")],
         ["--excel", "--no-formula-guard", "--set", "budget"]),
    ]
    sizes = set()
    for pairs, options in cases:
        response = site.get("/-/annotator/export.csv?" + urlencode(pairs))
        assert response.status_code == 200, pairs
        assert response.text == cli_csv(site.db_path, *options), pairs
        sizes.add(len(parsed(response.text)))
    assert len(sizes) > 5  # the filters filter


@pytest.mark.parametrize("name", ["doc", "section", "source", "entity", "search", "claim_type"])
def test_hostile_filter_values_are_harmless(site, name):
    n_claims = site.rows("select count(*) as n from claims")
    for value in HOSTILE:
        response = site.get("/-/annotator/export.csv?" + urlencode({name: value}))
        if name == "claim_type":  # a label: refused as unknown, as the CLI refuses it
            assert response.status_code == 400 and "unknown claim type" in response.text
            continue
        assert response.status_code == 200
        option = "--" + name.replace("_", "-")
        assert response.text == cli_csv(site.db_path, option, value)
    assert site.rows("select count(*) as n from claims") == n_claims
    assert site.rows("select count(*) as n from claim_sets") == [{"n": 2}]


@pytest.mark.parametrize(
    ("query", "message"),
    [("set=x'%20or%201=1--", "no claim set named"), ("verdict=pants", "unknown verdict"),
     ("min_score=1;drop", "min_score must be a number"), ("reviewed=maybe", "reviewed is 1 or 0")],
)
def test_bad_download_filters_are_a_400(site, query, message):
    response = site.get("/-/annotator/export.csv?" + query)
    assert response.status_code == 400 and message in response.text


def test_download_is_streamed_from_one_snapshot(site, monkeypatch):
    """Sent in steps as it is read; a verdict saved mid-download is not half in it."""
    monkeypatch.setattr(annotator.review.views, "CSV_ROWS_PER_CHUNK", 10)
    expected = cli_csv(site.db_path)
    last = parsed(expected)[-1][0]
    sent = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)
        if message["type"] == "http.response.body" and len(sent) == 2:
            conn = sqlite3.connect(site.db_path)
            with conn:
                conn.execute("insert into reviews (claim_id, verdict, reviewer, created) "
                             "values (?, 'true', 'ana', '2026-01-01')", [last])
            conn.close()

    scope = {"type": "http", "http_version": "1.1", "method": "GET",
             "path": "/-/annotator/export.csv", "raw_path": b"/-/annotator/export.csv",
             "query_string": b"", "headers": [(b"host", b"localhost")], "scheme": "http",
             "server": ("localhost", 80), "client": ("127.0.0.1", 1), "root_path": ""}
    asyncio.run(site.ds.app()(scope, receive, send))
    assert sent[0]["status"] == 200
    bodies = [m["body"] for m in sent if m["type"] == "http.response.body" and m["body"]]
    lines = len(parsed(expected))  # the header and the rows
    assert len(bodies) == -(-lines // 10)
    assert b"".join(bodies).decode("utf-8") == expected
    assert cli_csv(site.db_path) != expected  # the verdict was saved, for the next download


def test_claims_table_offers_the_download_of_its_rows(site):
    page = site.get("/claims/claims?stance=reported&_sort=id").text
    assert 'href="/-/annotator/export.csv?stance=reported">Download these claims as CSV' in page
    assert site.get("/-/annotator/export.csv?stance=reported").text == cli_csv(
        site.db_path, "--stance", "reported")
    page = site.get("/claims/claims?stance=reported&text__contains=x").text
    assert 'href="/-/annotator/export.csv?stance=reported">Download claims as CSV ' \
        "(without the filter text__contains)" in page
    assert 'href="/-/annotator/export.csv">Download all claims as CSV' in site.get(
        "/claims/claims").text


def test_download_needs_read_permission(site):
    ds = Datasette([str(site.db_path)], metadata={
        "databases": {"claims": {"allow": {"id": "alice"}}},
        "plugins": {"annotator": {"reviewers": ["alice"]}}})
    alice = {"ds_actor": ds.sign({"a": {"id": "alice"}}, "actor")}
    for path in ("/-/annotator/export.csv", "/-/annotator/sets"):
        assert asyncio.run(ds.client.get(path)).status_code == 403
        assert asyncio.run(ds.client.get(path, cookies=alice)).status_code == 200
