"""Where the events live: an embedded SQLite file by default, PostgreSQL with DATABASE_URL."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Mapping
from urllib.parse import unquote, urlparse

from domain.evidence import MB, EvidenceLimits

DEFAULT_SQLITE_PATH = Path("var") / "duban.sqlite3"
SQLITE_LOCK_TIMEOUT = "5"  # seconds
# PostgreSQL connections per process: POOL_SIZE kept open, up to MAX_OVERFLOW more under load.  A
# web process runs up to 40 request threads (anyio's default), but each holds a connection for
# one statement or transaction only, so the others wait for one briefly: up to
# POSTGRES_CONNECT_TIMEOUT seconds, which eventsourcing passes to psycopg_pool as that wait.
# ``?pool_size=&max_overflow=`` in DATABASE_URL change them (several web workers share the
# server's max_connections, 100 by default).
POSTGRES_POOL_SIZE = "5"
POSTGRES_MAX_OVERFLOW = "10"


def store_env(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The eventsourcing settings for the configured store.

    ``DATABASE_URL=postgresql://user:pass@host:5432/db?schema=name`` selects PostgreSQL (also
    ``pool_size``, ``max_overflow``: its connection pool);
    otherwise ``DUBAN_DB`` (default ``var/duban.sqlite3``) names the SQLite file, created on
    first use with its folder.
    """
    environ = os.environ if environ is None else environ
    url = environ.get("DATABASE_URL", "").strip()
    if url:
        return postgres_env(url)
    path = Path(environ.get("DUBAN_DB") or DEFAULT_SQLITE_PATH)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Writers wait rather than fail with "database is locked": in one process eventsourcing's pool
    # hands out one writing connection at a time (the others wait for it, up to 5 s); a writer in
    # another process is waited for up to SQLITE_LOCK_TIMEOUT seconds (SQLite's busy timeout).
    return {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(path),
            "SQLITE_LOCK_TIMEOUT": SQLITE_LOCK_TIMEOUT}


def postgres_env(url: str) -> dict[str, str]:
    parsed = urlparse(url)
    if parsed.scheme not in ("postgres", "postgresql"):
        raise ValueError(f"DATABASE_URL must start with postgresql://, got {parsed.scheme!r}")
    query = dict(p.split("=", 1) for p in parsed.query.split("&") if "=" in p)
    env = {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": (parsed.path or "/").lstrip("/") or "postgres",
        "POSTGRES_HOST": parsed.hostname or "127.0.0.1",
        "POSTGRES_PORT": str(parsed.port or 5432),
        "POSTGRES_USER": unquote(parsed.username or "postgres"),
        "POSTGRES_PASSWORD": unquote(parsed.password or ""),
        "POSTGRES_CONNECT_TIMEOUT": "5",
        "POSTGRES_POOL_SIZE": query.get("pool_size", POSTGRES_POOL_SIZE),
        "POSTGRES_MAX_OVERFLOW": query.get("max_overflow", POSTGRES_MAX_OVERFLOW),
    }
    if "schema" in query:
        env["POSTGRES_SCHEMA"] = query["schema"]
    return env


# Evidence files (证明材料): how large one file may be, and the files of one step together (a report,
# a finding, a verification).  ``DUBAN_EVIDENCE_FILE_MB`` and ``DUBAN_EVIDENCE_STEP_MB`` change them.
EVIDENCE_FILE_MB = 20
EVIDENCE_STEP_MB = 100


def evidence_limits(environ: Mapping[str, str] | None = None) -> EvidenceLimits:
    """The size limits of evidence files (megabytes in the environment, bytes in the answer)."""
    environ = os.environ if environ is None else environ

    def megabytes(name: str, default: int) -> int:
        text = (environ.get(name) or "").strip()
        try:
            value = float(text) if text else default
        except ValueError:
            raise ValueError(f"{name} must be a number of megabytes, got {text!r}") from None
        if value <= 0:
            raise ValueError(f"{name} must be more than 0, got {text!r}")
        return int(value * MB)

    return EvidenceLimits(file_bytes=megabytes("DUBAN_EVIDENCE_FILE_MB", EVIDENCE_FILE_MB),
                          step_bytes=megabytes("DUBAN_EVIDENCE_STEP_MB", EVIDENCE_STEP_MB))


def secure_cookies(environ: Mapping[str, str] | None = None) -> bool:
    """``DUBAN_SECURE_COOKIES=1`` behind HTTPS: cookies only travel over HTTPS."""
    environ = os.environ if environ is None else environ
    return environ.get("DUBAN_SECURE_COOKIES", "").lower() in ("1", "true", "yes")


def describe(env: Mapping[str, str]) -> str:
    if env.get("PERSISTENCE_MODULE") == "eventsourcing.postgres":
        schema = env.get("POSTGRES_SCHEMA")
        where = f"{env['POSTGRES_HOST']}:{env['POSTGRES_PORT']}/{env['POSTGRES_DBNAME']}"
        return f"PostgreSQL {where}" + (f" (schema {schema})" if schema else "")
    return f"SQLite {env.get('SQLITE_DBNAME')}"
