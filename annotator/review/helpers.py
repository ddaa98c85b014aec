"""Who may write: the signed-in actor's id, reviewers, the CSRF check, sign-in tokens, and
whether an address is this machine's own. Pure functions, each tested alone."""

import hashlib
import hmac
import ipaddress
from collections.abc import Iterable, Mapping


def actor_id(actor: Mapping | None) -> str | None:
    if not actor or actor.get("id") in (None, ""):
        return None
    return str(actor["id"])


def is_reviewer(actor: Mapping | None, reviewers: Iterable[str]) -> bool:
    """Whether the signed-in ``actor`` is one of the configured reviewer ids."""
    who = actor_id(actor)
    return who is not None and who in {str(r) for r in reviewers}


def csrf_was_checked(headers: Mapping[str, str]) -> bool:
    """Whether Datasette's CSRF protection examined this POST.

    It skips requests that carry no cookies or an ``Authorization: Bearer`` header, so a write
    route refuses those rather than trust a check that did not happen.
    """
    if not headers.get("cookie"):
        return False
    return not headers.get("authorization", "").lower().startswith("bearer ")


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_matches(token: str, digest: str | None) -> bool:
    return bool(token and digest) and hmac.compare_digest(token_digest(token), str(digest))


def is_loopback(host: str) -> bool:
    """Whether binding to ``host`` keeps the server on this machine."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
