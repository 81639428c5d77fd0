"""Processes starting together on one database (web workers, the worker, a command-line run), on
both stores: each comes up; a set-up lock left by a killed process does not stop the next start;
a set-up lock held too long ends in a clear error instead of a hang."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from duban.application import Duban
from projections.database import SetupLockTimeout
from projections.read_side import ReadSide

pytestmark = [pytest.mark.storage, pytest.mark.empty_store]  # the set-up itself: no template (tests/conftest.py)

START = """
import json, sys
from duban.application import Duban
from projections.read_side import ReadSide
app = Duban(env=json.loads(sys.argv[1]))
ReadSide(app.store, writer=sys.argv[2] == "writer")
app.close()
print("up")
"""


def test_processes_starting_together_on_an_empty_database_all_come_up(store_env):
    started = [subprocess.Popen([sys.executable, "-c", START, json.dumps(store_env), "writer" if i == 0 else "reader"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for i in range(4)]
    answers = [process.communicate(timeout=120) for process in started]
    for process, (out, err) in zip(started, answers):
        assert process.returncode == 0 and out.strip() == "up", err[-2000:]


def _yoyo_lock_rows(env) -> int:
    if env["PERSISTENCE_MODULE"] == "eventsourcing.sqlite":
        with sqlite3.connect(env["SQLITE_DBNAME"]) as connection:
            return connection.execute("SELECT count(*) FROM yoyo_lock").fetchone()[0]
    import psycopg

    with psycopg.connect(dbname=env["POSTGRES_DBNAME"], host=env["POSTGRES_HOST"], user=env["POSTGRES_USER"],
                         port=int(env.get("POSTGRES_PORT", "5432")), autocommit=True) as connection:
        return connection.execute(f'SELECT count(*) FROM "{env["POSTGRES_SCHEMA"]}".yoyo_lock').fetchone()[0]


def _leave_yoyo_lock_row(env) -> None:
    """What a process killed in the middle of applying migrations leaves: yoyo's lock row."""
    row = "INSERT INTO {}yoyo_lock (locked, ctime, pid) VALUES (1, CURRENT_TIMESTAMP, 424242)"
    if env["PERSISTENCE_MODULE"] == "eventsourcing.sqlite":
        with sqlite3.connect(env["SQLITE_DBNAME"]) as connection:
            connection.execute(row.format(""))
        return
    import psycopg

    with psycopg.connect(dbname=env["POSTGRES_DBNAME"], host=env["POSTGRES_HOST"], user=env["POSTGRES_USER"],
                         port=int(env.get("POSTGRES_PORT", "5432")), autocommit=True) as connection:
        connection.execute(row.format(f'"{env["POSTGRES_SCHEMA"]}".'))


def test_a_migration_lock_left_by_a_killed_process_does_not_stop_the_next_start(store_env):
    first = Duban(env=store_env)
    ReadSide(first.store)
    first.close()
    _leave_yoyo_lock_row(store_env)
    assert _yoyo_lock_rows(store_env) == 1

    again = Duban(env=store_env)
    try:
        ReadSide(again.store)  # yoyo alone waited 10 s here and failed with LockTimeout, start after start
    finally:
        again.close()
    assert _yoyo_lock_rows(store_env) == 0


HOLD = """
import json, sys
from projections.database import setup_lock
with setup_lock(json.loads(sys.argv[1])):
    print("holding", flush=True)
    sys.stdin.read()
"""


def test_a_set_up_held_too_long_is_a_clear_error_and_a_killed_holder_frees_it(store_env):
    holder = subprocess.Popen([sys.executable, "-c", HOLD, json.dumps(store_env)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        started = time.monotonic()
        with pytest.raises(SetupLockTimeout, match="held for over 0.3 s"):
            Duban(env={**store_env, "DUBAN_SETUP_LOCK_SECONDS": "0.3"})
        assert time.monotonic() - started < 5
        holder.send_signal(signal.SIGKILL)  # killed during its start-up: the lock goes with the process
        holder.wait(10)
        started = time.monotonic()
        app = Duban(env={**store_env, "DUBAN_SETUP_LOCK_SECONDS": "10"})
        ReadSide(app.store)
        app.close()
        assert time.monotonic() - started < 10
    finally:
        if holder.poll() is None:
            holder.kill()
        holder.wait(10)
