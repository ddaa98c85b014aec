"""A claim's stored match features are the same bytes whichever process wrote them: Python's
string hashing changes the order of a set from one process to the next (PYTHONHASHSEED), so
every set is written sorted (matching.Features.to_json)."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

# Claims with several figures each: the order of a set of five quantities varies between
# processes unless it is sorted.
TEXT = """Budget report

The mayor said the city spent $2.9 billion on roads in 2015, 14 percent more than the $450 million planned for 12 bridges, 3,200 miles of road and 75 percent of the schools.

Officials said 1,200 workers, 35 percent of them new, repaired 880 miles of road for $310 million, about 6 percent over budget.
"""


def annotator(*args: object) -> list[str]:
    script = Path(sys.executable).with_name("annotator")
    head = [str(script)] if script.exists() else [sys.executable, "-c",
                                                 "from annotator.cli import cli; cli()"]
    return head + [str(a) for a in args]


def stored_features(tmp_path: Path, seed: str) -> list[tuple[str, bytes]]:
    """Extract the corpus with matching on in a new process of this hash seed, into a new
    SQLite file, and read back each claim's stored features, as bytes."""
    corpus = tmp_path / "corpus"
    corpus.mkdir(exist_ok=True)
    (corpus / "budget.txt").write_text(TEXT, encoding="utf-8")
    db = tmp_path / f"seed{seed}.db"
    subprocess.run(annotator("extract", corpus, "--db", db, "--match"), check=True, capture_output=True,
                   env={**os.environ, "PYTHONHASHSEED": seed})
    conn = sqlite3.connect(db)
    try:
        return conn.execute("select claim_id, cast(features as blob) from claim_match_keys"
                            " order by claim_id").fetchall()
    finally:
        conn.close()


@pytest.mark.slow
def test_stored_features_are_the_same_bytes_in_any_process(tmp_path):
    first, second = (stored_features(tmp_path, seed) for seed in ("1", "2"))
    assert len(first) >= 2 and all(b'"q": [[' in features for _cid, features in first)  # figures stored
    assert first == second
