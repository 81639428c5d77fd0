"""Where the read models live: the event store's own database, through the library's tracking
recorder, so a read-model write and the position it records commit in one transaction.

The schema comes from ``migrations/`` (applied with yoyo-migrations); the SQL here is written
once, with ``?`` placeholders, and adapted for PostgreSQL.
"""

from __future__ import annotations

import fcntl
import threading
import time
import weakref
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence
from urllib.parse import quote

from eventsourcing.persistence import Tracking
from eventsourcing.postgres import PostgresTrackingRecorder
from eventsourcing.sqlite import SQLiteTrackingRecorder
from yoyo import get_backend, read_migrations

from projections import workdays


def _migrations_folder() -> Path:
    """The SQL migrations: in an installed wheel ``duban/migrations`` (pyproject.toml maps the
    tree's top-level ``migrations/`` there), in the source tree ``migrations/`` itself."""
    import duban

    for folder in (Path(duban.__file__).resolve().parent / "migrations",
                   Path(__file__).resolve().parent.parent / "migrations"):
        if (folder / "0001_ledger.sql").is_file():
            return folder
    raise FileNotFoundError("the read-model migrations (0001_ledger.sql …) are not installed")


MIGRATIONS = _migrations_folder()
READ_MODELS = "read_models"  # the tracking name: one position for every read model
TABLES = ("rm_assignments", "rm_unit_facts", "rm_inspections", "rm_ledger_history", "rm_ledger", "rm_portfolio",
          "rm_leaders", "rm_units", "rm_fact_totals", "rm_month_end", "rm_calendar_years", "rm_workdays",
          "rm_deadline_changes", "rm_accounts",
          "rm_messages", "rm_deliveries", "rm_record_activity", "rm_push_channels", "rm_reports", "rm_scheme_versions",
          "rm_behaviour", "rm_behaviour_track")
CALENDAR = "calendar"  # rm_meta: which official calendar data rm_workdays was filled from


class Sql:
    """A cursor inside one transaction, speaking one placeholder style."""

    def __init__(self, cursor: Any, postgres: bool) -> None:
        self._cursor = cursor
        self._postgres = postgres

    def execute(self, statement: str, params: Sequence[Any] = ()) -> "Sql":
        """Run ``statement`` (``?`` placeholders; ``{C}`` where text must sort by code point, as
        Python sorts it: PostgreSQL's ``COLLATE "C"``, SQLite's default)."""
        if self._postgres:
            statement = statement.replace("%", "%%").replace("?", "%s").replace("{C}", ' COLLATE "C"')
        else:
            statement = statement.replace("{C}", "")
        self._cursor.execute(statement, tuple(params))
        return self

    def insert_rows(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], *,
                    on_conflict: str = "") -> "Sql":
        """Insert many rows at once: PostgreSQL copies them in (COPY, through a temporary table when
        ``on_conflict`` says how to merge them, e.g. ``(key) DO UPDATE SET …``); SQLite runs one
        prepared statement over them."""
        if not rows:
            return self
        names = ", ".join(columns)
        if not self._postgres:
            marks = ", ".join("?" for _ in columns)
            suffix = f" ON CONFLICT {on_conflict}" if on_conflict else ""
            self._cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks}){suffix}", [tuple(r) for r in rows])
            return self
        target = table
        if on_conflict:
            target = f"incoming_{table}"
            self._cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS {target} (LIKE {table}) ON COMMIT DELETE ROWS")
        with self._cursor.copy(f"COPY {target} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        if on_conflict:
            self._cursor.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM {target}"
                                 f" ON CONFLICT {on_conflict}")
            self._cursor.execute(f"DELETE FROM {target}")
        return self

    def update_rows(self, table: str, keys: Sequence[str], columns: Sequence[str],
                    rows: Sequence[Sequence[Any]]) -> "Sql":
        """Set the text ``columns`` on the rows of ``table`` whose text ``keys`` match, one
        (*columns, *keys) tuple per change: on PostgreSQL one UPDATE … FROM unnest(arrays), each
        row found through the key's index; on SQLite one prepared statement over them."""
        if not rows:
            return self
        if not self._postgres:
            sets = ", ".join(f"{c} = ?" for c in columns)
            where = " AND ".join(f"{k} = ?" for k in keys)
            self._cursor.executemany(f"UPDATE {table} SET {sets} WHERE {where}", [tuple(r) for r in rows])
            return self
        names = [*columns, *keys]
        arrays = ", ".join("%s::text[]" for _ in names)
        sets = ", ".join(f"{c} = c.{c}" for c in columns)
        where = " AND ".join(f"{table}.{k} = c.{k}" for k in keys)
        self._cursor.execute(f"UPDATE {table} SET {sets} FROM unnest({arrays}) AS c({', '.join(names)}) WHERE {where}",
                             [list(values) for values in zip(*rows)])
        return self

    def rows(self) -> list[dict[str, Any]]:
        fetched = self._cursor.fetchall()
        return [dict(r) if not isinstance(r, dict) else r for r in fetched]

    def row(self) -> dict[str, Any] | None:
        fetched = self._cursor.fetchone()
        return None if fetched is None else (fetched if isinstance(fetched, dict) else dict(fetched))


class _ReadModelMixin:
    postgres = False
    datastore: Any

    @contextmanager
    def transaction(self, *, commit: bool = True) -> Iterator[Sql]:
        """A transaction on the store's database (the catch-up's writes, or reads that must agree)."""
        if not self.postgres:
            with self.datastore.transaction(commit=commit) as cursor:
                if commit:  # take the write lock first (waiting for it), so no later write finds the file moved on
                    cursor.execute("DELETE FROM rm_meta WHERE name = ''")
                yield Sql(cursor, False)
            return
        with self.datastore.get_connection() as connection:
            self._search_read_models(connection)
            with connection.transaction(force_rollback=not commit):
                yield Sql(connection.cursor(), True)

    @contextmanager
    def reading(self) -> Iterator[Sql]:
        """For queries: on PostgreSQL each statement on its own (no BEGIN/COMMIT round trips)."""
        if not self.postgres:
            with self.datastore.transaction(commit=False) as cursor:
                yield Sql(cursor, False)
            return
        with self.datastore.get_connection() as connection:
            self._search_read_models(connection)
            yield Sql(connection.cursor(), True)

    _configured: "weakref.WeakSet"

    def _search_read_models(self, connection: Any) -> None:
        """The read-model tables live in the store's schema: each pooled connection is told once."""
        configured = self.__dict__.setdefault("_configured", weakref.WeakSet())
        if connection not in configured:
            connection.execute(f"SET search_path TO {self.datastore.schema or 'public'}")
            configured.add(connection)

    def record_position(self, sql: Sql, notification_id: int) -> None:
        """Inside the read-model transaction: refuses (IntegrityError) a position not newer."""
        self._insert_tracking(sql._cursor, Tracking(READ_MODELS, notification_id))  # type: ignore[attr-defined]

    def position(self) -> int:
        return self.max_tracking_id(READ_MODELS) or 0  # type: ignore[attr-defined]

    def forget_position(self, sql: Sql) -> None:
        sql.execute(f"DELETE FROM {self.tracking_table} WHERE application_name = ?", (READ_MODELS,))

    @property
    def tracking_table(self) -> str:
        return "tracking"


class SQLiteReadModels(_ReadModelMixin, SQLiteTrackingRecorder):
    pass


class PostgresReadModels(_ReadModelMixin, PostgresTrackingRecorder):
    postgres = True

    @property
    def tracking_table(self) -> str:
        return self.tracking_table_name


def migration_uri(env) -> str:
    """The yoyo URI of the event store's database (``env``: the store's settings)."""
    if env.get("PERSISTENCE_MODULE") == "eventsourcing.postgres":
        user = quote(env.get("POSTGRES_USER", "postgres"))
        password = env.get("POSTGRES_PASSWORD")
        auth = f"{user}:{quote(password)}" if password else user
        uri = (f"postgresql+psycopg://{auth}@{env.get('POSTGRES_HOST', '127.0.0.1')}:"
               f"{env.get('POSTGRES_PORT', '5432')}/{env.get('POSTGRES_DBNAME')}")
        schema = env.get("POSTGRES_SCHEMA")
        return f"{uri}?schema={schema}" if schema else uri
    return f"sqlite:///{Path(env.get('SQLITE_DBNAME')).resolve()}"


REBUILD_MARK = "-- rebuild: read models"  # in a migration that changes what projectors write


_MIGRATING = threading.Lock()  # one migration run at a time in this process
SETUP_LOCK_SECONDS = 120.0  # how long a starting process waits for another one's set-up


class SetupLockTimeout(RuntimeError):
    """Another process held the set-up lock for longer than a set-up takes."""


@contextmanager
def setup_lock(env, timeout: float | None = None) -> Iterator[None]:
    """One process at a time creates tables and applies migrations (web workers and the worker
    start together): a PostgreSQL advisory lock, or an exclusive file lock beside the SQLite file.
    Both belong to the process's connection or open file, so a process killed while holding one
    releases it; a wait longer than ``timeout`` seconds (DUBAN_SETUP_LOCK_SECONDS, default 120)
    ends in :class:`SetupLockTimeout` naming the holder, instead of hanging."""
    if timeout is None:
        timeout = float(env.get("DUBAN_SETUP_LOCK_SECONDS") or SETUP_LOCK_SECONDS)
    deadline = time.monotonic() + timeout
    if not _MIGRATING.acquire(timeout=timeout):
        raise SetupLockTimeout(f"this process's database set-up has been held for over {timeout:g} s")
    try:
        with _setup_lock_between_processes(env, timeout, deadline):
            yield
    finally:
        _MIGRATING.release()


@contextmanager
def _setup_lock_between_processes(env, timeout: float, deadline: float) -> Iterator[None]:
    if env.get("PERSISTENCE_MODULE") == "eventsourcing.postgres":
        import psycopg

        with psycopg.connect(dbname=env.get("POSTGRES_DBNAME"), host=env.get("POSTGRES_HOST", "127.0.0.1"),
                             port=int(env.get("POSTGRES_PORT", "5432")), user=env.get("POSTGRES_USER", "postgres"),
                             password=env.get("POSTGRES_PASSWORD") or None, autocommit=True) as connection:
            key = f"duban-migrations:{env.get('POSTGRES_SCHEMA') or 'public'}"
            while not connection.execute("SELECT pg_try_advisory_lock(hashtext(%s))", (key,)).fetchone()[0]:
                if time.monotonic() > deadline:
                    holder = connection.execute(
                        "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted "
                        "AND objid = (hashtext(%s)::bigint & 4294967295)::oid", (key,)).fetchone()
                    raise SetupLockTimeout(
                        f"the database set-up lock {key!r} has been held for over {timeout:g} s "
                        f"by PostgreSQL backend {holder[0] if holder else '?'}")
                time.sleep(0.1)
            try:
                yield
            finally:
                connection.execute("SELECT pg_advisory_unlock(hashtext(%s))", (key,))
    elif env.get("PERSISTENCE_MODULE") != "eventsourcing.sqlite" or ":memory:" in (env.get("SQLITE_DBNAME") or ""):
        yield  # a store in memory belongs to this process alone
    else:
        path = f"{env.get('SQLITE_DBNAME')}.migrate.lock"
        with open(path, "a") as handle:
            while True:
                try:
                    fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise SetupLockTimeout(f"the set-up lock {path} has been held for over {timeout:g} s") from None
                    time.sleep(0.1)
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def migrate(env) -> list[str]:
    """Apply the pending migrations; returns the ids of those applied."""
    with setup_lock(env):
        return _apply_migrations(env)


_READ: dict[tuple, Any] = {}  # the migrations as yoyo read them, by the folder's files and their times


def _read_migrations():
    """The migrations in ``MIGRATIONS``, parsed once per process while their files stay as they are
    (yoyo splits each file's SQL statement by statement: over half a second for each store opened)."""
    key = tuple(sorted((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in MIGRATIONS.glob("*.sql")))
    if key not in _READ:
        _READ.clear()
        _READ[key] = read_migrations(str(MIGRATIONS))
    return _READ[key]


def _apply_migrations(env) -> list[str]:
    backend = get_backend(migration_uri(env))
    try:
        migrations = _read_migrations()
        # yoyo's own lock is a row: a process killed holding it left it behind, and every later
        # start waited for it and failed.  Under setup_lock no other process migrates, so a row
        # still there is such a leftover.
        backend.break_lock()
        with backend.lock():
            pending = backend.to_apply(migrations)
            backend.apply_migrations(pending)
        return [m.id for m in pending]
    finally:
        backend.connection.close()


def refresh_statistics(read_models) -> None:
    """After a large catch-up (a rebuild, a long backlog): tell the database's planner what the read
    models hold now (ANALYZE), so the first pages after it get plans made for their sizes.  The rows
    the batches replaced are left to PostgreSQL's autovacuum (on by default): a VACUUM right after a
    bulk load rewrites every page it touches and added a third to a rebuild's time."""
    with read_models.transaction(commit=True) as sql:
        sql.execute(f"ANALYZE {', '.join(TABLES)}" if read_models.postgres else "ANALYZE")


def analyze(read_models, tables: Iterable[str]) -> None:
    """Refresh the planner's statistics of ``tables`` (PostgreSQL; SQLite's lookups here are by
    key whatever its statistics say, and its ANALYZE reads whole tables)."""
    if read_models.postgres:
        with read_models.transaction(commit=True) as sql:
            sql.execute(f"ANALYZE {', '.join(tables)}")


def needs_rebuild(applied: list[str]) -> bool:
    """Whether one of the migrations just applied asks for the read models to be rebuilt: rows
    projected before it lack what it added, and only replaying the events fills them in.  A new
    database (nothing projected yet) loses nothing by the rebuild."""
    return any(REBUILD_MARK in (MIGRATIONS / f"{mid}.sql").read_text(encoding="utf-8") for mid in applied
               if (MIGRATIONS / f"{mid}.sql").exists())


def reset(read_models) -> None:
    """Empty every read model and forget the position, in one transaction: the next catch-up
    replays every event (the working-day table starts again from the official calendar)."""
    workdays.base_days()  # read before the transaction: the first time takes seconds, past PostgreSQL's idle timeout
    with read_models.transaction(commit=True) as sql:
        if read_models.postgres:
            sql.execute(f"TRUNCATE {', '.join(TABLES)}")  # all of it at once, inside the transaction
        else:
            for table in TABLES:
                sql.execute(f"DELETE FROM {table}")
        _fill_calendar(sql)
        read_models.forget_position(sql)


def _fill_calendar(sql: Sql) -> None:
    workdays.fill(sql)
    sql.execute("DELETE FROM rm_meta WHERE name = ?", (CALENDAR,))
    sql.execute("INSERT INTO rm_meta (name, value) VALUES (?, ?)", (CALENDAR, workdays.calendar_version()))


def _calendar_current(read_models) -> bool:
    """Whether rm_workdays was filled from the official calendar data installed now."""
    with read_models.reading() as sql:
        found = sql.execute("SELECT value FROM rm_meta WHERE name = ?", (CALENDAR,)).row()
    return found is not None and found["value"] == workdays.calendar_version()


def open_read_models(store, *, writer: bool = True) -> SQLiteReadModels | PostgresReadModels:
    """The read-model recorder on the event store's database, its schema brought up to date.  The
    writer (the one process that catches up) also empties the rows for a full replay when a
    migration asks for a rebuild or the official calendar data changed; readers never write."""
    env = store.env
    module = env.get("PERSISTENCE_MODULE") or ""
    if "postgres" in module:
        recorder_class = PostgresReadModels
    elif "sqlite" in module:
        recorder_class = SQLiteReadModels
    else:
        raise ValueError("read models need the SQLite or PostgreSQL store")
    with setup_lock(env):  # the schema, and the writer's first fill, once even when processes start together
        applied = _apply_migrations(env)
        read_models = store.factory.tracking_recorder(recorder_class)
        if writer and (needs_rebuild(applied) or not _calendar_current(read_models)):
            reset(read_models)  # new official calendar data can move any working-day count: replay all
    return read_models
