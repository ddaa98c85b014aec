"""Reviewer accounts: names and PBKDF2 password hashes in a small JSON file, never passwords.

The file sits next to the database (``db/claims.db`` → ``db/claims.reviewers.json``) unless a
path is given, is written atomically and readable by its owner only::

    {"reviewers": {"alice": {"password_hash": "pbkdf2_sha256$480000$…", "added": "2025-…"}}}
"""

import datetime as dt
import json
import os
import re
import tempfile
from pathlib import Path

from datasette_auth_passwords.utils import hash_password

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
MIN_PASSWORD = 8


class AccountError(ValueError):
    pass


def default_path(db_path: str | os.PathLike) -> Path:
    return Path(db_path).with_suffix(".reviewers.json")


def load(path: str | os.PathLike) -> dict[str, dict]:
    """Reviewer name → account, or an empty dict when there is no file."""
    p = Path(path)
    if not p.exists():
        return {}
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
        accounts = data["reviewers"]
    except (ValueError, KeyError, TypeError) as e:
        raise AccountError(f"{p}: not a reviewers file ({e})") from e
    if not isinstance(accounts, dict):
        raise AccountError(f"{p}: 'reviewers' must be an object")
    for name, account in accounts.items():
        if not isinstance(account, dict) or not str(account.get("password_hash", "")).startswith(
            "pbkdf2_sha256$"
        ):
            raise AccountError(f"{p}: reviewer {name!r} has no password hash")
    return accounts


def save(path: str | os.PathLike, accounts: dict[str, dict]) -> None:
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=p.name, suffix=".tmp", dir=p.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump({"reviewers": accounts}, out, indent=2, sort_keys=True)
            out.write("\n")
        os.chmod(tmp, 0o600)
        os.replace(tmp, p)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def check_name(name: str) -> str:
    if not NAME.match(name) or "_password_hash" in name:
        raise AccountError(
            f"{name!r} is not a usable reviewer name: use up to 64 letters, digits, '.', '_', '@' "
            "or '-', starting with a letter or digit"
        )
    return name


def add(path: str | os.PathLike, name: str, password: str, iterations: int = 480_000) -> bool:
    """Add a reviewer or change their password; True when the reviewer is new."""
    check_name(name)
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password must be at least {MIN_PASSWORD} characters long")
    accounts = load(path)
    new = name not in accounts
    accounts[name] = {
        "password_hash": hash_password(password, iterations=iterations),
        "added": accounts.get(name, {}).get("added")
        or dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
    }
    save(path, accounts)
    return new


def remove(path: str | os.PathLike, name: str) -> bool:
    """Remove a reviewer; False when there was none of that name. Their reviews stay."""
    accounts = load(path)
    if name not in accounts:
        return False
    del accounts[name]
    save(path, accounts)
    return True
