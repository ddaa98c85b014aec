"""annotator/export.py and ``annotator export``: the CLI shape, writing a file whole or not at all,
CSV, ClaimReview. (Which claims: test_filters.py; claim sets: test_store_sets.py; the spreadsheet
round trip: test_reviews_import.py.)"""

import json
import os
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import threading
import time
import tracemalloc
from pathlib import Path

import pytest
from click.testing import CliRunner
from commands import csv_rows, ids, jsonl, query, review, run

from annotator import store
from annotator.cli import cli
from annotator.export import COLUMNS, claim_rows, write_csv

SCORER_COLUMNS = ("doc", "start", "end", "text", "source", "source_canonical", "cue", "stance",
                  "checkworthy")


# --- the existing CLI shape --------------------------------------------------------------------


def test_default_export_is_csv_on_stdout_with_the_scorers_columns(corpus_db):
    """On a real extraction of the bundled corpus."""
    rows = csv_rows(run("export", "--db", corpus_db).stdout)
    assert len(rows) == query(corpus_db, "select count(*) from claims where superseded = 0")[0][0]
    assert set(SCORER_COLUMNS) <= set(rows[0])
    assert tuple(rows[0]) == COLUMNS


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_export_to_a_file_reports_the_count(small_copy, tmp_path, fmt):
    out = tmp_path / f"claims.{fmt}"
    result = run("export", "--db", small_copy, "--format", fmt, "-o", out)
    n = query(small_copy, "select count(*) from claims where superseded = 0")[0][0]
    assert f"{n} claims written to {out}" in result.stderr
    text = out.read_text(encoding="utf-8")
    if fmt == "csv":
        assert len(csv_rows(text)) == n
        assert out.read_bytes().count(b"\r\n") >= n + 1
    else:
        rows = [json.loads(line) for line in text.splitlines()]
        assert len(rows) == n and set(SCORER_COLUMNS) <= set(rows[0])


# --- writing a file: whole or not at all --------------------------------------------------------

ANNOTATOR = [sys.executable, "-c", "from annotator.cli import cli; cli()"]  # a real process
COPIES = 6_000  # of every claim: about 100,000 claims, a second or two of CSV


@pytest.fixture(scope="module")
def big_db(small_db, tmp_path_factory) -> Path:
    """The small database with every claim copied ``COPIES`` times, so an export takes seconds."""
    dest = tmp_path_factory.mktemp("big") / "claims.db"
    src, out = sqlite3.connect(small_db), sqlite3.connect(dest)
    src.backup(out)
    src.close()
    for (trigger,) in out.execute("select name from sqlite_master where type = 'trigger'"
                                  " and tbl_name = 'claims'").fetchall():
        out.execute(f"drop trigger [{trigger}]")  # no search, no facets: export alone, quicker
    names = [d[0] for d in out.execute("select * from claims limit 0").description]
    values = ", ".join("'bulk' || n.i || '-' || c.id" if x == "id" else f'c."{x}"' for x in names)
    with out:
        out.execute(f"""with recursive n(i) as (select 1 union all select i + 1 from n where i < {COPIES})
                    insert into claims ({', '.join(f'"{x}"' for x in names)})
                    select {values} from n, claims c where c.superseded = 0 and c.id not like 'bulk%'""")
    out.close()
    return dest


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM])
def test_a_killed_export_leaves_nothing_under_the_final_name(big_db, tmp_path, signum):
    folder = tmp_path / "out"
    folder.mkdir()
    final = folder / "claims.csv"
    proc = subprocess.Popen([*ANNOTATOR, "export", "--db", str(big_db), "-o", str(final)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        written = [f for f in folder.iterdir() if f.stat().st_size > 1_000_000]
        if written:
            break
        time.sleep(0.005)
    assert proc.poll() is None, "the export ended before a megabyte was written: make big_db bigger"
    proc.send_signal(signum)
    proc.wait(30)
    assert not final.exists()
    left = [f.name for f in folder.iterdir()]
    if signum == signal.SIGKILL:  # nothing can clean up after SIGKILL: at most a hidden temporary file
        assert all(name.startswith(".claims.csv.") and name.endswith(".tmp") for name in left), left
    else:
        assert left == []


def test_an_export_that_fails_leaves_the_old_file_as_it_was(small_copy, tmp_path):
    final = tmp_path / "claims.csv"
    final.write_text("the previous export\n", encoding="utf-8")
    result = run("export", "--db", small_copy, "--set", "no such set", "-o", final, ok=False)
    assert result.exit_code == 1
    assert final.read_text(encoding="utf-8") == "the previous export\n"
    run("export", "--db", small_copy, "-o", final)
    assert final.read_text(encoding="utf-8").startswith("id,doc,")
    assert [f.name for f in tmp_path.iterdir() if f.name.startswith(".")] == []


def test_export_follows_a_link_and_writes_into_a_pipe(small_copy, tmp_path):
    target = tmp_path / "target.csv"
    target.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    run("export", "--db", small_copy, "-o", link)
    assert link.is_symlink() and target.read_text(encoding="utf-8").startswith("id,doc,")

    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    received = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_bytes()))
    reader.start()
    run("export", "--db", small_copy, "-o", pipe)
    reader.join(30)
    assert received == [target.read_bytes()] and stat.S_ISFIFO(pipe.stat().st_mode)


def _can_mount_a_small_disk() -> bool:
    return shutil.which("unshare") is not None and subprocess.run(
        ["unshare", "--user", "--map-root-user", "--mount", "true"], capture_output=True,
        check=False).returncode == 0


@pytest.mark.slow
@pytest.mark.skipif(not _can_mount_a_small_disk(), reason="needs user namespaces to mount a small tmpfs")
def test_a_full_disk_is_one_line_and_leaves_nothing(big_db, tmp_path):
    disk = tmp_path / "disk"
    disk.mkdir()
    final = disk / "claims.csv"
    script = (f'mount -t tmpfs -o size=2m none "{disk}" && '
              f'"{sys.executable}" -c "{ANNOTATOR[2]}" export --db "{big_db}" -o "{final}"; '
              f'echo "exit $?"; ls -A "{disk}"')
    done = subprocess.run(["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", script],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.stderr.splitlines() == [
        f"Error: cannot write {final}: No space left on device; nothing was written under that name"]
    assert done.stdout.splitlines() == ["exit 1"]  # and the small disk is empty


def test_missing_database_is_a_clear_error(tmp_path):
    result = run("export", "--db", tmp_path / "none.db", ok=False)
    assert result.exit_code == 1
    assert "no such database" in result.output


def test_superseded_claims_are_not_exported(small_copy, all_rows):
    gone = all_rows[0]["id"]
    conn = sqlite3.connect(small_copy)
    with conn:
        conn.execute("update claims set superseded = 1 where id = ?", [gone])
    conn.close()
    assert ids(small_copy) == {r["id"] for r in all_rows} - {gone}

# --- CSV ---------------------------------------------------------------------------------------


def test_csv_parsed_back_equals_the_database_rows(db_copy):
    """On a real extraction: whatever the corpus' text and entities hold comes back."""
    claim = query(db_copy, "select id from claims where superseded = 0 order by doc, start, id")[3][0]
    review(db_copy, claim, "misleading", note='Says "40%", the source says 4%.\nSee line two.')
    conn = sqlite3.connect(db_copy)
    with conn:
        for url in ("https://example.org/a", "https://example.org/b", "https://example.org/a"):
            conn.execute("insert into evidence (claim_id, url, relation, reviewer, created) "
                         "values (?, ?, 'refutes', 'ana', '2026-01-15')", [claim, url])
    conn.close()
    parsed = {r["id"]: r for r in csv_rows(run("export", "--db", db_copy).stdout)}
    conn = sqlite3.connect(db_copy)
    conn.row_factory = sqlite3.Row
    claims = conn.execute("select * from claims where superseded = 0").fetchall()
    assert len(parsed) == len(claims)
    for c in claims:
        row = parsed[c["id"]]
        for key in c.keys():  # noqa: SIM118 (sqlite3.Row iterates values)
            if key in COLUMNS:
                assert row[key] == ("" if c[key] is None else str(c[key])), (c["id"], key)
        mentions = conn.execute("select text, label from claim_entities where claim_id = ? "
                                "order by start, id", [c["id"]]).fetchall()
        assert row["entities"] == "; ".join(f"{m['text']} ({m['label']})" for m in mentions)
    conn.close()
    reviewed = parsed[claim]
    assert reviewed["verdict"] == "misleading" and reviewed["reviewer"] == "ana"
    assert reviewed["note"] == 'Says "40%", the source says 4%.\nSee line two.'
    assert reviewed["reviewed_at"] == "2026-01-15T09:30:00+00:00"
    assert reviewed["evidence_urls"] == "https://example.org/a https://example.org/b"
    assert sum(1 for r in parsed.values() if r["verdict"]) == 1


def test_formula_cells_are_neutralised_unless_switched_off(small_copy, all_rows):
    notes = {"=HYPERLINK(\"http://evil\",\"x\")": 0, "+1+2": 1, "-3+4": 2, "@SUM(A1)": 3}
    for note, i in notes.items():
        review(small_copy, all_rows[i]["id"], "false", note=note)
    guarded = {r["id"]: r for r in csv_rows(run("export", "--db", small_copy).stdout)}
    plain = {r["id"]: r for r in csv_rows(
        run("export", "--db", small_copy, "--no-formula-guard").stdout)}
    for note, i in notes.items():
        cid = all_rows[i]["id"]
        assert guarded[cid]["note"] == "'" + note
        assert plain[cid]["note"] == note
        assert guarded[cid]["start"] == str(all_rows[i]["start"])  # numbers are left alone
    assert {r["note"] for r in jsonl(small_copy, "--reviewed")} == set(notes)  # JSON is not guarded


def test_excel_flag_adds_a_byte_order_mark(small_copy, tmp_path):
    plain = run("export", "--db", small_copy).stdout_bytes
    excel = run("export", "--db", small_copy, "--excel").stdout_bytes
    assert not plain.startswith(b"\xef\xbb\xbf")
    assert excel == b"\xef\xbb\xbf" + plain
    out = tmp_path / "claims.csv"
    run("export", "--db", small_copy, "--excel", "-o", out)
    assert out.read_bytes() == excel


def test_export_streams_rows_with_flat_memory(small_copy):
    conn = sqlite3.connect(small_copy)
    template = conn.execute("select * from claims where superseded = 0 "
                            "order by length(text) desc limit 1").fetchone()
    names = [d[0] for d in conn.execute("select * from claims limit 0").description]
    id_at = names.index("id")
    n = 5_000
    with conn:
        conn.executemany(
            f"insert into claims ({', '.join(chr(34) + x + chr(34) for x in names)}) "
            f"values ({', '.join('?' * len(names))})",
            ([f"bulk{i:06d}" if j == id_at else v for j, v in enumerate(template)]
             for i in range(n)))
    conn.close()

    class Sink:
        size = 0

        def write(self, text: str) -> None:
            self.size += len(text)

    db = store.connect(small_copy)
    sink = Sink()
    tracemalloc.start()
    written = write_csv(claim_rows(db), sink)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert written > n
    assert sink.size > 3_000_000
    assert peak < sink.size / 10, (peak, sink.size)


def test_each_claim_is_exported_with_its_final_review(reviewed_copy):
    """On the small database's review history (fixture_db.REVIEWED): an agreed verdict, a dispute
    settled by an adjudication, a note without a verdict, a reviewed claim since edited away."""
    rows = {r["text"].split(",")[0].split(" that")[0]: r for r in jsonl(reviewed_copy)}
    review = {k: (r["verdict"], r["reviewer"], r["review_status"], r["note"], r["evidence_urls"])
              for k, r in rows.items() if r["reviewer"]}
    assert review == {
        "The council said": ("true", "bob", "agreed", "matches the budget book", None),
        "Maria Lopez": ("false", "carol", "adjudicated", "checked the budget book",
                        "https://example.org/budget-2024.pdf"),
        "Waiting times at the central hospital fell by a third after the new ward opened":
            (None, "alice", None, "ask the hospital for its figures", None),
    }
    assert "Nurses alleged" not in rows  # superseded: kept with its review, not exported
    assert ids(reviewed_copy, "--reviewed") == {rows["The council said"]["id"], rows["Maria Lopez"]["id"]}
    assert {r["text"][:11] for r in jsonl(reviewed_copy, "--set", "to check")} == {
        "A law passe", "Shipping th"}


# --- ClaimReview -------------------------------------------------------------------------------


def test_claimreview_for_each_reviewed_claim_and_none_for_unreviewed(small_copy, all_rows):
    attributed = [r for r in all_rows if r["source_canonical"]]
    verdicts = {attributed[0]["id"]: "false", attributed[1]["id"]: "misleading",
                attributed[2]["id"]: "true", all_rows[0]["id"]: "unverifiable"}
    for cid, verdict in verdicts.items():
        review(small_copy, cid, verdict, note=f"checked: {verdict}", created="2026-02-03T10:00:00+00:00")
    review(small_copy, attributed[3]["id"], None, note="started, no verdict")
    result = run("export", "--db", small_copy, "--format", "claimreview", "--org", "Example Checks",
                 "--org-url", "https://checks.example", "--base-url", "https://checks.example/c/")
    reviews = json.loads(result.stdout)
    by_id = {r["id"]: r for r in all_rows}
    assert len(reviews) == len(verdicts)
    scale = {"false": ("False", 1), "misleading": ("Misleading", 2), "true": ("True", 3),
             "unverifiable": ("Unverifiable", None)}
    for cr in reviews:
        cid = cr["@id"].rsplit("/", 1)[1]
        claim = by_id[cid]
        assert cr["@context"] == "https://schema.org" and cr["@type"] == "ClaimReview"
        assert cr["@id"] == cr["url"] == f"https://checks.example/c/{cid}"
        assert cr["claimReviewed"] == claim["text"]
        item = cr["itemReviewed"]
        assert item["@type"] == "Claim"
        assert item["appearance"] == {"@type": "CreativeWork", "name": claim["doc"]}
        if claim["source_canonical"]:
            assert item["author"]["name"] == claim["source_canonical"]
        else:
            assert "author" not in item
        textual, value = scale[verdicts[cid]]
        rating = cr["reviewRating"]
        assert rating["@type"] == "Rating" and rating["textualRating"] == textual
        assert rating.get("ratingValue") == value
        if value is not None:
            assert (rating["worstRating"], rating["bestRating"]) == (1, 3)
        assert cr["author"] == {"@type": "Organization", "name": "Example Checks",
                                "url": "https://checks.example"}
        assert cr["datePublished"] == "2026-02-03"
        assert cr["reviewBody"] == f"checked: {verdicts[cid]}"
    again = json.loads(CliRunner(env={"ANNOTATOR_ORG": "Example Checks"}).invoke(
        cli, ["export", "--db", str(small_copy), "--format", "claimreview"]).stdout)
    assert sorted(r["@id"] for r in again) == sorted(
        f"urn:annotator:claimreview:{cid}" for cid in verdicts)


def test_claimreview_of_an_unreviewed_database_is_an_empty_list(small_copy):
    assert json.loads(run("export", "--db", small_copy, "--format", "claimreview", "--org", "Example Checks"
                          ).stdout) == []


def test_claimreview_needs_the_publishing_organisation(small_copy, monkeypatch):
    """Without --org (or ANNOTATOR_ORG) the reviews would be published under the name "annotator"."""
    monkeypatch.delenv("ANNOTATOR_ORG", raising=False)
    result = run("export", "--db", small_copy, "--format", "claimreview", ok=False)
    assert result.exit_code == 1
    assert "add --org" in result.output and "ANNOTATOR_ORG" in result.output
