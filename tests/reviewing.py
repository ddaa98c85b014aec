"""Helpers shared by the review tests: a hostile document in a real database, a configured Datasette
(``Site``, driven by ``ds.client``; ``serving``, a real ``annotator serve``)."""

import asyncio
import contextlib
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from datasette.app import Datasette

from annotator.review import access, accounts, config, helpers

HOSTILE_CLAIM = "00000000deadbeef"
HOSTILE_TEXT = (
    "Background. The minister <script>window.__annotatorPwned = 1</script> said that "
    "<img src=x onerror=\"window.__annotatorPwned = 2\"> taxes rose by 5% in 2023."
)
PASSWORD = "correct horse battery"
TOKEN = "a-one-time-sign-in-token"


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
