"""Deterministic ids (a hash of content coordinates, so re-runs upsert) and UTC timestamps."""

import datetime as dt
import hashlib


def stable_id(*parts: object) -> str:
    """16 hex digits of the SHA-1 of ``parts`` joined by NUL: the same parts, the same id."""
    return hashlib.sha1("\x00".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:16]


def now() -> str:
    """The time in UTC to the second, ISO 8601 (``2026-12-02T04:00:29+00:00``)."""
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
