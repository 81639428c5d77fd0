"""Helpers for tests that start duban as separate processes (`duban serve`, `duban worker`)."""

from __future__ import annotations

import socket


def free_port() -> int:
    """A TCP port nobody listens on now (for a server the test starts)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def cli_env(store_env: dict) -> dict:
    """The environment that points the command line at the store ``store_env`` describes."""
    if store_env["PERSISTENCE_MODULE"] == "eventsourcing.sqlite":
        return {"DUBAN_DB": store_env["SQLITE_DBNAME"], "DATABASE_URL": ""}
    user, host, port, db = (store_env[k] for k in ("POSTGRES_USER", "POSTGRES_HOST", "POSTGRES_PORT",
                                                     "POSTGRES_DBNAME"))
    return {"DATABASE_URL": f"postgresql://{user}@{host}:{port}/{db}?schema={store_env['POSTGRES_SCHEMA']}"}
