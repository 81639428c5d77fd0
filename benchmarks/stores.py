"""Where a benchmark's data live: a PostgreSQL schema or a SQLite file, kept for reuse or thrown away.

A ``Location`` names one database (the event store of a history, or the CRUD baseline's tables)
and gives the settings each consumer needs: ``env`` for ``Duban(env=…)``, ``server_env`` for a
``duban`` subprocess (``DATABASE_URL=…?schema=…`` or ``DUBAN_DB=…``) and ``connect()`` for plain
DB-API access.  A location that is complete carries a marker table (``bench_history_complete``)
holding a JSON description, written last: a kept location without it is half-built and is
rebuilt from scratch.
"""

from __future__ import annotations

import json
import shutil
import signal
import sqlite3
import sys
import tempfile
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable
from urllib.parse import parse_qsl, urlencode, urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from duban.settings import postgres_env  # noqa: E402

MARKER = "bench_history_complete"
EVENT_TABLES = {"postgres": "duban_events", "sqlite": "stored_events"}  # eventsourcing's table names


def with_query(url: str, **params: str) -> str:
    """``url`` with query parameters added or replaced."""
    parsed = urlparse(url)
    query = dict(parse_qsl(parsed.query))
    query.update(params)
    return urlunparse(parsed._replace(query=urlencode(query)))


def plain_url(url: str) -> str:
    """A PostgreSQL URL without duban's own ``schema`` parameter (what psycopg accepts)."""
    parsed = urlparse(url)
    query = [(k, v) for k, v in parse_qsl(parsed.query) if k != "schema"]
    return urlunparse(parsed._replace(query=urlencode(query)))


def postgres_problem(url: str) -> str | None:
    """Why PostgreSQL at ``url`` cannot be used, or None."""
    try:
        import psycopg

        with psycopg.connect(plain_url(url), connect_timeout=3) as conn:
            conn.execute("select 1")
    except Exception as error:  # noqa: BLE001 - any failure means "not reachable"
        return f"{error.__class__.__name__}: {error}".strip()
    return None


@dataclass
class Location:
    kind: str  # "postgres" or "sqlite"
    name: str  # the schema, or the SQLite file's path
    pg_url: str = ""

    # -- settings for the consumers ------------------------------------------------------------
    @property
    def env(self) -> dict[str, str]:
        if self.kind == "postgres":
            return {**postgres_env(plain_url(self.pg_url)), "POSTGRES_SCHEMA": self.name}
        return {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": self.name}

    @property
    def server_env(self) -> dict[str, str]:
        if self.kind == "postgres":
            return {"DATABASE_URL": with_query(plain_url(self.pg_url), schema=self.name)}
        return {"DUBAN_DB": self.name}

    def describe(self) -> str:
        if self.kind == "postgres":
            parsed = urlparse(self.pg_url)
            return f"PostgreSQL {parsed.hostname}:{parsed.port or 5432}{parsed.path} schema {self.name}"
        return f"SQLite {self.name}"

    def connect(self):
        """A DB-API connection (not autocommit) whose unqualified names are this location's."""
        if self.kind == "postgres":
            import psycopg

            conn = psycopg.connect(plain_url(self.pg_url))
            conn.execute(f"SET search_path TO {self.name}")
            conn.commit()
            return conn
        return sqlite3.connect(self.name, timeout=60, check_same_thread=False)

    @property
    def placeholder(self) -> str:
        return "%s" if self.kind == "postgres" else "?"

    # -- life cycle --------------------------------------------------------------------------------
    def exists(self) -> bool:
        if self.kind == "sqlite":
            return Path(self.name).exists()
        import psycopg

        with psycopg.connect(plain_url(self.pg_url), autocommit=True) as conn:
            return conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (self.name,)).fetchone() is not None

    def create(self) -> None:
        if self.kind == "sqlite":
            Path(self.name).parent.mkdir(parents=True, exist_ok=True)
            return
        import psycopg

        with psycopg.connect(plain_url(self.pg_url), autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA IF NOT EXISTS {self.name}")

    def drop(self) -> None:
        if self.kind == "sqlite":
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{self.name}{suffix}").unlink(missing_ok=True)
            return
        import psycopg

        with psycopg.connect(plain_url(self.pg_url), autocommit=True, connect_timeout=5) as conn:
            conn.execute("SET lock_timeout = '60s'")
            conn.execute(f"DROP SCHEMA IF EXISTS {self.name} CASCADE")

    def marker(self) -> dict[str, Any] | None:
        """The description written when this location was completed, or None."""
        if not self.exists():
            return None
        conn = self.connect()
        try:
            row = conn.execute(f"SELECT description FROM {MARKER}").fetchone()
        except Exception:  # noqa: BLE001 - no marker table: not complete
            return None
        finally:
            conn.close()
        return json.loads(row[0]) if row else None

    def mark_complete(self, description: dict[str, Any]) -> None:
        conn = self.connect()
        try:
            conn.execute(f"CREATE TABLE IF NOT EXISTS {MARKER} (description TEXT NOT NULL)")
            conn.execute(f"DELETE FROM {MARKER}")
            conn.execute(f"INSERT INTO {MARKER} (description) VALUES ({self.placeholder})",
                         (json.dumps(description, ensure_ascii=False),))
            conn.commit()
        finally:
            conn.close()

    def count_events(self) -> int:
        """Stored events (rows of the event store's table)."""
        conn = self.connect()
        try:
            return int(conn.execute(f"SELECT COUNT(*) FROM {EVENT_TABLES[self.kind]}").fetchone()[0])
        finally:
            conn.close()


def crud_location(history: Location) -> Location:
    """The CRUD baseline's own schema / file beside a history."""
    if history.kind == "postgres":
        return Location("postgres", f"{history.name}_crud", history.pg_url)
    path = Path(history.name)
    return Location("sqlite", str(path.with_name(f"{path.stem}-crud{path.suffix}")))


# -- cleaning up, even on error or Ctrl-C ----------------------------------------------------------
@dataclass
class Cleanup:
    """Undo actions run in reverse order (subprocesses stopped, schemas dropped, folders removed)."""

    actions: list[tuple[str, Callable[[], None]]] = field(default_factory=list)

    def add(self, label: str, action: Callable[[], None]) -> None:
        self.actions.append((label, action))

    def temporary_folder(self) -> Path:
        folder = Path(tempfile.mkdtemp(prefix="duban-bench-"))
        self.add(f"remove {folder}", lambda: shutil.rmtree(folder, ignore_errors=True))
        return folder

    def run(self) -> None:
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not stop the clean-up
        try:
            while self.actions:
                label, action = self.actions.pop()
                try:
                    action()
                except Exception as error:  # noqa: BLE001 - report and go on with the others
                    print(f"!! clean-up failed ({label}): {error}", file=sys.stderr)
                    traceback.print_exc(limit=2)
        finally:
            signal.signal(signal.SIGINT, previous)


def terminate_on_sigterm() -> None:
    """SIGTERM unwinds like Ctrl-C, so ``finally`` blocks clean up (and Ctrl-C does, even when the
    benchmark was started in the background, where SIGINT starts out ignored)."""
    def handler(signum, frame):  # noqa: ARG001
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, signal.default_int_handler)
