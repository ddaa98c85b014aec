"""Reviewer accounts: names and PBKDF2 password hashes in a small JSON file, never passwords.

The file sits next to the database (``db/claims.db`` → ``db/claims.reviewers.json``) unless a
path is given, is written atomically and readable by its owner only::

    {"reviewers": {"alice": {"password_hash": "pbkdf2_sha256$480000$…", "added": "2025-…"}}}

The hashes are those of Django and datasette-auth-passwords (``pbkdf2_sha256$iterations$salt$
base64``), so files written by earlier versions keep working.
"""

import base64
import datetime as dt
import functools
import hashlib
import hmac
import json
import os
import re
import secrets
import tempfile
from collections.abc import Mapping
from pathlib import Path

from ..errors import AnnotatorError

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
MIN_PASSWORD = 8
ITERATIONS = 480_000
ALGORITHM = "pbkdf2_sha256"


class AccountError(AnnotatorError, ValueError):
    pass


def hash_password(password: str, salt: str | None = None, iterations: int = ITERATIONS) -> str:
    salt = salt or secrets.token_hex(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt.encode("utf-8"), iterations)
    return f"{ALGORITHM}${iterations}${salt}${base64.b64encode(digest).decode('ascii')}"


def _iterations(password_hash: str) -> int:
    return int(password_hash.split("$")[1])


def verify_password(password: str, password_hash: str) -> bool:
    """Whether ``password`` is the one ``password_hash`` was made from (one PBKDF2 run)."""
    _, iterations, salt, _ = password_hash.split("$", 3)
    return hmac.compare_digest(password_hash, hash_password(password, salt, int(iterations)))


@functools.lru_cache(maxsize=8)
def _stand_in(iterations: int) -> str:
    """A hash no password matches (its digest is random), for names without an account."""
    digest = base64.b64encode(secrets.token_bytes(32)).decode("ascii")
    return f"{ALGORITHM}${iterations}${secrets.token_hex(16)}${digest}"


def check_password(accounts: dict[str, dict], name: str, password: str) -> bool:
    """Whether ``name`` is a reviewer whose password is ``password``.

    Costs one PBKDF2 run whether or not the reviewer exists: for an unknown name the password is
    checked against a stand-in hash with as many iterations as the accounts' hashes, so the time a
    sign-in takes does not tell which names have accounts.
    """
    account = accounts.get(name)
    if account is not None:
        return verify_password(password, account["password_hash"])
    iterations = max((_iterations(a["password_hash"]) for a in accounts.values()), default=ITERATIONS)
    verify_password(password, _stand_in(iterations))
    return False


def session_stamp(account: Mapping) -> str:
    """A short fingerprint of an account's password hash, kept in its reviewer's session cookie:
    a new password (or a removed account) ends the sessions signed in with the old one."""
    return hashlib.sha256(account["password_hash"].encode("utf-8")).hexdigest()[:16]


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
        if not isinstance(account, dict) or not _HASH.match(str(account.get("password_hash", ""))):
            raise AccountError(f"{p}: reviewer {name!r} has no password hash")
    return accounts


_HASH = re.compile(rf"^{ALGORITHM}\$[1-9][0-9]{{0,8}}\$[^$]+\$[A-Za-z0-9+/=]+$")


def load_current(path: str | os.PathLike) -> dict[str, dict]:
    """:func:`load`, read again only when the file has changed (its size, time or inode).

    The server calls it on every request, so an added or removed reviewer or a new password takes
    effect at once. A file that cannot be read as accounts counts as no accounts (nobody signs in)
    rather than the last good version.
    """
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return {}
    try:
        return _load_cached(str(path), st.st_mtime_ns, st.st_size, st.st_ino)
    except AccountError:
        return {}


@functools.lru_cache(maxsize=16)
def _load_cached(path: str, mtime_ns: int, size: int, inode: int) -> dict[str, dict]:
    return load(path)


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


def add(path: str | os.PathLike, name: str, password: str, iterations: int = ITERATIONS) -> bool:
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
