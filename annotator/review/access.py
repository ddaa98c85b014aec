"""Who is signed in, who may read, and how fast anyone may try a password.

``annotator serve`` hands the plugin its settings (see :mod:`annotator.review.config`): the
reviewer accounts file, the local user the one-time link signs in, whether reads are private. The
accounts file is read again whenever it changes, so adding or removing a reviewer or changing a
password takes effect on the next request, without a restart.
"""

import time
from collections import deque
from collections.abc import Callable, Mapping

from . import accounts

# The actions of Datasette's permission checks that read data; private reads refuse them to anyone
# not signed in as a current reviewer.
READ_ACTIONS = frozenset({"view-instance", "view-database", "view-database-download",
                          "view-table", "view-query", "execute-sql"})
SESSION_KEY = "annotator_session"


def team(config: Mapping) -> dict[str, dict]:
    """The reviewer accounts as the accounts file holds them now."""
    path = config.get("reviewers_file")
    return accounts.load_current(path) if path else {}


def reads_are_private(config: Mapping) -> bool:
    """Whether only signed-in reviewers may read: when there are accounts (now or when the server
    started, or it listens beyond this machine), unless ``public_read`` opens reads."""
    if config.get("public_read"):
        return False
    return bool(config.get("private")) or bool(team(config))


def actor_for(name: str, account: Mapping | None) -> dict:
    """The actor a session cookie carries for reviewer ``name`` (``account``: their account, or
    None for the local user of the sign-in link)."""
    actor = {"id": name}
    if account is not None:
        actor[SESSION_KEY] = accounts.session_stamp(account)
    return actor


def reviewer(config: Mapping, actor: Mapping | None) -> str | None:
    """The id of ``actor`` if it is a current reviewer: the local user of the sign-in link, or an
    account that still exists with the password the actor signed in with; otherwise None."""
    if not actor or actor.get("id") in (None, ""):
        return None
    who = str(actor["id"])
    account = team(config).get(who)
    if account is not None and actor.get(SESSION_KEY) == accounts.session_stamp(account):
        return who
    if who == config.get("local_user") and SESSION_KEY not in actor:
        return who
    if who in (config.get("reviewers") or ()):  # configured by hand, without accounts
        return who
    return None


def may_read(config: Mapping, actor: Mapping | None) -> bool:
    return not reads_are_private(config) or reviewer(config, actor) is not None


def local_path(target: str | None, default: str = "/") -> str:
    """``target`` if it is a path on this server (for ``?next=``), else ``default``: never another
    host (``//evil.example``, ``/\\evil.example``, ``https://…``)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return default
    if any(c in target for c in "\r\n\t\\") or any(ord(c) < 32 for c in target):
        return default
    return target


class Throttle:
    """Limits on password checks (each one a PBKDF2 run of about 0.2 s of a core).

    At most ``attempts`` failed sign-ins per client address within ``window`` seconds, and at most
    ``concurrent`` checks running at once for everybody together; beyond either the sign-in is
    refused (HTTP 429) without checking the password.
    """

    def __init__(self, attempts: int = 10, window: float = 300.0, concurrent: int = 2,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.attempts, self.window, self.concurrent, self.clock = attempts, window, concurrent, clock
        self.failures: dict[str, deque[float]] = {}
        self.running = 0

    def _recent(self, client: str) -> deque[float]:
        found = self.failures.get(client)
        if found is None:
            return deque()
        while found and found[0] <= self.clock() - self.window:
            found.popleft()
        if not found:
            del self.failures[client]
        return found

    def retry_after(self, client: str) -> int | None:
        """Seconds ``client`` must wait before its next attempt, or None when it may try now."""
        recent = self._recent(client)
        if len(recent) >= self.attempts:
            return max(1, int(recent[0] + self.window - self.clock()) + 1)
        if self.running >= self.concurrent:
            return 1
        return None

    def begin(self) -> None:
        self.running += 1

    def end(self, client: str, ok: bool) -> None:
        """A check has ended. A success does not clear the address's failures: one known password
        must not buy another ten guesses."""
        self.running -= 1
        if not ok:
            self.failures.setdefault(client, deque()).append(self.clock())
        if len(self.failures) > 10_000:  # many addresses: forget the oldest
            del self.failures[next(iter(self.failures))]
