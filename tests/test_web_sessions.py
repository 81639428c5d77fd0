"""Sessions live in the store's database: a login survives a restart of the web process;
logging out ends it everywhere; an expired session is refused."""

from __future__ import annotations

import time
from datetime import date, timedelta

import anyio
import pytest
from builders import DistrictBuilder
from litestar.testing import TestClient
from web_helpers import PASSWORD, login

from domain.actor import Role
from duban.application import Duban
from duban.clock import FixedClock
from duban.sessions import DatabaseSessionStore
from projections.database import migrate
from web.app import create_app
from web.auth import SESSION_COOKIE

TODAY = date(2026, 3, 2)
SECRET = "k" * 32


def _office_user(app: Duban) -> None:
    world = DistrictBuilder(app).units(A="区住建局").build()
    app.add_user(username="office1", password=PASSWORD, role=Role.OFFICE, district=world.district, actor=world.admin)


@pytest.fixture
def served(app, store_env, clock):
    """A logged-in client of one web app, and a maker of further apps (each on its own ``Duban``,
    as another process or the restarted one would have) on the same store."""
    clock.set(TODAY)
    _office_user(app)
    first = TestClient(app=create_app(app, csrf_secret=SECRET))
    assert login(first, "office1").status_code in (302, 303)
    assert first.get("/api/me").json()["user"] == "office1"
    others: list[Duban] = []

    def another_app(cookies) -> TestClient:
        duban = Duban(env=store_env, clock=FixedClock(TODAY))
        others.append(duban)
        return TestClient(app=create_app(duban, csrf_secret=SECRET), cookies=cookies)

    yield first, another_app
    for duban in others:
        duban.close()


@pytest.mark.storage
def test_a_login_survives_a_restart_of_the_web_process(served):
    first, another_app = served
    restarted = another_app(first.cookies)
    answer = restarted.get("/api/me")
    assert answer.status_code == 200 and answer.json()["user"] == "office1"
    assert "督查室工作台" in restarted.get("/office").text


@pytest.mark.storage
def test_rebuilding_the_read_models_logs_nobody_out(served, app):
    from projections.read_side import ReadSide

    first, _ = served
    ReadSide(app.store).rebuild()  # `duban projections rebuild`: the sessions are no read model
    assert first.get("/api/me").json()["user"] == "office1"


@pytest.mark.storage
def test_logging_out_through_one_process_ends_the_session_in_every_other(served, store_env):
    first, another_app = served
    session_id = first.cookies[SESSION_COOKIE]
    other = another_app(first.cookies)
    assert other.get("/api/me").status_code == 200
    out = first.post("/logout", data={"_csrf_token": first.cookies.get("csrftoken")}, follow_redirects=False)
    assert out.status_code in (302, 303) and out.headers["location"] == "/login"
    assert other.get("/api/me").status_code == 401
    page = other.get("/office", follow_redirects=False)
    assert page.status_code in (302, 303) and page.headers["location"].startswith("/login")
    assert not anyio.run(DatabaseSessionStore(store_env).exists, session_id), "the session's row is deleted"


@pytest.mark.storage
def test_an_expired_session_is_refused(served, store_env):
    first, another_app = served
    session_id = first.cookies[SESSION_COOKIE]
    store = DatabaseSessionStore(store_env)
    data = anyio.run(store.get, session_id)
    assert data is not None
    nine_hours_ago = DatabaseSessionStore(store_env, now=lambda: time.time() - 9 * 3600)
    anyio.run(nine_hours_ago.set, session_id, data, 8 * 3600)  # as if logged in 9 h ago, idle since
    assert first.get("/api/me").status_code == 401
    assert another_app(first.cookies).get("/api/me").status_code == 401
    assert not anyio.run(store.exists, session_id)


class Ticking:
    """A clock for the store that a test moves by hand."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def _stored_keys(store_env) -> set[str]:
    if store_env["PERSISTENCE_MODULE"] == "eventsourcing.sqlite":
        import sqlite3

        with sqlite3.connect(store_env["SQLITE_DBNAME"]) as db:
            return {r[0] for r in db.execute("SELECT session_key FROM web_sessions")}
    import psycopg

    from conftest import PG_URL

    with psycopg.connect(PG_URL, autocommit=True) as db:
        return {r[0] for r in db.execute(f"SELECT session_key FROM {store_env['POSTGRES_SCHEMA']}.web_sessions")}


@pytest.mark.storage
def test_the_store_keeps_values_until_they_expire_on_every_store(store_env):
    migrate(store_env)
    clock = Ticking()
    store = DatabaseSessionStore(store_env, now=clock, sweep_every=3600)
    other = DatabaseSessionStore(store_env, now=clock)  # another process on the same database

    async def scenario() -> None:
        assert await store.get("a") is None and not await store.exists("a") and await store.expires_in("a") is None
        await store.set("a", b"\x00\xff session", expires_in=60)
        await store.set("b", "文本", expires_in=timedelta(minutes=10))
        await store.set("forever", b"x")
        assert await other.get("a") == b"\x00\xff session" and await other.get("b") == "文本".encode()
        assert (await other.expires_in("a"), await other.expires_in("b"), await other.expires_in("forever")) == (60, 600, None)
        assert await other.exists("forever") and await other.get("forever", renew_for=60) == b"x"
        assert await other.expires_in("forever") is None  # renewing a value that never expires changes nothing

        clock.now += 50
        assert await other.get("a", renew_for=60) == b"\x00\xff session"
        assert await store.expires_in("a") == 60
        clock.now += 61
        assert await store.get("a") is None and not await store.exists("a") and await store.expires_in("a") is None
        assert await other.expires_in("b") == 600 - 111

        await store.set("b", b"replaced", expires_in=30)
        assert await other.get("b") == b"replaced" and await other.expires_in("b") == 30
        await other.delete("b")
        await other.delete("b")  # deleting what is not there is no error
        assert await store.get("b") is None
        await store.set("c", b"c", expires_in=5)
        await store.delete_all()
        assert not await other.exists("forever") and not await other.exists("c")

    anyio.run(scenario)


@pytest.mark.storage
def test_expired_sessions_are_swept_on_a_later_write(store_env):
    migrate(store_env)
    clock = Ticking()
    store = DatabaseSessionStore(store_env, now=clock, sweep_every=600)

    async def scenario() -> None:
        for key in ("old-1", "old-2"):
            await store.set(key, b"{}", expires_in=60)
        await store.set("live", b"{}", expires_in=8 * 3600)
        clock.now += 601
        await store.set("new", b"{}", expires_in=60)

    anyio.run(scenario)
    assert _stored_keys(store_env) == {"live", "new"}


@pytest.mark.storage
def test_an_unchanged_session_is_not_written_back_on_every_request(store_env):
    """litestar stores the session at the end of every request; the row is only written when
    its data change or its expiry would move by more than ``touch_after``."""
    migrate(store_env)
    clock = Ticking()
    store = DatabaseSessionStore(store_env, now=clock, touch_after=300)
    other = DatabaseSessionStore(store_env, now=clock)

    async def scenario() -> None:
        await store.set("s", b'{"user":"office1"}', expires_in=3600)
        clock.now += 10
        assert await store.get("s") == b'{"user":"office1"}'
        await store.set("s", b'{"user":"office1"}', expires_in=3600)
        assert await other.expires_in("s") == 3590, "the same data 10 s later: the row is left alone"
        await store.set("s", b'{"user":"other"}', expires_in=3600)
        assert await other.get("s") == b'{"user":"other"}' and await other.expires_in("s") == 3600
        clock.now += 400
        await store.set("s", b'{"user":"other"}', expires_in=3600)
        assert await other.expires_in("s") == 3600, "an expiry 400 s further: written (idle timeout kept)"
        await other.delete("s")  # logged out in another process while a request was under way here
        await store.set("s", b'{"user":"other"}', expires_in=3600)
        assert await other.get("s") is None, "the request finishing afterwards does not bring the session back"

    anyio.run(scenario)
