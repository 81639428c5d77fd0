"""Helpers for tests that start duban as separate processes (`duban serve`, `duban worker`)."""

from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest
from web_helpers import login


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


def wait_until_serving(url: str, process: subprocess.Popen, seconds: float = 60, *,
                       output: Path | None = None) -> httpx.Response:
    """The answer at ``url`` once the server ``process`` answers it with 200; fails the test if the
    process stops first or ``seconds`` pass (with the end of its ``output`` file, or of its stdout)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            answer = httpx.get(url, timeout=2)
            if answer.status_code == 200:
                return answer
        except httpx.HTTPError:
            pass
        stopped = process.poll() is not None
        if stopped or time.monotonic() > deadline:
            if not stopped:
                process.kill()
            printed = output.read_text(encoding="utf-8") if output else (process.stdout.read() if process.stdout else "")
            pytest.fail(f"{url} did not answer ({'the process stopped' if stopped else f'{seconds} s passed'}): "
                        f"{printed[-2000:]}", pytrace=False)
        time.sleep(0.2)


def logged_in(base: str, username: str, password: str) -> httpx.Client:
    """An HTTP client logged in to the server at ``base`` through its login form, as a browser
    would (the form's CSRF token, the session cookie); fails the test if the login is refused."""
    client = httpx.Client(base_url=base, timeout=20)
    answer = login(client, username, password)  # the same form post as the in-process web tests'
    if answer.status_code not in (302, 303) or "/login" in answer.headers.get("location", "/login"):
        client.close()
        pytest.fail(f"{username} could not log in at {base}: {answer.status_code} {answer.text[:300]}", pytrace=False)
    return client
