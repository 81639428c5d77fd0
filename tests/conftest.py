"""Fixtures: every test that touches storage runs on SQLite and on PostgreSQL.

PostgreSQL comes from ``DUBAN_TEST_DATABASE_URL`` (default: the local server, database
``test``).  Each test gets its own schema, dropped afterwards, so runs never see each other.
Without a reachable server the PostgreSQL variants skip with a loud reason — except under
``CI=true``, where they fail.
"""

from __future__ import annotations

import os
import uuid
from datetime import date

import pytest
from browser import chromium  # noqa: F401  (one browser for the whole run, see browser.py)

from domain.actor import Actor, Role
from duban.application import Duban
from duban.clock import FixedClock
from duban.settings import postgres_env

PG_URL = os.environ.get("DUBAN_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() == "true"
_pg_problem: str | None = None
_pg_checked = False


def _postgres_problem() -> str | None:
    global _pg_checked, _pg_problem
    if not _pg_checked:
        _pg_checked = True
        try:
            import psycopg

            with psycopg.connect(PG_URL, connect_timeout=3) as conn:
                conn.execute("select 1")
        except Exception as error:  # noqa: BLE001 - any failure means "not reachable"
            _pg_problem = f"PostgreSQL at {PG_URL} is not reachable ({error.__class__.__name__}: {error})".strip()
    return _pg_problem


def require_postgres() -> None:
    problem = _postgres_problem()
    if problem:
        if IN_CI:
            pytest.fail(f"CI=true requires PostgreSQL: {problem}", pytrace=False)
        pytest.skip(f"SKIPPING POSTGRESQL VARIANT — {problem}. Set DUBAN_TEST_DATABASE_URL to run it.")


@pytest.fixture(params=["sqlite", "postgres"])
def store_env(request, tmp_path):
    """The eventsourcing settings of a fresh, empty store of each kind."""
    if request.param == "sqlite":
        yield {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(tmp_path / "events.sqlite3")}
        return
    require_postgres()
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    env = {**postgres_env(PG_URL), "POSTGRES_SCHEMA": schema, "POSTGRES_POOL_SIZE": "2", "POSTGRES_MAX_OVERFLOW": "2"}
    yield env
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture
def clock():
    return FixedClock(date(2026, 3, 2))


@pytest.fixture
def app(store_env, clock):
    duban = Duban(env=store_env, clock=clock)
    yield duban
    duban.close()


DISTRICT = "420105"


@pytest.fixture
def admin():
    return Actor(user="admin", role=Role.ADMIN, district=DISTRICT)


@pytest.fixture
def office():
    return Actor(user="duchashi-1", role=Role.OFFICE, district=DISTRICT)


@pytest.fixture(scope="session")
def seed():
    """The demo district parsed from ../shared/seeds (skipped loudly when the seeds are absent)."""
    from duban.demo.seeds import SeedsNotFound, load_seed_district

    try:
        return load_seed_district()
    except SeedsNotFound as error:
        pytest.skip(f"shared/seeds not found beside the repo: {error}")


DEMO_TODAY = date(2026, 11, 24)


@pytest.fixture
def demo(store_env, seed):
    """The demo district's year on a fresh store of each kind, and its (empty) read side."""
    from duban.demo.simulation import build_demo
    from projections.read_side import ReadSide

    clock = FixedClock(DEMO_TODAY)
    app = Duban(env=store_env, clock=clock)
    build_demo(app, clock, seed, DEMO_TODAY)
    yield app, ReadSide(app.store)
    app.close()
