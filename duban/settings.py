"""Where the events live: an embedded SQLite file by default, PostgreSQL with DATABASE_URL."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Mapping
from urllib.parse import unquote, urlparse

DEFAULT_SQLITE_PATH = Path("var") / "duban.sqlite3"


def store_env(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The eventsourcing settings for the configured store.

    ``DATABASE_URL=postgresql://user:pass@host:5432/db?schema=name`` selects PostgreSQL;
    otherwise ``DUBAN_DB`` (default ``var/duban.sqlite3``) names the SQLite file, created on
    first use with its folder.
    """
    environ = os.environ if environ is None else environ
    url = environ.get("DATABASE_URL", "").strip()
    if url:
        return postgres_env(url)
    path = Path(environ.get("DUBAN_DB") or DEFAULT_SQLITE_PATH)
    path.parent.mkdir(parents=True, exist_ok=True)
    return {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(path)}


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
    }
    if "schema" in query:
        env["POSTGRES_SCHEMA"] = query["schema"]
    return env


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
