"""Sessions live in the store's database: a litestar ``Store`` on the table ``web_sessions``."""

from __future__ import annotations

from datetime import timedelta

import anyio
import pytest

from duban.sessions import DatabaseSessionStore
from projections.database import migrate


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
