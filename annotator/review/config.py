"""The Datasette metadata ``annotator serve`` uses: the shipped ``metadata.json`` plus the review
plugin's settings.

Neither reviewer names nor password hashes go into the metadata: the plugin reads the accounts
file itself, on every request that needs it (see :mod:`annotator.review.access`).
"""

import json
import os
from importlib import resources


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
