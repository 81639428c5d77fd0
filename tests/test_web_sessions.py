"""Sessions live in the store's database: a login survives a restart of the web process and is
known to every web worker (`duban serve --workers N`); logging out ends it everywhere; an
expired session is refused."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from contextlib import closing
from datetime import date, timedelta

import httpx
import pytest
from processes import free_port, wait_until_serving
from anyio.from_thread import start_blocking_portal
from builders import DistrictBuilder
from litestar.testing import TestClient
from web_world import web_app
from web_helpers import PASSWORD, login

from domain.actor import Role
from duban.application import Duban
from duban.clock import FixedClock
from duban.sessions import DatabaseSessionStore
from projections.database import migrate
from web.auth import SESSION_COOKIE

TODAY = date(2026, 3, 2)
DUBAN = os.path.join(os.path.dirname(sys.executable), "duban")


def _run(call, *args):
    """Run an async store call to its end, on an event loop in a thread of its own (the browser
    tests leave a loop running in this thread for the rest of the session)."""
    with start_blocking_portal() as portal:
        return portal.call(call, *args)


def _office_user(app: Duban) -> None:
    world = DistrictBuilder(app).units(A="区住建局").build()
    app.add_user(username="office1", password=PASSWORD, role=Role.OFFICE, district=world.district, actor=world.admin)


@pytest.fixture
def served(app, store_env, clock):
    """A logged-in client of one web app, and a maker of further apps (each on its own ``Duban``,
    as another process or the restarted one would have) on the same store."""
    clock.set(TODAY)
    _office_user(app)
    first = TestClient(app=web_app(app))
    assert login(first, "office1").status_code in (302, 303)
    assert first.get("/api/me").json()["user"] == "office1"
    others: list[Duban] = []

    def another_app(cookies) -> TestClient:
        duban = Duban(env=store_env, clock=FixedClock(TODAY))
        others.append(duban)
        return TestClient(app=web_app(duban, slot=f"another process {len(others)}"), cookies=cookies)

    yield first, another_app
    for duban in others:
        duban.close()


@pytest.fixture
def session_store(store_env):
    """A maker of session stores on the test's store (each as another process would have it),
    closed after the test."""
    made: list[DatabaseSessionStore] = []

    def make(**options) -> DatabaseSessionStore:
        made.append(DatabaseSessionStore(store_env, **options))
        return made[-1]

    yield make
    for store in made:
        store.close()


@pytest.mark.storage
def test_a_login_survives_a_restart_of_the_web_process(served):
    first, another_app = served
    restarted = another_app(first.cookies)
    answer = restarted.get("/api/me")
    assert answer.status_code == 200 and answer.json()["user"] == "office1"
    assert "督查室工作台" in restarted.get("/office").text


@pytest.mark.storage
def test_rebuilding_the_read_models_logs_nobody_out(app, clock):
    from projections.read_side import ReadSide

    clock.set(TODAY)
    _office_user(app)
    # the worker runs elsewhere, as `duban projections rebuild` needs (no worker may be acting)
    first = TestClient(app=web_app(app, worker=False))
    assert login(first, "office1").status_code in (302, 303)
    ReadSide(app.store).rebuild()  # `duban projections rebuild`: the sessions are no read model
    assert first.get("/api/me").json()["user"] == "office1"


@pytest.mark.storage
def test_logging_out_through_one_process_ends_the_session_in_every_other(served, session_store):
    first, another_app = served
    session_id = first.cookies[SESSION_COOKIE]
    other = another_app(first.cookies)
    assert other.get("/api/me").status_code == 200
    out = first.post("/logout", data={"_csrf_token": first.cookies.get("csrftoken")}, follow_redirects=False)
    assert out.status_code in (302, 303) and out.headers["location"] == "/login"
    assert other.get("/api/me").status_code == 401
    page = other.get("/office", follow_redirects=False)
    assert page.status_code in (302, 303) and page.headers["location"].startswith("/login")
    assert not _run(session_store().exists, session_id), "the session's row is deleted"


@pytest.mark.storage
def test_an_expired_session_is_refused(served, session_store):
    first, another_app = served
    session_id = first.cookies[SESSION_COOKIE]
    store = session_store()
    data = _run(store.get, session_id)
    assert data is not None
    nine_hours_ago = session_store(now=lambda: time.time() - 9 * 3600)
    _run(nine_hours_ago.set, session_id, data, 8 * 3600)  # as if logged in 9 h ago, idle since
    assert first.get("/api/me").status_code == 401
    assert another_app(first.cookies).get("/api/me").status_code == 401
    assert not _run(store.exists, session_id)


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
def test_the_store_keeps_values_until_they_expire_on_every_store(store_env, session_store):
    migrate(store_env)
    clock = Ticking()
    store = session_store(now=clock, sweep_every=3600)
    other = session_store(now=clock)  # another process on the same database

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

    _run(scenario)


@pytest.mark.storage
def test_expired_sessions_are_swept_on_a_later_write(store_env, session_store):
    migrate(store_env)
    clock = Ticking()
    store = session_store(now=clock, sweep_every=600)

    async def scenario() -> None:
        for key in ("old-1", "old-2"):
            await store.set(key, b"{}", expires_in=60)
        await store.set("live", b"{}", expires_in=8 * 3600)
        clock.now += 601
        await store.set("new", b"{}", expires_in=60)

    _run(scenario)
    assert _stored_keys(store_env) == {"live", "new"}


@pytest.mark.storage
def test_an_unchanged_session_is_not_written_back_on_every_request(store_env, session_store):
    """litestar stores the session at the end of every request; the row is only written when
    its data change or its expiry would move by more than ``touch_after``."""
    migrate(store_env)
    clock = Ticking()
    store = session_store(now=clock, touch_after=300)
    other = session_store(now=clock)

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

    _run(scenario)


# -- duban serve --workers 2 ----------------------------------------------------------------------

def _on_a_new_connection(base: str, cookies: dict[str, str]) -> tuple[httpx.Client, int]:
    """A client on a fresh connection, and the process that connection reached (a kept-alive
    connection stays with the worker that accepted it)."""
    client = httpx.Client(base_url=base, cookies=cookies, timeout=10)
    return client, client.get("/healthz").json()["worker"]


@pytest.mark.slow
@pytest.mark.storage  # two `duban serve` workers in processes of their own, on one SQLite store
def test_duban_serve_with_two_workers_shares_the_login_between_them(tmp_path, clock):
    db = tmp_path / "events.sqlite3"
    clock.set(TODAY)
    app = Duban(env={"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(db)}, clock=clock)
    _office_user(app)
    app.close()
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DUBAN_SECRET")}
    env["DUBAN_DB"] = str(db)
    process = subprocess.Popen([DUBAN, "serve", "--workers", "2", "--port", str(port), "--today", TODAY.isoformat()],
                               cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(f"{base}/healthz", process, 60)

        def reach(other_than: int | None = None, cookies: dict[str, str] | None = None) -> tuple[httpx.Client, int]:
            """A connection to a worker (other than ``other_than``)."""
            for _ in range(60):
                client, worker = _on_a_new_connection(base, cookies or {})
                if worker != other_than:
                    return client, worker
                client.close()
            pytest.fail(f"60 new connections all reached worker {other_than}")

        # the login form from one worker, posted to the other: the CSRF secret is the same in both
        form_client, form_worker = reach()
        token = re.search(r'name="_csrf_token" value="([^"]+)"', form_client.get("/login").text)[1]
        csrf_cookie = {"csrftoken": form_client.cookies["csrftoken"]}
        login_client, login_worker = reach(other_than=form_worker, cookies=csrf_cookie)
        answer = login_client.post("/login", data={"username": "office1", "password": PASSWORD, "_csrf_token": token})
        assert answer.status_code in (302, 303), answer.text[:300]
        cookies = {**csrf_cookie, SESSION_COOKIE: answer.cookies[SESSION_COOKIE]}

        answered_by: dict[int, int] = {}
        for _ in range(12):
            client, worker = _on_a_new_connection(base, cookies)
            with closing(client):
                me = client.get("/api/me")
                assert me.status_code == 200 and me.json()["user"] == "office1", f"worker {worker}: {me.status_code}"
                answered_by[worker] = answered_by.get(worker, 0) + 1
        other_client, other_worker = reach(other_than=login_worker, cookies=cookies)
        with closing(other_client):
            assert other_client.get("/api/me").json()["user"] == "office1"
        answered_by[other_worker] = answered_by.get(other_worker, 0) + 1
        assert set(answered_by) == {login_worker, other_worker}, answered_by

        # logging out on one worker ends the session on the other
        with closing(reach(other_than=login_worker, cookies=cookies)[0]) as out_client:
            out = out_client.post("/logout", data={"_csrf_token": cookies["csrftoken"]})
            assert out.status_code in (302, 303)
        with closing(reach(other_than=other_worker, cookies=cookies)[0]) as after:
            assert after.get("/api/me").status_code == 401
        form_client.close()
        login_client.close()
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output
    assert "2 个进程" in output
