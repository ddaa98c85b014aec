"""The Datasette metadata ``annotator serve`` uses: the shipped ``metadata.json`` plus accounts.

Password hashes are handed to ``datasette-auth-passwords`` through ``{"$env": …}`` references,
so ``/-/metadata`` shows the variable names, never the hashes.
"""

import json
from importlib import resources


def shipped_metadata() -> dict:
    """The metadata shipped with the package, its database section under the key ``database``."""
    text = resources.files("annotator.review").joinpath("metadata.json").read_text(encoding="utf-8")
    return json.loads(text)


def build_metadata(
    db_name: str,
    accounts: dict[str, dict] | None = None,
    local_user: str | None = None,
    sign_in_digest: str | None = None,
) -> tuple[dict, dict[str, str]]:
    """Metadata for a database called ``db_name``, and the environment variables it refers to.

    ``accounts`` are reviewer accounts (see :mod:`annotator.review.accounts`); ``local_user`` is
    the reviewer the one-time sign-in link signs in, whose token has the SHA-256 ``sign_in_digest``.
    """
    accounts = accounts or {}
    meta = shipped_metadata()
    meta["databases"] = {db_name: meta.pop("database")}
    env: dict[str, str] = {}
    passwords: dict[str, object] = {}
    for i, name in enumerate(sorted(accounts)):
        var = f"ANNOTATOR_REVIEWER_{i}_HASH"
        env[var] = accounts[name]["password_hash"]
        passwords[f"{name}_password_hash"] = {"$env": var}
    reviewers = set(accounts) | ({local_user} if local_user else set())
    meta["plugins"] = {
        "annotator": {
            "database": db_name,
            "reviewers": sorted(reviewers),
            "local_user": local_user,
            "sign_in_token_sha256": sign_in_digest,
        },
        "datasette-auth-passwords": passwords,
    }
    return meta, env
