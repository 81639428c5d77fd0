"""Web sessions (登录会话) in the event store's own database.

litestar's server-side sessions keep each session's data in a ``Store`` under a random id that
the ``duban_session`` cookie carries.  ``DatabaseSessionStore`` is that store on the table
``web_sessions`` (migration 0007) of the database the events live in, so a login survives a
restart of the web process and every web worker answers for every session.  It is not a read
model: rebuilding the read models leaves it alone.

Each call is one statement on an indexed key, run in a worker thread so that a database that
is slow to answer (SQLite waiting for a writer, PostgreSQL across the network) never holds up
the event loop.  PostgreSQL goes through a small ``psycopg_pool`` pool of its own, SQLite
through its own ``sqlite3`` connections with a busy timeout (the file is in WAL mode).

litestar writes the session back at the end of every request (``ServerSideSessionBackend``
calls ``Store.set`` on every response, which also pushes the expiry forward: an idle timeout).
``set`` skips that write when the row already holds the same bytes and its expiry would move
by less than ``touch_after`` seconds, as far as this process last read or wrote the row: a page
view costs one indexed SELECT, and the idle timeout is kept to within ``touch_after``.

Expired rows are refused when read and deleted then; every ``sweep_every`` seconds a write
also deletes every expired row (an index on ``expires_at``).

Each row also names the account it is logged in as (``owner``, column ``username``, migration
0008), so that ending an account's logins (``duban.logins.Logins.end_sessions``: a password reset,
a disabled account) is one DELETE.  A session that was already stored is written back with
``existing_only``: an UPDATE, never an INSERT, so a request still under way when its session was
ended elsewhere does not bring it back.
"""

from __future__ import annotations

import queue
import sqlite3
import threading
import time
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Callable, Mapping, Sequence

import anyio.to_thread
import structlog
from litestar.stores.base import Store

if TYPE_CHECKING:
    from duban.application import Duban

log = structlog.get_logger("duban.sessions")

Row = tuple[Any, ...]


class _SQLite:
    """Connections of our own to the store's SQLite file, one per thread at a time."""

    def __init__(self, path: str, busy_timeout: float) -> None:
        self._path = path
        self._busy_timeout = busy_timeout
        self._idle: queue.SimpleQueue[sqlite3.Connection] = queue.SimpleQueue()

    def execute(self, statement: str, params: Sequence[Any] = ()) -> tuple[list[Row], int]:
        try:
            connection = self._idle.get_nowait()
        except queue.Empty:
            # autocommit (isolation_level=None): each statement is its own transaction
            connection = sqlite3.connect(self._path, timeout=self._busy_timeout, isolation_level=None,
                                         check_same_thread=False)
        try:
            cursor = connection.execute(statement, tuple(params))
            rows, count = cursor.fetchall(), cursor.rowcount
        except BaseException:
            connection.close()
            raise
        self._idle.put(connection)
        return rows, count

    def close(self) -> None:
        while True:
            try:
                self._idle.get_nowait().close()
            except queue.Empty:
                return


class _Postgres:
    """A small connection pool of our own, its search_path set to the store's schema."""

    def __init__(self, env: Mapping[str, str], max_size: int) -> None:
        self._env = env
        self._max_size = max_size
        self._pool: Any = None
        self._lock = threading.Lock()

    def _open(self) -> Any:
        from psycopg import sql
        from psycopg.conninfo import make_conninfo
        from psycopg_pool import ConnectionPool

        with self._lock:
            if self._pool is None:
                env = self._env
                schema = env.get("POSTGRES_SCHEMA")

                def configure(connection) -> None:
                    if schema:
                        connection.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(schema)))

                conninfo = make_conninfo(
                    host=env.get("POSTGRES_HOST", "127.0.0.1"), port=env.get("POSTGRES_PORT", "5432"),
                    dbname=env.get("POSTGRES_DBNAME"), user=env.get("POSTGRES_USER", "postgres"),
                    password=env.get("POSTGRES_PASSWORD") or None,
                    connect_timeout=env.get("POSTGRES_CONNECT_TIMEOUT", "5"), application_name="duban-sessions")
                self._pool = ConnectionPool(conninfo, kwargs={"autocommit": True}, configure=configure,
                                            min_size=1, max_size=self._max_size, timeout=10,
                                            name="duban-sessions", open=True)
            return self._pool

    def execute(self, statement: str, params: Sequence[Any] = ()) -> tuple[list[Row], int]:
        from psycopg import OperationalError

        pool = self._pool or self._open()
        statement = statement.replace("?", "%s")
        try:
            return self._execute(pool, statement, params)
        except OperationalError as error:  # a connection dropped (a server restart): every statement here may be repeated
            log.warning("sessions.retry", error=str(error))
            return self._execute(pool, statement, params)

    @staticmethod
    def _execute(pool: Any, statement: str, params: Sequence[Any]) -> tuple[list[Row], int]:
        with pool.connection() as connection:
            cursor = connection.execute(statement, tuple(params))
            return (cursor.fetchall() if cursor.description else []), cursor.rowcount

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.close()


def open_database(env: Mapping[str, str], *, pool_size: int = 4,
                  busy_timeout: float = 5.0) -> _SQLite | _Postgres:
    """Connections of our own to the event store's database (``env``: the store's settings), for
    the tables beside the events that are no read model (web sessions, failed logins)."""
    module = env.get("PERSISTENCE_MODULE") or ""
    if "postgres" in module:
        return _Postgres(env, pool_size)
    if "sqlite" in module:
        return _SQLite(str(env["SQLITE_DBNAME"]), busy_timeout)
    raise ValueError("web sessions need the SQLite or PostgreSQL store")


def _seconds(span: int | float | timedelta) -> float:
    return span.total_seconds() if isinstance(span, timedelta) else float(span)


class DatabaseSessionStore(Store):
    """litestar's key/value ``Store`` on the table ``web_sessions`` of the event store's database
    (``env``: the store's settings, as ``Duban.env``).  Values are bytes; expiry in seconds.
    ``db``: connections to share (``open_database``), else the store opens its own."""

    def __init__(self, env: Mapping[str, str], *, touch_after: float = 300, sweep_every: float = 600,
                 now: Callable[[], float] = time.time, busy_timeout: float = 5.0, pool_size: int = 4,
                 remembered: int = 10_000, db: _SQLite | _Postgres | None = None) -> None:
        self._db: _SQLite | _Postgres = db or open_database(env, pool_size=pool_size, busy_timeout=busy_timeout)
        self._touch_after = touch_after
        self._sweep_every = sweep_every
        self._now = now
        self._next_sweep = now() + sweep_every
        # key -> (data, expires_at) as this process last read or wrote the row (bounded)
        self._seen: dict[str, tuple[bytes, float | None]] = {}
        self._seen_lock = threading.Lock()
        self._remembered = remembered

    # -- the Store interface -----------------------------------------------------------------
    async def set(self, key: str, value: str | bytes, expires_in: int | timedelta | None = None, *,
                  owner: str | None = None, existing_only: bool = False) -> None:
        """Store ``value`` under ``key``; ``owner``: the account the session is logged in as;
        ``existing_only``: only if the row is still there (a session loaded at the start of the
        request, perhaps ended since)."""
        data = value.encode("utf-8") if isinstance(value, str) else bytes(value)
        now = self._now()
        expires_at = now + _seconds(expires_in) if expires_in else None
        if self._unchanged(key, data, expires_at):
            return
        sweep = now >= self._next_sweep
        if sweep:
            self._next_sweep = now + self._sweep_every
        written = await anyio.to_thread.run_sync(self._write, key, data, expires_at, now if sweep else None, owner,
                                                 existing_only)
        self._remember(key, (data, expires_at) if written else None)

    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None:
        found = await anyio.to_thread.run_sync(self._read, key, self._now(), renew_for)
        self._remember(key, found)
        return None if found is None else found[0]

    async def delete(self, key: str) -> None:
        await anyio.to_thread.run_sync(self._db.execute, "DELETE FROM web_sessions WHERE session_key = ?", (key,))
        self._remember(key, None)

    async def delete_all(self) -> None:
        await anyio.to_thread.run_sync(self._db.execute, "DELETE FROM web_sessions")
        with self._seen_lock:
            self._seen.clear()

    async def exists(self, key: str) -> bool:
        return await self.get(key) is not None

    async def expires_in(self, key: str) -> int | None:
        now = self._now()
        found = await anyio.to_thread.run_sync(self._read, key, now, None)
        if found is None or found[1] is None:
            return None
        return int(found[1] - now)

    async def __aexit__(self, *exc_info: object) -> None:
        """The application's lifespan ends: give the connections back (reopened on next use)."""
        await anyio.to_thread.run_sync(self.close)

    def close(self) -> None:
        self._db.close()

    # -- in a worker thread ---------------------------------------------------------------------
    def _read(self, key: str, now: float, renew_for: int | timedelta | None) -> tuple[bytes, float | None] | None:
        rows, _ = self._db.execute("SELECT data, expires_at FROM web_sessions WHERE session_key = ?", (key,))
        if not rows:
            return None
        data, expires_at = bytes(rows[0][0]), rows[0][1]
        if expires_at is not None and expires_at <= now:
            self._db.execute("DELETE FROM web_sessions WHERE session_key = ? AND expires_at <= ?", (key, now))
            return None
        if renew_for and expires_at is not None:
            expires_at = now + _seconds(renew_for)
            self._db.execute("UPDATE web_sessions SET expires_at = ? WHERE session_key = ?", (expires_at, key))
        return data, expires_at

    def _write(self, key: str, data: bytes, expires_at: float | None, sweep_before: float | None,
               owner: str | None = None, existing_only: bool = False) -> bool:
        if existing_only:
            _, updated = self._db.execute(
                "UPDATE web_sessions SET data = ?, expires_at = ?, username = ? WHERE session_key = ?",
                (data, expires_at, owner, key))
            written = updated > 0
        else:
            self._db.execute(
                "INSERT INTO web_sessions (session_key, data, expires_at, username) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (session_key) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at, "
                "username = excluded.username",
                (key, data, expires_at, owner))
            written = True
        if sweep_before is not None:
            _, deleted = self._db.execute("DELETE FROM web_sessions WHERE expires_at <= ?", (sweep_before,))
            if deleted > 0:
                log.info("sessions.expired_deleted", sessions=deleted)
        return written

    # -- what this process knows of a row --------------------------------------------------------
    def _unchanged(self, key: str, data: bytes, expires_at: float | None) -> bool:
        """Whether the row already says this (same bytes, expiry at most ``touch_after`` behind)."""
        with self._seen_lock:
            seen = self._seen.get(key)
        if seen is None or seen[0] != data:
            return False
        if expires_at is None or seen[1] is None:
            return expires_at is None and seen[1] is None
        return 0 <= expires_at - seen[1] < self._touch_after

    def _remember(self, key: str, row: tuple[bytes, float | None] | None) -> None:
        with self._seen_lock:
            self._seen.pop(key, None)
            if row is None:
                return
            self._seen[key] = row
            if len(self._seen) > self._remembered:
                self._seen.pop(next(iter(self._seen)))


def open_session_store(app: Duban) -> DatabaseSessionStore:
    """The session store on ``app``'s database (the connections ``app.logins`` uses), closed with it."""
    store = DatabaseSessionStore(app.env, db=app.logins.db)
    app.on_close(store.close)
    return store
