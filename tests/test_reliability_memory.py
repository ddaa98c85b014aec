"""Hostile input: memory stays bounded, a full disk is one line, and the others are stored.

Each case runs a real ``annotator extract`` in a process of its own, started by a small wrapper
that reads the peak resident memory of its children (``resource.getrusage(RUSAGE_CHILDREN)``),
so that no other test's subprocess counts. The wrapper caps the address space at 3 GB, so a
regression fails here at once instead of exhausting the machine. The full-size figures in the
README were measured once with the same wrapper (``python tests/test_reliability_memory.py``).
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CORPUS, rows
from test_reliability import ENGLISH, annotator, assert_sound

LIMIT_MB = 500

MEASURE = """
import json, resource, subprocess, sys
cap = 3 * 1024 ** 3
resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps({"returncode": done.returncode, "stdout": done.stdout, "stderr": done.stderr,
                  "peak_mb": peak}))
"""


def extract_measured(*args: object) -> dict:
    """Run ``annotator extract ARGS`` alone in a wrapper; its exit status, output and peak RSS."""
    out = subprocess.run([sys.executable, "-c", MEASURE, *annotator("extract", *args)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def verbless_lines(n: int) -> str:
    """The repro: ``a0.``, ``a1.``, … one a line, each a heading to the tagger."""
    return "".join(f"a{i}.\n" for i in range(n))


def long_lines(n: int, chars: int = 99_000) -> str:
    """``n`` lines of ``chars`` characters of real prose each: one paragraph a line."""
    prose = " ".join(line.strip() for line in (CORPUS / "d03.txt").read_text(encoding="utf-8")
                     .splitlines() if len(line.split()) > 8)
    line = (prose + " ") * (chars // len(prose) + 1)
    return (line[:chars].rstrip() + "\n") * n


def run_case(tmp_path: Path, name: str, text: str) -> dict:
    hostile = tmp_path / "hostile"
    good = tmp_path / "good"
    hostile.mkdir()
    good.mkdir()
    (hostile / name).write_text(text, encoding="utf-8")
    (good / "good.txt").write_text(ENGLISH, encoding="utf-8")
    db = tmp_path / "t.db"
    got = extract_measured(hostile, good, "--db", db)
    got["db"] = db
    return got


def assert_both_stored(got: dict, name: str) -> None:
    db = got["db"]
    assert got["returncode"] == 0, got["stderr"]
    assert "Traceback" not in got["stderr"]
    assert got["peak_mb"] < LIMIT_MB, f"peak RSS {got['peak_mb']:.0f} MB"
    docs = {r["path"].rsplit("/", 1)[-1] for r in rows(db, "select path from documents")}
    assert docs == {name, "good.txt"}
    good = rows(db, "select text from claims where doc like '%good.txt'")
    assert [r["text"] for r in good] == ENGLISH.splitlines()
    assert_sound(db)


@pytest.mark.slow
def test_short_verbless_lines_stay_within_memory(tmp_path):
    """20,000 such lines took 6.8 GB and stored nothing, not even the good file."""
    got = run_case(tmp_path, "t.txt", verbless_lines(20_000))
    assert_both_stored(got, "t.txt")
    deepest = rows(got["db"], "select max(length(section_path)) n from blocks")[0]["n"]
    assert deepest <= 20


@pytest.mark.slow
def test_long_lines_stay_within_memory(tmp_path):
    """Three 99,000-character lines: the old code held every Doc of a document, 280 MB each."""
    got = run_case(tmp_path, "long.txt", long_lines(3))
    assert_both_stored(got, "long.txt")
    claims = rows(got["db"], "select paragraph_index p, sentence_index s from claims "
                  "where doc like '%long.txt' order by start")
    assert {c["p"] for c in claims} == {0, 1, 2}
    for a, b in zip(claims, claims[1:]):  # sentences numbered across the pieces parsed apart
        assert b["s"] > a["s"] or b["p"] > a["p"]


@pytest.mark.slow
def test_a_full_disk_is_one_line_and_the_database_stays_whole(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    for i in range(20):
        (folder / f"r{i:02}.txt").write_text(f"Report {i}.\n" + ENGLISH * 20, encoding="utf-8")
    db = tmp_path / "t.db"
    subprocess.run(annotator("extract", CORPUS / "d01.txt", "--db", db), check=True,
                   capture_output=True)
    # No file the run writes may grow past 64 KB: SQLite's write-ahead log soon cannot, as
    # on a full disk ("database or disk is full" or "disk I/O error", whichever the write hits).
    limit = 64 * 1024
    full = subprocess.run(
        [sys.executable, "-c",
         "import resource, subprocess, sys; resource.setrlimit(resource.RLIMIT_FSIZE, "
         f"({limit}, {limit})); sys.exit(subprocess.run(sys.argv[1:]).returncode)",
         *annotator("extract", folder, "--db", db)],
        capture_output=True, text=True)
    assert full.returncode == 1
    assert full.stderr.startswith(f"Error: could not write to {db}: ")
    assert len(full.stderr.splitlines()) == 1, full.stderr
    assert_sound(db)
    again = subprocess.run(annotator("extract", folder, "--db", db), capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    assert rows(db, "select count(*) n from documents")[0]["n"] == 21
    assert_sound(db)


def test_a_document_the_database_refuses_is_reported_and_the_others_stored(tmp_path):
    from click.testing import CliRunner

    from annotator import store
    from annotator.cli import cli

    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text(ENGLISH, encoding="utf-8")
    (folder / "b.txt").write_text("The refusal was certain, the clerk said.\n", encoding="utf-8")
    (folder / "c.txt").write_text("The council said the school would open in May.\n", encoding="utf-8")
    db = tmp_path / "t.db"
    store.connect(db).execute(
        "create trigger refuse before insert on blocks when new.text like '%refusal%' "
        "begin select raise(abort, 'this block may not be stored'); end")
    result = CliRunner().invoke(cli, ["extract", str(folder), "--db", str(db)],
                                catch_exceptions=False)
    assert result.exit_code == 1
    assert "b.txt: could not be stored (this block may not be stored)" in result.output
    assert "3 documents: 2 extracted, 0 unchanged, 1 refused" in result.output
    docs = {r["path"].rsplit("/", 1)[-1] for r in rows(db, "select path from documents")}
    assert docs == {"a.txt", "c.txt"}
    assert_sound(db)


if __name__ == "__main__":  # the README's full-size figures
    import tempfile

    cases = {
        "20,000 lines 'a0.'": ("t.txt", verbless_lines(20_000)),
        "100,000 lines 'a0.'": ("t.txt", verbless_lines(100_000)),
        "100,000 lines 'John Smith 0.'": ("t.txt", "".join(f"John Smith {i}.\n" for i in range(100_000))),
        "one 99,000-character line": ("long.txt", long_lines(1)),
        "24 such lines (2.4 MB)": ("long.txt", long_lines(24)),
    }
    for label, (name, text) in cases.items():
        if sys.argv[1:] and not any(a in label for a in sys.argv[1:]):
            continue
        with tempfile.TemporaryDirectory() as tmp:
            import time

            began = time.perf_counter()
            got = run_case(Path(tmp), name, text)
            seconds = time.perf_counter() - began
            n = rows(got["db"], "select count(*) n from documents")[0]["n"]
            print(f"{label}: exit {got['returncode']}, peak {got['peak_mb']:.0f} MB, "
                  f"{seconds:.0f} s, {n} documents stored; {got['stdout'].strip()}", flush=True)
