"""Helpers shared by the review tests: a hostile document in a real database, a configured Datasette."""

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

HOSTILE_CLAIM = "00000000deadbeef"
HOSTILE_TEXT = (
    "Background. The minister <script>window.__annotatorPwned = 1</script> said that "
    "<img src=x onerror=\"window.__annotatorPwned = 2\"> taxes rose by 5% in 2023."
)
PASSWORD = "correct horse battery"


def add_hostile_document(db_path: Path) -> str:
    """Add a document whose claim carries markup into an extracted database; the claim's id.

    The claim gets the top check-worthiness score and the smallest id, so it heads the queue.
    """
    from annotator import store

    db = store.connect(db_path)
    text = HOSTILE_TEXT
    start = text.index("The minister")
    source_start, source_end = start, start + len("The minister")
    cue_start = text.index("said")
    with db.atomic():
        db["documents"].insert({
            "id": "hostile", "path": "hostile.txt", "sha256": "0" * 64, "size": len(text),
            "encoding": "utf-8", "text": text, "n_chars": len(text), "n_words": len(text.split()),
            "n_paragraphs": 1, "n_claims": 1,
        })
        db["blocks"].insert({
            "id": "hostile-block", "document_id": "hostile", "idx": 0, "kind": "paragraph",
            "start": 0, "end": len(text), "text": text, "level": 0, "section_path": "",
            "paragraph_index": 0,
        })
        db["claims"].insert({
            "id": HOSTILE_CLAIM, "document_id": "hostile", "doc": "hostile.txt",
            "doc_sha256": "0" * 64, "section_path": "", "paragraph_index": 0,
            "sentence_index": 1, "clause_index": 0, "start": start, "end": len(text),
            "text": text[start:], "source": "The minister", "source_start": source_start,
            "source_end": source_end, "source_canonical": "minister", "cue": "said",
            "cue_start": cue_start, "cue_end": cue_start + 4, "stance": "reported",
            "checkworthy": "cfs", "checkworthy_score": 1.0, "claim_type": "quantity",
            "superseded": 0,
        })
    db.close()
    return HOSTILE_CLAIM


def reviewer_accounts(path: Path) -> Path:
    """A reviewers file with the account ``alice`` (a cheap hash: tests need no slow PBKDF2)."""
    from annotator.review import accounts

    accounts.add(path, "alice", PASSWORD, iterations=1_000)
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serving(db_path: Path, log: Path) -> Iterator[str]:
    """A real ``annotator serve`` of ``db_path`` on a free loopback port, its output in ``log``;
    yields its base URL once it answers, and stops it afterwards."""
    port = free_port()
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-c", "from annotator.cli import cli; cli()", "serve", "--db",
             str(db_path), "--port", str(port), "--user", "me"],
            stdout=out, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        deadline = time.monotonic() + 60
        while "Uvicorn running" not in log.read_text():
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"annotator serve did not start:\n{log.read_text()}")
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
