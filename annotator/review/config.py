"""The Datasette metadata ``annotator serve`` uses: the shipped ``metadata.json`` plus the review
plugin's settings.

Neither reviewer names nor password hashes go into the metadata: the plugin reads the accounts
file itself, on every request that needs it (see :mod:`annotator.review.access`).
"""

import getpass
import json
import os
import secrets
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from ..errors import AnnotatorError


def shipped_metadata() -> dict:
    """The metadata shipped with the package, its database section under the key ``database``."""
    text = resources.files("annotator.review").joinpath("metadata.json").read_text(encoding="utf-8")
    return json.loads(text)


def build_metadata(
    db_name: str,
    reviewers_file: str | os.PathLike | None = None,
    local_user: str | None = None,
    sign_in_digest: str | None = None,
    *,
    sign_in_expires: float | None = None,
    private: bool = False,
    public_read: bool = False,
) -> dict:
    """Metadata for a database called ``db_name``.

    ``reviewers_file`` holds the reviewer accounts (see :mod:`annotator.review.accounts`);
    ``local_user`` is the reviewer the one-time sign-in link signs in, whose token has the SHA-256
    ``sign_in_digest`` and works until ``sign_in_expires`` (seconds since the epoch). Reads are
    for signed-in reviewers only when there are accounts or ``private`` is set, unless
    ``public_read``.
    """
    meta = shipped_metadata()
    meta["databases"] = {db_name: meta.pop("database")}
    meta["plugins"] = {
        "annotator": {
            "database": db_name,
            "reviewers_file": os.fspath(reviewers_file) if reviewers_file else None,
            "local_user": local_user,
            "sign_in_token_sha256": sign_in_digest,
            "sign_in_expires": sign_in_expires,
            "private": private,
            "public_read": public_read,
        },
    }
    return meta


@dataclass
class Server:
    """What ``annotator serve`` hands Datasette, and what it tells the person who started it."""

    metadata: dict
    greeting: list[str]


def prepare(db_path: str, reviewers_file: str | os.PathLike, host: str, port: int,
            local_user: str | None = None, public_read: bool = False) -> Server:
    """Get a database ready to serve: its facet counts refreshed, a one-time sign-in link minted
    (only its SHA-256 goes into the metadata), the reviewer accounts read. Serving beyond this
    machine without reviewer accounts is refused (:class:`AnnotatorError`)."""
    from .. import store
    from . import accounts, helpers, signin

    db = store.connect(db_path, create=False)
    store.refresh_facet_counts(db)  # stale only if the claims were changed by other means
    db.close()
    team = accounts.load(reviewers_file)
    if not helpers.is_loopback(host) and not team:
        raise AnnotatorError(
            f"refusing to serve on {host}, beyond this machine, without reviewer accounts: anyone "
            f"who can reach it could read the claims. Add one first with 'annotator reviewers add "
            f"NAME --db {db_path}', or serve on 127.0.0.1."
        )
    try:
        user = local_user or getpass.getuser()
    except (KeyError, OSError):
        user = "local"
    token = secrets.token_urlsafe(32)
    minutes = signin.SIGN_IN_LINK_MINUTES
    metadata = build_metadata(
        Path(db_path).stem, Path(reviewers_file).resolve(), user, helpers.token_digest(token),
        sign_in_expires=time.time() + 60 * minutes, public_read=public_read,
        private=bool(team) or not helpers.is_loopback(host))
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    base = f"http://{'[' + shown + ']' if ':' in shown else shown}:{port}"
    link = f"{base}/-/annotator/sign-in?token={token}"
    greeting = [f"Sign in as {user} (the link works once, within {minutes} minutes): {link}"]
    if team:
        greeting.append(f"Reviewers ({', '.join(sorted(team))}) sign in at {base}/-/login; "
                        + ("anyone who can reach the server reads" if public_read
                           else "only signed-in reviewers read"))
    return Server(metadata, greeting)
