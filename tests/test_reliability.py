"""Reliability: bad input, re-extraction of edited documents, concurrent reviewers, kills.

Figures quoted in docs/reliability.md come from this file: keep them in step.
"""

import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner
from conftest import CORPUS, rows

from annotator import store
from annotator.cli import cli
from annotator.store import check

BAD = Path(__file__).resolve().parent / "fixtures" / "bad"
ENGLISH = ("The ministry said the budget rose by 4 per cent last year.\n"
           "Critics said the figure was misleading.\n")


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def assert_sound(db):
    findings = list(check.run(db))
    assert not any(f.failed for f in findings), check.report(db, findings)


# --- the bad-input corpus ----------------------------------------------------------------------

# Committed files in tests/fixtures/bad that are read: name -> how to decode the bytes for the
# text that must be stored (None: the file is stored as an empty or blank document).
PROCESSED = {
    "empty.txt": "utf-8",
    "whitespace-only.txt": "utf-8",
    "utf16-bom.txt": "utf-16",
    "utf8-bom.txt": "utf-8-sig",
    "crlf.txt": "utf-8",
    "cr-only.txt": "utf-8",
    "rtl-emoji.txt": "utf-8",
}
# Committed files that are refused: name -> words the one line about it must hold.
REFUSED = {
    "image.txt": "is not text: it looks like a PNG image",
    "invalid-utf8.txt": "is not valid UTF-8: byte 0xe9 at offset 56",
    "latin1.txt": "is not valid UTF-8: byte 0xe8 at offset 9 cannot be decoded (pass --encoding, "
                  "e.g. --encoding latin-1",
    "cp1252.txt": "e.g. --encoding cp1252",
    "utf16-no-bom.txt": "NUL byte at character 1; it may be UTF-16 without a byte-order mark",
    "nul-bytes.txt": "is not text: it holds a NUL byte at character 35",
    "control-chars.txt": "is not text: it holds the control character U+0007 at character 34",
}


def make_hostile_files(folder: Path) -> tuple[dict[str, str], dict[str, str]]:
    """What cannot be committed: big files, links, a pipe, a folder named x.txt, odd names.

    Returns (processed: name -> text, refused: name as shown -> words of the reason).
    """
    folder.mkdir()
    processed, refused = {}, {}
    sentence = "The minister said the tax rose. "
    (folder / "big-line.txt").write_text((sentence * 200_000)[:5_000_000], encoding="utf-8")
    refused["big-line.txt"] = "has a line of 5,000,000 characters, more than the 100,000"
    with open(folder / "big-file.txt", "w", encoding="utf-8") as f:
        f.writelines([(sentence * 32)[:999] + "\n"] * (30_000_000 // 1_000))
    refused["big-file.txt"] = "is 30.0 MB, more than the 10 MB one document may be"
    (folder / "x.txt").mkdir()
    refused["x.txt"] = "is a folder, not a text file"
    (folder / "x.txt" / "inside.txt").write_text(ENGLISH, encoding="utf-8")
    processed["x.txt/inside.txt"] = ENGLISH
    (folder / "loop.txt").symlink_to("loop.txt")
    refused["loop.txt"] = "is a symbolic link loop"
    (folder / "again").mkdir()
    (folder / "again" / "back").symlink_to("..")
    refused["again/back"] = "leads back to a folder already read (a symbolic link loop); skipped"
    (folder / "broken.txt").symlink_to("nowhere.txt")
    refused["broken.txt"] = "is a broken symbolic link (to nowhere.txt)"
    os.mkfifo(folder / "pipe.txt")
    refused["pipe.txt"] = "is a named pipe, not a regular file"
    # A file no one can read, not even root: the kernel refuses to read this one at offset 0.
    if Path("/proc/self/mem").exists():
        (folder / "unreadable.txt").symlink_to("/proc/self/mem")
        refused["unreadable.txt"] = "cannot be read (Input/output error)"
    (folder / os.fsdecode(b"latin-\xe9.txt")).write_text(ENGLISH, encoding="utf-8")
    refused["latin-\\xe9.txt"] = "has a name that is not valid UTF-8; rename it"
    (folder / "two\nlines.txt").mkdir()
    refused["two\\nlines.txt"] = "is a folder, not a text file"
    (folder / "Résumé of 2024 — final.txt").write_text(ENGLISH, encoding="utf-8")
    processed["Résumé of 2024 — final.txt"] = ENGLISH
    return processed, refused


def test_bad_corpus_each_file_processed_or_refused_in_one_line(tmp_path):
    processed, refused = make_hostile_files(tmp_path / "hostile")
    committed = {p.name for p in BAD.iterdir() if not p.name.startswith(".")}
    assert committed == set(PROCESSED) | set(REFUSED), "give every fixture an expectation"
    db = tmp_path / "c.db"
    result = invoke("extract", BAD, tmp_path / "hostile", "--db", db)

    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert all(line.startswith("refused: ") for line in lines), result.stderr
    expected = {**{f"{BAD}/{n}": w for n, w in REFUSED.items()},
                **{f"{tmp_path}/hostile/{n}": w for n, w in refused.items()}}
    assert len(lines) == len(expected) == 17
    for shown, words in expected.items():
        (line,) = [line for line in lines if line.startswith(f"refused: {shown}: ")]
        assert words in line

    stored = {d["path"]: d for d in rows(db, "select * from documents")}
    assert set(stored) == set(PROCESSED) | set(processed)
    for name, encoding in PROCESSED.items():
        assert stored[name]["text"] == (BAD / name).read_bytes().decode(encoding)
    for name, text in processed.items():
        assert stored[name]["text"] == text
    assert stored["crlf.txt"]["n_claims"] == stored["cr-only.txt"]["n_claims"] == 2
    assert stored["empty.txt"]["n_claims"] == stored["whitespace-only.txt"]["n_claims"] == 0
    rtl = [c["text"] for c in rows(db, "select text from claims where doc = 'rtl-emoji.txt'")]
    assert any("\U0001F91D" in t for t in rtl) and any("\u200d" in t for t in rtl)
    assert_sound(db)
    (run,) = rows(db, "select * from runs")
    assert run["status"] == "done" and run["n_refused"] == 17


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a file whatever its mode; the "
                    "/proc/self/mem link in the bad corpus is the unreadable file that fails for root")
def test_file_without_read_permission_is_refused(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "secret.txt").write_text(ENGLISH, encoding="utf-8")
    (folder / "secret.txt").chmod(0)
    try:
        result = invoke("extract", folder, "--db", tmp_path / "c.db")
    finally:
        (folder / "secret.txt").chmod(0o644)
    assert result.exit_code == 1
    assert result.stderr == f"refused: {folder}/secret.txt: cannot be read (Permission denied)\n"


def test_refused_files_lose_nothing_already_stored(corpus_copy, tmp_path):
    db = tmp_path / "c.db"
    assert invoke("extract", corpus_copy, "--db", db).exit_code == 0
    (claim_id,) = [r["id"] for r in rows(db, "select id from claims where doc = 'd01.txt' limit 1")]
    conn = sqlite3.connect(db)
    conn.execute("insert into reviews (claim_id, verdict, note, reviewer, created) "
                  "values (?, 'false', 'checked against the ministry report', 'ann', '2025-01-01')",
                  [claim_id])
    conn.commit()
    conn.close()
    tables = ("documents", "claims", "blocks", "claim_entities", "reviews")
    before = {t: rows(db, f"select * from {t} order by rowid") for t in tables}

    (corpus_copy / "d01.txt").write_bytes((BAD / "image.txt").read_bytes())
    (corpus_copy / "d02.txt").write_bytes((BAD / "latin1.txt").read_bytes())
    with open(corpus_copy / "d03.txt", "ab") as f:
        f.truncate(11_000_000)
    (corpus_copy / "d04.txt").unlink()
    result = invoke("extract", corpus_copy, "--db", db)

    assert result.exit_code == 1
    assert [line.split(": ")[1].rsplit("/", 1)[1] for line in result.stderr.splitlines()] == [
        "d01.txt", "d02.txt", "d03.txt"]
    assert "3 refused" in result.stdout
    after = {t: rows(db, f"select * from {t} order by rowid") for t in tables}
    assert after == before
    assert_sound(db)


def test_encoding_reads_a_legacy_file_on_purpose(tmp_path):
    db = tmp_path / "c.db"
    result = invoke("extract", BAD / "latin1.txt", "--encoding", "latin-1", "--db", db)
    assert result.exit_code == 0, result.output
    (doc,) = rows(db, "select * from documents")
    assert doc["encoding"] == "latin-1"
    assert doc["text"] == (BAD / "latin1.txt").read_bytes().decode("latin-1")
    texts = [c["text"] for c in rows(db, "select text from claims order by start")]
    assert any("Sèvres" in t and "café" in t for t in texts)
    assert_sound(db)

    result = invoke("extract", BAD / "cp1252.txt", "--encoding", "latin-1", "--db", db)
    assert result.exit_code == 1
    assert "it may be Windows-1252 (pass --encoding cp1252)" in result.stderr
    result = invoke("extract", BAD / "cp1252.txt", "--encoding", "cp1252", "--db", db)
    assert result.exit_code == 0
    assert any("“biased”" in c["text"] for c in rows(db, "select text from claims"))


def test_unknown_encoding_is_a_usage_error_before_anything_is_written(tmp_path):
    result = invoke("extract", BAD / "latin1.txt", "--encoding", "klingon", "--db", tmp_path / "c.db")
    assert result.exit_code == 2
    assert "unknown text encoding 'klingon'" in result.output
    assert not (tmp_path / "c.db").exists()


# --- reviews survive re-extraction -------------------------------------------------------------

INTRO = "The ministry said the budget rose by 4 per cent last year."
TARGET = "The opposition said the figure was misleading."
LAST = "Analysts said spending on health fell in real terms."
ORIGINAL = f"Budget review\n\n{INTRO}\n\n{TARGET}\n\n{LAST}\n"
EDITS = {
    "before": ORIGINAL.replace(INTRO, "The central bank said inflation reached 6 per cent.\n\n" + INTRO),
    "inside": ORIGINAL.replace("misleading", "wildly exaggerated"),
    "after": ORIGINAL + "\nThe minister said the figures would be revised in May.\n",
    "gone": ORIGINAL.replace(TARGET + "\n\n", ""),
}


@pytest.fixture
def session_model(nlp, monkeypatch):
    """``extract`` on the session's pipeline rather than loading the model again."""
    monkeypatch.setattr("annotator.pipeline.build_nlp", lambda model=None, checkworthy_model=None: nlp)


def review(db, claim_id, verdict, note):
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("insert into reviews (claim_id, verdict, note, reviewer, created) "
                 "values (?, ?, ?, 'ann', '2025-01-01T10:00:00+00:00')", [claim_id, verdict, note])
    conn.commit()
    conn.close()


@pytest.mark.parametrize("edit", list(EDITS))
def test_reviews_survive_an_edit(edit, session_model, tmp_path):
    from annotator import extract

    folder, db = tmp_path / "in", tmp_path / "c.db"
    folder.mkdir()
    (folder / "budget.txt").write_text(ORIGINAL, encoding="utf-8")
    extract.run([str(folder)], str(db), progress=False)
    claims = {c["text"]: c for c in rows(db, "select * from claims")}
    assert set(claims) == {INTRO, TARGET, LAST}
    review(db, claims[TARGET]["id"], "misleading", "the <b>figure</b> is from 2019")
    review(db, claims[LAST]["id"], "true", "matches the health ministry's tables")
    reviews_before = rows(db, "select * from reviews order by id")

    (folder / "budget.txt").write_text(EDITS[edit], encoding="utf-8")
    summary = extract.run([str(folder)], str(db), progress=False)
    assert summary.n_extracted == 1

    assert rows(db, "select * from reviews order by id") == reviews_before  # nothing lost
    after = {c["id"]: c for c in rows(db, "select * from claims")}
    target, last = after[claims[TARGET]["id"]], after[claims[LAST]["id"]]
    text = EDITS[edit]
    assert last["superseded"] == 0 and text[last["start"]:last["end"]] == LAST
    if edit in ("before", "after"):  # unchanged text: same id, same review, wherever it is now
        assert target["superseded"] == 0
        assert text[target["start"]:target["end"]] == TARGET
        moved = edit == "before"
        assert (target["start"] != claims[TARGET]["start"]) is moved
    else:  # changed or gone: kept, with its review, marked superseded
        assert target["superseded"] == 1 and target["superseded_run"] == summary.run_id
        assert target["text"] == TARGET
        current = [c["text"] for c in after.values() if not c["superseded"]]
        assert TARGET not in current
        if edit == "inside":
            assert TARGET.replace("misleading", "wildly exaggerated") in current
    assert_sound(db)


@pytest.mark.parametrize("edit", ["inside", "gone"])
def test_a_claim_in_a_hand_picked_set_is_kept_when_it_changes(edit, session_model, tmp_path):
    from annotator import extract

    folder, db = tmp_path / "in", tmp_path / "c.db"
    folder.mkdir()
    (folder / "budget.txt").write_text(ORIGINAL, encoding="utf-8")
    extract.run([str(folder)], str(db), progress=False)
    (target,) = rows(db, "select * from claims where text = ?", [TARGET])
    conn = sqlite3.connect(db)
    conn.execute("insert into claim_sets (id, name, kind, created, creator) "
                 "values (1, 'budget', 'list', '2025-01-01', 'ann')")
    conn.execute("insert into claim_set_members (set_id, claim_id, added, added_by) "
                 "values (1, ?, '2025-01-01', 'ann')", [target["id"]])
    conn.commit()
    conn.close()
    (folder / "budget.txt").write_text(EDITS[edit], encoding="utf-8")
    extract.run([str(folder)], str(db), progress=False)
    assert [m["claim_id"] for m in rows(db, "select * from claim_set_members")] == [target["id"]]
    (kept,) = rows(db, "select * from claims where id = ?", [target["id"]])
    assert kept["superseded"] == 1
    assert_sound(db)


def test_unreviewed_claims_that_change_are_replaced_not_kept(session_model, tmp_path):
    from annotator import extract

    folder, db = tmp_path / "in", tmp_path / "c.db"
    folder.mkdir()
    (folder / "budget.txt").write_text(ORIGINAL, encoding="utf-8")
    extract.run([str(folder)], str(db), progress=False)
    (folder / "budget.txt").write_text(EDITS["inside"], encoding="utf-8")
    extract.run([str(folder)], str(db), progress=False)
    texts = sorted(c["text"] for c in rows(db, "select text from claims"))
    assert TARGET not in texts and len(texts) == 3


def test_a_reverted_edit_brings_the_reviewed_claim_back(session_model, tmp_path):
    from annotator import extract

    folder, db = tmp_path / "in", tmp_path / "c.db"
    folder.mkdir()
    path = folder / "budget.txt"
    path.write_text(ORIGINAL, encoding="utf-8")
    extract.run([str(folder)], str(db), progress=False)
    (target,) = rows(db, "select * from claims where text = ?", [TARGET])
    review(db, target["id"], "misleading", "")
    for text in (EDITS["inside"], ORIGINAL):
        path.write_text(text, encoding="utf-8")
        extract.run([str(folder)], str(db), progress=False)
    (again,) = rows(db, "select * from claims where id = ?", [target["id"]])
    assert again["superseded"] == 0 and again["start"] == target["start"]
    assert len(rows(db, "select * from reviews where claim_id = ?", [target["id"]])) == 1
    assert_sound(db)


# --- a review stays with the claim that was reviewed (issue 11) ------------------------------

HEALTH = ("# Health\n\nThe health minister Anna Berg spoke on Monday.\n\n"
          "She said that the hospital budget doubled in 2023.\n")
PREFACE = ("# Preface\n\nThe interior minister Lena Holm spoke on Sunday.\n\n"
           "She said that the hospital budget doubled in 2023.\n\n")
DOUBLED = "She said that the hospital budget doubled in 2023."


def extract_text(folder: Path, db: Path, text: str):
    from annotator import extract

    folder.mkdir(exist_ok=True)
    (folder / "dup.txt").write_text(text, encoding="utf-8")
    return extract.run([str(folder)], str(db), progress=False)


def downgrade_to_m007(db: Path) -> None:
    """Make ``db`` a database of the schema before claim identity (migration m008)."""
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("alter table claims drop column context_before")
        conn.execute("alter table claims drop column context_after")
        conn.execute("drop table document_versions")
        conn.execute("delete from _sqlite_migrations where name = 'm008_claim_identity'")
    conn.close()


@pytest.mark.parametrize("schema", ["current", "before m008"])
def test_a_copy_inserted_before_leaves_the_review_on_the_reviewed_claim(schema, session_model,
                                                                        tmp_path):
    folder, db = tmp_path / "in", tmp_path / "c.db"
    extract_text(folder, db, HEALTH)
    if schema != "current":
        downgrade_to_m007(db)
    (reviewed,) = rows(db, "select * from claims where text = ?", [DOUBLED])
    assert reviewed["source_canonical"] == "Anna Berg"
    review(db, reviewed["id"], "false", "it rose by 40 per cent")

    extract_text(folder, db, PREFACE + HEALTH)
    after = rows(db, "select c.*, r.verdict, r.note from claims c left join reviews r"
                     " on r.claim_id = c.id where text = ? order by start", [DOUBLED])
    assert [(c["section_path"], c["source_canonical"], c["superseded"], c["verdict"], c["note"])
            for c in after] == [("Preface", "Lena Holm", 0, None, None),
                                ("Health", "Anna Berg", 0, "false", "it rose by 40 per cent")]
    assert after[1]["id"] == reviewed["id"] and after[0]["id"] != reviewed["id"]
    assert_sound(db)


def test_a_copy_that_cannot_be_told_apart_supersedes_the_reviewed_claim(session_model, tmp_path):
    folder, db = tmp_path / "in", tmp_path / "c.db"
    extract_text(folder, db, f"{INTRO}\n\n{TARGET}\n\n{LAST}\n")
    (reviewed,) = rows(db, "select * from claims where text = ?", [TARGET])
    review(db, reviewed["id"], "misleading", "")
    # the two sentences twice, each time followed by something new: which TARGET is the one
    # reviewed cannot be told
    extract_text(folder, db, f"{INTRO}\n\n{TARGET}\n\nThe minister said the figures would be revised."
                             f"\n\n{INTRO}\n\n{TARGET}\n\nCritics said the figure was wrong.\n")
    found = rows(db, "select c.*, (select count(*) from reviews r where r.claim_id = c.id) as n"
                     " from claims c where text = ? order by superseded, start", [TARGET])
    assert [(c["superseded"], c["n"]) for c in found] == [(0, 0), (0, 0), (1, 1)]
    assert found[2]["id"] == reviewed["id"]
    assert_sound(db)


def test_re_extracting_the_same_text_keeps_every_id(session_model, tmp_path):
    folder, db = tmp_path / "in", tmp_path / "c.db"
    text = f"{INTRO}\n\n{TARGET}\n\n{TARGET}\n\n{LAST}\n" + PREFACE + HEALTH
    extract_text(folder, db, text)
    before = rows(db, "select id, start from claims order by start")
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("update documents set sha256 = 'stale'")  # so that it is parsed again
    conn.close()
    assert extract_text(folder, db, text).n_extracted == 1
    assert rows(db, "select id, start from claims order by start") == before


# --- a corpus of small documents, and 'annotator extract' as a real process ------------------

def small_corpus(folder: Path, n_docs: int = 40, per_doc: int = 3) -> Path:
    """``n_docs`` documents of ``per_doc`` paragraphs of the bundled corpus, under a heading."""
    paragraphs = [line for f in sorted(CORPUS.glob("*.txt"))
                  for line in f.read_text(encoding="utf-8").splitlines() if len(line.split()) > 8]
    folder.mkdir()
    for i in range(n_docs):
        chosen = [paragraphs[(i * per_doc + k) % len(paragraphs)] for k in range(per_doc)]
        (folder / f"doc{i:03}.txt").write_text(f"Report {i}\n\n" + "\n\n".join(chosen) + "\n",
                                               encoding="utf-8")
    return folder


def annotator(*args: object) -> list[str]:
    script = Path(sys.executable).with_name("annotator")
    head = [str(script)] if script.exists() else [sys.executable, "-c",
                                                 "from annotator.cli import cli; cli()"]
    return head + [str(a) for a in args]


def start(*args: object) -> subprocess.Popen:
    # Its own process group, so that a kill reaches any worker process it starts too.
    return subprocess.Popen(annotator(*args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)


def count(db: Path, sql: str) -> int:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            return conn.execute(sql).fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:  # not created yet, or not migrated yet
        return -1


# --- concurrent reviewers ----------------------------------------------------------------------

N_THREADS = 4
N_PROCESSES = 2

def test_a_run_whose_process_is_gone_is_marked_interrupted(tmp_path):
    db = store.connect(tmp_path / "runs.db")
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    dead_run = store.start_run(db, {})
    db.execute("update runs set pid = ? where id = ?", [int(gone.stdout), dead_run])
    live_run = store.start_run(db, {})  # this process: alive
    elsewhere = store.start_run(db, {})
    db.execute("update runs set host = 'another-machine', pid = ? where id = ?",
               [int(gone.stdout), elsewhere])
    store.start_run(db, {})
    status = {r["id"]: r["status"] for r in rows(tmp_path / "runs.db", "select id, status from runs")}
    assert status[dead_run] == "interrupted"
    assert status[live_run] == status[elsewhere] == "running"  # alive, or not this machine's to judge
    db.close()


def test_opening_a_new_database_at_once_migrates_it_once(tmp_path):
    # Switching a new file to WAL fails now and then, whatever the busy timeout, while another
    # connection opens it (about 1 in 40 such openings): 40 new files make that show.
    def open_it(db: Path, errors: list[str]) -> None:
        try:
            store.connect(db).close()
        except sqlite3.Error as e:
            errors.append(str(e))

    for i in range(40):
        db, errors = tmp_path / f"new{i}.db", []
        threads = [threading.Thread(target=open_it, args=(db, errors)) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        names = [r["name"] for r in rows(db, "select name from _sqlite_migrations")]
        assert names == [m.name for m in store.migrations._migrations]


REVIEWER_PROCESS = """
import random, sqlite3, sys, time
db, stop, name = sys.argv[1:4]
conn = sqlite3.connect(db, isolation_level=None)  # Python's default 5 s busy timeout
ids = [r[0] for r in conn.execute("select id from claims where doc like 'd0%'")]
n = 0
while True:
    conn.execute("insert into reviews (claim_id, verdict, note, reviewer, created) "
                 "values (?, 'true', 'from a process', ?, '2025-01-01')", [random.choice(ids), name])
    n += 1
    time.sleep(random.uniform(0, 0.01))
    try:
        open(stop).close()
        break
    except FileNotFoundError:
        pass
print(n)
"""


@pytest.mark.slow
def test_reviewers_save_while_extract_writes(corpus_copy, tmp_path):
    db = tmp_path / "c.db"
    assert invoke("extract", corpus_copy, "--db", db).exit_code == 0
    ids = [r["id"] for r in rows(db, "select id from claims")]
    big = small_corpus(tmp_path / "more")
    stop = tmp_path / "stop"
    errors: list[str] = []
    done_during_extract = [0]
    written = [0] * N_THREADS

    extracting = start("extract", big, "--db", db)

    def reviewer(k: int) -> None:
        if k % 2:  # as the review plugin saves: Datasette's kind of connection, store.add_review
            conn = sqlite3.connect(db, check_same_thread=False)
            conn.execute(f"PRAGMA busy_timeout = {store.BUSY_TIMEOUT_MS}")
        else:
            conn = sqlite3.connect(db, isolation_level=None)
        rnd = random.Random(k)
        while not stop.exists():
            claim = rnd.choice(ids)
            try:
                if k % 2:
                    with conn:
                        store.add_review(sqlite_utils.Database(conn), claim, f"t{k}", "false", "x")
                else:  # read, then write, in one transaction that takes the lock first
                    conn.execute("begin immediate")
                    n = conn.execute("select count(*) from reviews where claim_id = ?", [claim])
                    conn.execute("insert into reviews (claim_id, verdict, note, reviewer, created) "
                                  "values (?, 'true', ?, ?, '2025-01-01')",
                                  [claim, f"review {n.fetchone()[0] + 1}", f"t{k}"])
                    conn.execute("commit")
                written[k] += 1
                if extracting.poll() is None:
                    done_during_extract[0] += 1
            except sqlite3.Error as e:
                errors.append(f"reviewer {k}: {e}")
                if conn.in_transaction:
                    conn.execute("rollback")
            time.sleep(rnd.uniform(0, 0.005))
        conn.close()

    threads = [threading.Thread(target=reviewer, args=(k,)) for k in range(N_THREADS)]
    for t in threads:
        t.start()
    processes = [subprocess.Popen([sys.executable, "-c", REVIEWER_PROCESS, str(db), str(stop), f"p{k}"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for k in range(N_PROCESSES)]
    try:
        _out, err = extracting.communicate(timeout=120)
    finally:
        stop.touch()
        for t in threads:
            t.join()
        results = [p.communicate(timeout=30) for p in processes]

    assert extracting.returncode == 0, err.decode()
    assert b"locked" not in err
    assert errors == []
    for p, (stdout, stderr) in zip(processes, results):
        assert p.returncode == 0, stderr
    by_processes = sum(int(stdout) for stdout, _ in results)
    assert done_during_extract[0] > 50, "the reviewers barely overlapped the extraction"
    assert count(db, "select count(*) from reviews") == sum(written) + by_processes
    assert count(db, "select count(*) from documents") == 7 + 40
    assert_sound(db)


# --- kills -------------------------------------------------------------------------------------

KILL_IN_TRANSACTION = """
import os, signal, sys
from annotator import store
from annotator.cli import cli

save, calls = store.save_document, []


def save_and_die(db, result, run_id):
    calls.append(1)
    if len(calls) == 3:  # the third document: die after a few of its statements
        execute, n = db.execute, []

        def execute_and_die(sql, params=None):
            n.append(1)
            if len(n) == 5:
                os.kill(os.getpid(), signal.SIGKILL)
            return execute(sql, params)

        db.execute = execute_and_die
    return save(db, result, run_id)


store.save_document = save_and_die
cli(sys.argv[1:])
"""

N_KILLS = 6
# Compared after the runs: every column but those naming the run that wrote the row.
COMPARED = {
    "documents": "id, path, sha256, size, encoding, text, n_chars, n_words, n_paragraphs, n_claims",
    "claims": "*",
    "blocks": "*",
    "claim_entities": "*",
    "entities": "*",
    "sources": "*",
}


def snapshot(db: Path) -> dict[str, list[dict]]:
    out = {}
    for table, columns in COMPARED.items():
        found = rows(db, f"select {columns} from {table} order by id")
        for row in found:
            row.pop("run_id", None)
        out[table] = found
    return out


@pytest.mark.slow
def test_killed_extracts_leave_the_database_as_a_run_never_interrupted(tmp_path):
    folder = small_corpus(tmp_path / "docs")
    n_docs = 40
    reference, db = tmp_path / "reference.db", tmp_path / "killed.db"
    began = time.monotonic()
    subprocess.run(annotator("extract", folder, "--db", reference), check=True, capture_output=True)
    whole = time.monotonic() - began

    seed = int(os.environ.get("ANNOTATOR_KILL_SEED", random.randrange(1_000_000)))
    rnd = random.Random(seed)
    # The first kill lands anywhere in start-up (imports, the model, creating the database);
    # each other once a random number of documents (one from each fifth of the corpus) is
    # stored, after a random few milliseconds: mid-document, mid-transaction, or at the end.
    step = n_docs // (N_KILLS - 1)
    targets = [rnd.randrange(k * step, (k + 1) * step) + 1 for k in range(N_KILLS - 1)]
    plan = [("time", rnd.uniform(0.05, whole / 2))] + [("docs", t) for t in targets]
    kills = []  # (how, when, documents stored before the run, documents stored at the kill)
    for i, (kind, value) in enumerate(plan):
        before = max(count(db, "select count(*) from documents"), 0)
        # Every other run parses in two worker processes: the kill must take them down too.
        proc = start("extract", folder, "--db", db, "--workers", 1 + i % 2)
        if kind == "time":
            time.sleep(value)
        else:
            # A run in two processes stores documents in bursts, so an earlier run may have
            # stored past this target: then the kill waits for this run's first document.
            value = max(value, before + 1)
            while proc.poll() is None and count(db, "select count(*) from documents") < value:
                time.sleep(0.002)
            time.sleep(rnd.uniform(0, 0.03))
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            kills.append((kind, value, before, count(db, "select count(*) from documents")))
        else:
            _out, err = proc.communicate()
            assert proc.returncode == 0, f"seed {seed}: {err.decode()}"
    mid_run = [k for k in kills if k[2] < k[3]]
    assert len(mid_run) >= 2, f"seed {seed}: too few kills landed mid-run: {kills}"

    final = subprocess.run(annotator("extract", folder, "--db", db), capture_output=True, text=True,
                           check=False)
    assert final.returncode == 0, final.stderr
    assert snapshot(db) == snapshot(reference), f"seed {seed}, kills {kills}"
    assert_sound(db)
    # Each run killed after it stored documents is marked interrupted by the run after it.
    assert count(db, "select count(*) from runs where status = 'interrupted'") >= len(
        [k for k in mid_run if k[3] < n_docs])
    assert count(db, "select count(*) from runs where status = 'running'") == 0


@pytest.mark.slow
def test_a_kill_inside_a_transaction_loses_only_that_document(tmp_path):
    folder = small_corpus(tmp_path / "docs", n_docs=6)
    reference, db = tmp_path / "reference.db", tmp_path / "killed.db"
    subprocess.run(annotator("extract", folder, "--db", reference), check=True, capture_output=True)
    killed = subprocess.run([sys.executable, "-c", KILL_IN_TRANSACTION, "extract", str(folder),
                             "--db", str(db)], capture_output=True, check=False)
    assert killed.returncode == -signal.SIGKILL
    assert count(db, "select count(*) from documents") == 2  # the third rolled back whole
    assert count(db, "select count(*) from claims where doc = 'doc002.txt'") == 0
    findings = {f.name: f for f in check.run(db)}
    assert not any(f.failed for f in findings.values())
    assert findings["runs"].status == "note"
    subprocess.run(annotator("extract", folder, "--db", db), check=True, capture_output=True)
    assert snapshot(db) == snapshot(reference)
