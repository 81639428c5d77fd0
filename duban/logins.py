"""Logins (登录) beside the events: failed attempts, locks, and ending an account's sessions.

Every wrong password (and every unknown user name) is a row of ``login_failures`` (migration 0008)
with the client address it came from, in the database every web process shares.  An account with
``account_limit`` failures within ``window`` seconds, or an address with ``address_limit``, is
locked: further attempts are refused (HTTP 429) without checking the password — no Argon2 work is
spent on them, and they are not counted, so the lock ends ``window`` seconds after the failure
that is the oldest of the last ``account_limit`` (or ``address_limit``).  A successful login
clears the account's failures; so do an administrator lifting the lock and a password reset.

Ending an account's sessions deletes its rows of ``web_sessions`` (``duban.sessions``): a
password reset and a disabled account end every login of the account at once, in every process.

Statements run on the caller's thread (the application's commands and the login handler run in
worker threads).  A store whose tables have not been created yet (no web process ever started on
it: the migrations come with the read side) has no sessions and no failures to delete.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable, Iterable, Mapping

ACCOUNT_LIMIT = 5  # failures of one account …
ADDRESS_LIMIT = 20  # … or from one client address …
WINDOW = 15 * 60  # … within 15 minutes lock it for (up to) 15 minutes
LONGEST_NAME = 200  # what a row keeps of a typed user name or address


@dataclass(frozen=True)
class Lock:
    """Attempts are refused until ``until`` (seconds since the epoch); ``by``: "account" or "address"."""

    until: float
    by: str

    def minutes_left(self, now: float) -> int:
        """Whole minutes until the lock ends, rounded up (at least 1)."""
        return max(1, -int(-(self.until - now) // 60))

    @property
    def until_utc(self) -> str:
        return datetime.fromtimestamp(self.until, timezone.utc).isoformat(timespec="seconds")


def _missing_table(error: Exception) -> bool:
    """Whether ``error`` says the migrations that make these tables have not been applied yet."""
    if isinstance(error, sqlite3.OperationalError):
        return "no such table" in str(error) or "no such column" in str(error)
    return type(error).__name__ in ("UndefinedTable", "UndefinedColumn")  # psycopg.errors


class Logins:
    """Failed logins and sessions on the event store's database (``env``: the store's settings).
    ``now``: the time (seconds since the epoch), injected by tests."""

    def __init__(self, env: Mapping[str, str], *, now: Callable[[], float] = time.time,
                 account_limit: int = ACCOUNT_LIMIT, address_limit: int = ADDRESS_LIMIT,
                 window: float = WINDOW) -> None:
        from duban.sessions import open_database  # (litestar's Store is only imported when logins are used)

        self.db = open_database(env)
        self.now = now
        self.account_limit = account_limit
        self.address_limit = address_limit
        self.window = window

    def close(self) -> None:
        self.db.close()

    # -- failed attempts -----------------------------------------------------------------------
    def lock_on(self, username: str, address: str) -> Lock | None:
        """The lock on this account or this address, if any (the later of the two)."""
        since = self.now() - self.window
        locks = [lock for lock in (self._lock("username", username, self.account_limit, since, "account"),
                                   self._lock("address", address, self.address_limit, since, "address"))
                 if lock is not None]
        return max(locks, key=lambda lock: lock.until) if locks else None

    def _lock(self, column: str, value: str, limit: int, since: float, by: str) -> Lock | None:
        rows, _ = self.db.execute(
            f"SELECT failed_at FROM login_failures WHERE {column} = ? AND failed_at > ? "
            "ORDER BY failed_at DESC LIMIT ?", (value[:LONGEST_NAME], since, limit))
        return Lock(float(rows[-1][0]) + self.window, by) if len(rows) >= limit else None

    def failed(self, username: str, address: str) -> Lock | None:
        """Record a failed attempt; the lock it brings on, if it is the one too many."""
        now = self.now()
        self.db.execute("INSERT INTO login_failures (username, address, failed_at) VALUES (?, ?, ?)",
                        (username[:LONGEST_NAME], address[:LONGEST_NAME], now))
        self.db.execute("DELETE FROM login_failures WHERE failed_at <= ?", (now - self.window,))
        return self.lock_on(username, address)

    def succeeded(self, username: str) -> None:
        """A successful login: the account's failures are forgotten."""
        self.db.execute("DELETE FROM login_failures WHERE username = ?", (username[:LONGEST_NAME],))

    def unlock(self, username: str) -> bool:
        """Forget the account's failures (an administrator lifts the lock, a password is reset);
        whether the account was locked."""
        try:
            locked = self._lock("username", username, self.account_limit, self.now() - self.window,
                                "account") is not None
            self.succeeded(username)
        except Exception as error:
            if _missing_table(error):
                return False
            raise
        return locked

    def account_locks(self, usernames: Iterable[str]) -> dict[str, Lock]:
        """The accounts among ``usernames`` that are locked, and until when."""
        wanted = {name[:LONGEST_NAME]: name for name in usernames}
        if not wanted:
            return {}
        rows, _ = self.db.execute(
            "SELECT username, failed_at FROM login_failures WHERE failed_at > ? ORDER BY username, failed_at DESC",
            (self.now() - self.window,))
        recent: dict[str, list[float]] = {}
        for username, failed_at in rows:
            if username in wanted:
                recent.setdefault(username, []).append(float(failed_at))
        return {wanted[name]: Lock(times[self.account_limit - 1] + self.window, "account")
                for name, times in recent.items() if len(times) >= self.account_limit}

    # -- sessions ------------------------------------------------------------------------------
    def end_sessions(self, username: str) -> int:
        """Delete every web session logged in as ``username``; how many there were."""
        try:
            _, deleted = self.db.execute("DELETE FROM web_sessions WHERE username = ?", (username,))
        except Exception as error:
            if _missing_table(error):
                return 0
            raise
        return max(deleted, 0)


__all__ = ["Lock", "Logins", "ACCOUNT_LIMIT", "ADDRESS_LIMIT", "WINDOW"]
