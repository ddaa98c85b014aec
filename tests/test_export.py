"""Export: filters alone and combined, claim sets, CSV, ClaimReview and the spreadsheet round trip."""

import csv
import io
import json
import os
import re
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

import fixture_db
import pytest
from click.testing import CliRunner
from fixture_db import Claim

from annotator import store
from annotator.cli import cli
from annotator.export import COLUMNS, Filters, claim_rows, export_query, write_csv

SCORER_COLUMNS = ("doc", "start", "end", "text", "source", "source_canonical", "cue", "stance",
                  "checkworthy")
HOSTILE = ("' OR 1=1 --", "x'; DROP TABLE claims; --", '" OR ""="', "%", "_", "NEAR(a b)", "*")


def run(*args: str, ok: bool = True):
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    if ok:
        assert result.exit_code == 0, result.output
    return result


def jsonl(db: Path, *args: str) -> list[dict]:
    out = run("export", "--db", db, "--format", "jsonl", *args).stdout
    return [json.loads(line) for line in out.splitlines()]


def ids(db: Path, *args: str) -> set[str]:
    return {row["id"] for row in jsonl(db, *args)}


def csv_rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def review(db: Path, claim_id: str, verdict: str | None, note: str | None = None,
           reviewer: str = "ana", created: str = "2026-01-15T09:30:00+00:00") -> None:
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("insert into reviews (claim_id, verdict, note, reviewer, created) "
                     "values (?, ?, ?, ?, ?)", [claim_id, verdict, note, reviewer, created])
    conn.close()


def query(db: Path, sql: str, params=()) -> list:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def n_reviews(db: Path) -> int:
    return query(db, "select count(*) from reviews")[0][0]


@pytest.fixture
def all_rows(small_copy) -> list[dict]:
    rows = jsonl(small_copy)
    assert len(rows) >= 10
    return rows


def some_value(rows: list[dict], key: str) -> str:
    """A value of ``key`` that some rows have and others do not (so the filter filters)."""
    counts: dict = {}
    for r in rows:
        if r[key]:
            counts[r[key]] = counts.get(r[key], 0) + 1
    value = min((v for v, n in counts.items() if n < len(rows)), key=lambda v: (counts[v] < 2, v))
    return value


def entity_texts(row: dict) -> list[str]:
    """The entity names of an exported row, lower case, a leading 'the' dropped."""
    names = [e.rsplit(" (", 1)[0].lower() for e in (row["entities"] or "").split("; ") if e]
    return [n.removeprefix("the ") for n in names]


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


# --- filters -----------------------------------------------------------------------------------


def _single_filters(rows: list[dict], db: Path) -> list[tuple[list[str], set[str]]]:
    """(CLI arguments, the ids expected) for every filter, the expectation computed in Python."""
    doc = some_value(rows, "doc")
    stance = some_value(rows, "stance")
    cw = some_value(rows, "checkworthy")
    ctype = some_value(rows, "claim_type")
    section = next(r["section_path"].split(" > ")[0] for r in rows if " > " in (r["section_path"] or ""))
    canonical, aliases = next(
        (c, json.loads(a)) for c, a in query(db, "select canonical, aliases from sources "
                                                 "order by n_claims desc, canonical")
        if any(x != c for x in json.loads(a)))
    alias = next(x for x in aliases if x != canonical)
    entity = some_value([{"e": t} for r in rows for t in entity_texts(r)], "e")
    words = re.findall(r"\w+", rows[0]["text"].lower())[:2]
    scores = sorted(r["checkworthy_score"] for r in rows)
    threshold = scores[len(scores) // 2]

    def where(pred) -> set[str]:
        return {r["id"] for r in rows if pred(r)}

    def has_words(r):
        return set(words) <= set(re.findall(r"\w+", r["text"].lower()))

    def source_is(name):
        return lambda r: (r["source_canonical"] or "").lower() == canonical.lower() or (
            (r["source"] or "").lower() == name.lower())

    return [
        (["--doc", doc], where(lambda r: r["doc"] == doc)),
        (["--section", section.upper()], where(
            lambda r: r["section_path"] == section or r["section_path"].startswith(section + " > "))),
        (["--source", canonical], where(source_is(canonical))),
        (["--source", alias.lower()], where(source_is(alias))),
        (["--stance", stance], where(lambda r: r["stance"] == stance)),
        (["--checkworthy", cw], where(lambda r: r["checkworthy"] == cw)),
        (["--claim-type", ctype], where(lambda r: r["claim_type"] == ctype)),
        (["--entity", entity.upper()], where(lambda r: entity in entity_texts(r))),
        (["--entity", "The " + entity], where(lambda r: entity in entity_texts(r))),
        (["--search", " ".join(words)], where(has_words)),
        (["--min-score", str(threshold)], where(lambda r: r["checkworthy_score"] >= threshold)),
    ]


def test_each_filter_alone_selects_exactly_the_matching_claims(small_copy, all_rows):
    everything = {r["id"] for r in all_rows}
    for args, expected in _single_filters(all_rows, small_copy):
        assert expected and expected < everything, args
        assert ids(small_copy, *args) == expected, args


def test_review_filters(small_copy, all_rows):
    a, b, c, d = (r["id"] for r in all_rows[:4])
    review(small_copy, a, "false")
    review(small_copy, b, "true")
    review(small_copy, c, "true")
    review(small_copy, c, "misleading", created="2026-01-16T09:00:00+00:00")  # latest row counts
    review(small_copy, d, None, note="a note, no verdict yet")
    everything = {r["id"] for r in all_rows}
    assert ids(small_copy, "--verdict", "false") == {a}
    assert ids(small_copy, "--verdict", "true") == {b}
    assert ids(small_copy, "--verdict", "misleading", "--verdict", "false") == {a, c}
    assert ids(small_copy, "--reviewed") == {a, b, c}
    assert ids(small_copy, "--unreviewed") == everything - {a, b, c}


def test_list_and_filter_sets(small_copy, all_rows):
    first, second = all_rows[0]["id"], all_rows[1]["id"]
    run("sets", "create", "picked", first, second, "--db", small_copy, "-d", "two claims")
    stance = some_value(all_rows, "stance")
    run("sets", "create", "by-stance", "--stance", stance, "--db", small_copy)
    assert ids(small_copy, "--set", "picked") == {first, second}
    assert ids(small_copy, "--set", "by-stance") == ids(small_copy, "--stance", stance)
    assert ids(small_copy, "--set", "picked", "--set", "by-stance") == (
        {first, second} | ids(small_copy, "--stance", stance))


def test_filters_combine_as_and_and_repeated_values_as_or(small_copy, all_rows):
    singles = _single_filters(all_rows, small_copy)
    by_option = {args[0]: (args, expected) for args, expected in reversed(singles)}
    combos = [("--doc", "--stance"), ("--stance", "--min-score"), ("--checkworthy", "--claim-type"),
              ("--doc", "--checkworthy", "--min-score"), ("--source", "--min-score")]
    nonempty = 0
    for combo in combos:
        args = [a for option in combo for a in by_option[option][0]]
        expected = set.intersection(*(by_option[option][1] for option in combo))
        assert ids(small_copy, *args) == expected, args
        nonempty += bool(expected)
    assert nonempty >= 2
    docs = sorted({r["doc"] for r in all_rows})[:2]
    assert ids(small_copy, "--doc", docs[0], "--doc", docs[1]) == {
        r["id"] for r in all_rows if r["doc"] in docs}


def test_unknown_verdict_and_unknown_set_are_clear_errors(small_copy):
    result = run("export", "--db", small_copy, "--verdict", "maybe", ok=False)
    assert result.exit_code == 2 and "'maybe' is not one of 'true', 'false'" in result.output
    result = run("export", "--db", small_copy, "--set", "nope", ok=False)
    assert result.exit_code == 1 and "no claim set named 'nope'" in result.output


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize("option", ["--doc", "--section", "--source", "--stance", "--checkworthy",
                                    "--claim-type", "--entity", "--search"])
def test_hostile_filter_values_are_only_data(small_copy, all_rows, option, value):
    before = query(small_copy, "select count(*) from claims")[0][0]
    if option in ("--stance", "--checkworthy", "--claim-type"):  # labels: refused, not searched
        result = run("export", "--db", small_copy, option, value, ok=False)
        assert result.exit_code == 2 and "is not one of" in result.output
    else:
        expected = set()
        if option == "--search":  # searched for as words, whatever their punctuation
            words = set(re.findall(r"\w+", value.lower()))
            expected = {r["id"] for r in all_rows
                        if words and words <= set(re.findall(r"\w+", r["text"].lower()))}
        assert ids(small_copy, option, value) == expected
    assert query(small_copy, "select count(*) from claims")[0][0] == before


def test_labels_match_in_any_case(small_copy, all_rows):
    assert ids(small_copy, "--checkworthy", "CFS", "--stance", "Alleged") == {
        r["id"] for r in all_rows if r["checkworthy"] == "cfs" and r["stance"] == "alleged"}


def test_filter_values_reach_sql_only_as_parameters(small_db):
    conn = sqlite3.connect(small_db)
    filters = Filters(docs=(HOSTILE[0],), sources=(HOSTILE[1],), search=HOSTILE[2], min_score=0.5)
    sql, params = export_query(conn, filters)
    for value in HOSTILE[:2]:
        assert value not in sql and value in params.values()
    assert list(conn.execute(sql, params)) == []
    conn.close()


def test_hostile_set_name_is_just_a_name(small_copy, all_rows):
    result = run("export", "--db", small_copy, "--set", HOSTILE[0], ok=False)
    assert f"no claim set named {HOSTILE[0]!r}" in result.output
    run("sets", "create", HOSTILE[1], all_rows[0]["id"], "--db", small_copy)
    assert ids(small_copy, "--set", HOSTILE[1]) == {all_rows[0]["id"]}


# --- claim sets --------------------------------------------------------------------------------


def test_filter_set_grows_when_new_matching_claims_are_stored(small_copy):
    run("sets", "create", "zanzibar", "--search", "zanzibar", "--db", small_copy,
        "-d", "claims about Zanzibar", "--creator", "maria")
    run("sets", "create", "zanzibar-now", "--search", "zanzibar", "--fixed", "--db", small_copy)
    assert ids(small_copy, "--set", "zanzibar") == set()
    fixture_db.save(small_copy, {"d99.txt": [
        [Claim("Zanzibar exported 40,000 tonnes of cloves in 2019, the ministry said.")],
        [Claim("Officials in Zanzibar denied that the harvest had failed.", "denied")]]})
    grown = jsonl(small_copy, "--set", "zanzibar")
    assert len(grown) == 2 and all("Zanzibar" in r["text"] and r["doc"] == "d99.txt" for r in grown)
    assert ids(small_copy, "--set", "zanzibar-now") == set()
    listing = run("sets", "list", "--db", small_copy).stdout
    assert re.search(r"zanzibar\s+filter\s+2\s+\S+\s+maria\s+claims about Zanzibar", listing)


def test_sets_commands(small_copy, all_rows):
    a, b, c = (r["id"] for r in all_rows[:3])
    assert "created list set 'todo': 0 claims" in run("sets", "create", "todo", "--db", small_copy).stdout
    assert "added 2 claims" in run("sets", "add", "todo", a, b, "--db", small_copy).stdout
    assert "added 1 claim to 'todo' (1 already in it)" in run(
        "sets", "add", "todo", b, c, "--db", small_copy).stdout
    assert "removed 1 claim from 'todo'" in run("sets", "remove", "todo", a, "--db", small_copy).stdout
    assert ids(small_copy, "--set", "todo") == {b, c}
    shown = run("sets", "show", "todo", "--db", small_copy).stdout
    assert "kind:        list" in shown and "claims:      2" in shown and b in shown

    result = run("sets", "create", "todo", "--db", small_copy, ok=False)
    assert "already exists" in result.output
    result = run("sets", "add", "todo", "no-such-claim", "--db", small_copy, ok=False)
    assert "no such claim: no-such-claim" in result.output
    run("sets", "create", "high", "--min-score", "0.6", "--db", small_copy)
    result = run("sets", "add", "high", a, "--db", small_copy, ok=False)
    assert "defined by a filter" in result.output
    shown = run("sets", "show", "high", "--db", small_copy).stdout
    assert 'filter:      {"min_score": 0.6}' in shown

    run("sets", "create", "high-todo", "--set", "high", "--set", "todo", "--db", small_copy)
    result = run("sets", "delete", "todo", "--db", small_copy, ok=False)
    assert "used by the filter of high-todo" in result.output
    run("sets", "delete", "high-todo", "--db", small_copy)
    run("sets", "delete", "todo", "--db", small_copy)
    assert query(small_copy, "select count(*) from claim_set_members")[0][0] == 0
    assert "todo" not in run("sets", "list", "--db", small_copy).stdout


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


# --- spreadsheet round trip --------------------------------------------------------------------


def _edit(src: Path, dest: Path, edits: dict[int, dict]) -> None:
    """Rewrite an exported CSV (as a spreadsheet would) with cells of some rows changed."""
    with open(src, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    for i, changes in edits.items():
        rows[i].update(changes)
    with open(dest, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)


def test_spreadsheet_round_trip_records_exactly_the_edited_verdicts(small_copy, all_rows, tmp_path):
    review(small_copy, all_rows[5]["id"], "true", note="=already reviewed")
    exported = tmp_path / "claims.csv"
    run("export", "--db", small_copy, "--excel", "-o", exported)
    edited = tmp_path / "edited.csv"
    _edit(exported, edited, {2: {"verdict": "False", "note": "no such report exists"},
                             7: {"verdict": "misleading"}})
    before = n_reviews(small_copy)
    result = run("import-reviews", edited, "--db", small_copy, "--reviewer", "maria")
    # the two edited rows, and maria's agreeing second opinion of the row ana reviewed
    assert "3 reviews recorded" in result.stdout
    assert n_reviews(small_copy) == before + 3
    latest = {r["id"]: r for r in jsonl(small_copy, "--reviewed")}
    assert latest[all_rows[2]["id"]]["verdict"] == "false"
    assert latest[all_rows[2]["id"]]["note"] == "no such report exists"
    assert latest[all_rows[2]["id"]]["reviewer"] == "maria"
    assert latest[all_rows[7]["id"]]["verdict"] == "misleading"
    assert latest[all_rows[5]["id"]]["note"] == "=already reviewed"  # guard undone
    assert latest[all_rows[5]["id"]]["review_status"] == "agreed"
    again = run("import-reviews", edited, "--db", small_copy, "--reviewer", "maria")
    assert "0 reviews recorded" in again.stdout
    assert n_reviews(small_copy) == before + 3


@pytest.mark.parametrize("bad, message", [
    ({"verdict": "mostly true"}, "unknown verdict 'mostly true'"),
    ({"id": "0000000000000000"}, "unknown claim id '0000000000000000'"),
    ({"text": "Something else entirely."}, "was changed"),
    ({"verdict": "true", "note": "see\x00the annex"}, "the note holds a NUL character"),
])
def test_a_file_with_one_bad_row_is_rejected_whole(small_copy, tmp_path, bad, message):
    exported = tmp_path / "claims.csv"
    run("export", "--db", small_copy, "-o", exported)
    edited = tmp_path / "edited.csv"
    _edit(exported, edited, {0: {"verdict": "true"}, 3: {"verdict": "false"}, 9: bad})
    before = n_reviews(small_copy)
    result = run("import-reviews", edited, "--db", small_copy, ok=False)
    assert result.exit_code == 1
    assert "rejected, nothing written" in result.output
    assert re.search(f"line 11: [^\n]*{re.escape(message)}", result.output)  # header line 1, row 9 line 11
    assert "line 2:" not in result.output and "line 5:" not in result.output
    assert n_reviews(small_copy) == before


def test_an_unterminated_quote_is_a_csv_problem_on_its_line(small_copy, tmp_path):
    """Not "the text of claim … was changed": the quote swallowed the rest of the file."""
    exported = tmp_path / "claims.csv"
    run("export", "--db", small_copy, "-o", exported)
    edited = tmp_path / "edited.csv"
    _edit(exported, edited, {0: {"verdict": "true"}})
    lines = edited.read_bytes().decode("utf-8").split("\r\n")
    lines[10] = '"' + lines[10]  # row 9 (line 11) starts with a quote that never ends properly
    edited.write_bytes("\r\n".join(lines).encode("utf-8"))
    before = n_reviews(small_copy)
    result = run("import-reviews", edited, "--db", small_copy, ok=False)
    assert result.exit_code == 1
    assert "line 11: not well-formed CSV from here" in result.output
    assert "was changed" not in result.output
    assert n_reviews(small_copy) == before


def test_line_numbers_count_multi_line_cells(small_copy, all_rows, tmp_path):
    review(small_copy, all_rows[0]["id"], "true", note="first line\nsecond line\nthird line")
    exported = tmp_path / "claims.csv"
    run("export", "--db", small_copy, "-o", exported)
    edited = tmp_path / "edited.csv"
    _edit(exported, edited, {1: {"verdict": "nonsense"}})
    result = run("import-reviews", edited, "--db", small_copy, ok=False)
    assert "line 5: unknown verdict 'nonsense'" in result.output


def test_import_refuses_rows_reviewed_again_after_the_export(small_copy, all_rows, tmp_path):
    exported = tmp_path / "claims.csv"
    run("export", "--db", small_copy, "-o", exported)
    review(small_copy, all_rows[4]["id"], "true", reviewer="ana", created="2026-03-01T08:00:00+00:00")
    edited = tmp_path / "edited.csv"
    _edit(exported, edited, {4: {"verdict": "false"}})
    result = run("import-reviews", edited, "--db", small_copy, "--reviewer", "ana", ok=False)
    assert "line 6: claim" in result.output and "reviewed by ana" in result.output
    assert n_reviews(small_copy) == 1
    # stale only for ana: another reviewer's file records their own review beside hers
    result = run("import-reviews", edited, "--db", small_copy, "--reviewer", "maria")
    assert "1 review recorded" in result.output
    assert query(small_copy, "select status from final_reviews") == [("disputed",)]


def test_import_refuses_a_file_that_is_not_an_export(small_copy, tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("name,value\nx,1\n", encoding="utf-8")
    result = run("import-reviews", path, "--db", small_copy, ok=False)
    assert "line 1: missing columns id, text, verdict, note" in result.output
