"""Concurrent commands (并发): a conflict the user did not cause is retried, one they did is not.

Every registration of a year claims its number from one register (督〔2026〕N号), so clients that
register at the same moment conflict on it.  A command that carries no version from the user is
run again on fresh state (``ServiceBase._run``); one given ``expected_version`` answers 409 at once.
All on both stores; the conflicts counted here are printed (``-s``) for the record.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from contextlib import contextmanager
from datetime import date

import pytest
from structlog.testing import capture_logs

from builders import DistrictBuilder, events_recorded, refused
from domain.actor import Actor, Role
from domain.errors import ConcurrentChange, NotAllowed
from domain.item import SupervisedItem
from domain.organisation import NumberRegister, UnitKind
from domain.sources import SourceKind
from duban.application import Duban
from checks import stored_items

pytestmark = pytest.mark.storage

TODAY = date(2026, 3, 2)  # the conftest clock
CLIENTS = 8


@pytest.fixture
def world(app):
    return DistrictBuilder(app).units(A=("晴川街", UnitKind.SUBDISTRICT), B="区住建局").build()


def register(app: Duban, world, title: str, actor: Actor | None = None):
    return app.register_item(source=SourceKind.EXECUTIVE_MEETING, reference="区政府第3次常务会议",
                             decision_date=TODAY, title=title, deadline=date(2026, 6, 30),
                             actor=actor or world.office)


def item_register(app: Duban, world) -> NumberRegister:
    return app.store.repository.get(NumberRegister.id_for(world.district, "item", TODAY.year))


def run_together(*calls) -> list:
    """Run the calls on threads released together by a barrier; each outcome, or the error raised."""
    barrier = threading.Barrier(len(calls), timeout=30)
    outcomes: list = [None] * len(calls)

    def run(index, call):
        barrier.wait()
        try:
            outcomes[index] = call()
        except Exception as error:  # noqa: BLE001 - returned and asserted by the test
            outcomes[index] = error

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a command never finished"
    return outcomes


def lines(logs, event: str) -> list[dict]:
    return [line for line in logs if line.get("event") == event]


def report_conflicts(store_env, what: str, logs) -> None:
    retries = lines(logs, "command_retry")
    store = store_env["PERSISTENCE_MODULE"].rsplit(".", 1)[-1]
    print(f"\n[{store}] {what}: {len(retries)} conflicts retried, "
          f"attempts {sorted(line.get('attempts', 1) for line in lines(logs, 'command'))}")


def assert_retries_match_outcomes(logs) -> None:
    """Every retry line belongs to a command whose one outcome line counts it."""
    retried = sum(line.get("attempts", 1) - 1 for line in lines(logs, "command"))
    assert retried == len(lines(logs, "command_retry"))


# ------------------------------------------------------------------------------ concurrent registrations
@pytest.mark.parametrize("services", ["one service", "a service each"])
def test_eight_concurrent_registrations_all_succeed_with_consecutive_numbers(app, world, store_env, clock, services):
    """Eight clients register at once, through the threads of one service (one web process) or
    through one service each (several processes on one store): all succeed, numbered 1 … 8."""
    each = [Duban(env=store_env, clock=clock) for _ in range(CLIENTS)] if services == "a service each" else []
    try:
        with capture_logs() as logs:
            outcomes = run_together(*(lambda i=i: register(each[i] if each else app, world, f"事项{i}")
                                      for i in range(CLIENTS)))
    finally:
        for service in each:
            service.close()

    failures = [o for o in outcomes if not isinstance(o, SupervisedItem)]
    assert failures == []
    assert sorted(item.number for item in outcomes) == list(range(1, CLIENTS + 1))
    assert len({item.id for item in outcomes}) == CLIENTS
    assert item_register(app, world).highest == CLIENTS
    stored = stored_items(app, world.district)
    assert sorted((i.number, i.title) for i in stored) == sorted((i.number, i.title) for i in outcomes)
    commands = lines(logs, "command")
    assert len(commands) == CLIENTS and {c["outcome"] for c in commands} == {"ok"}
    retries = lines(logs, "command_retry")
    assert all(r["command"] == "register_item" and r["district"] == world.district for r in retries)
    assert_retries_match_outcomes(logs)
    report_conflicts(store_env, f"8 registrations, {services}", logs)
    # the next one simply follows
    assert register(app, world, "之后的事项").number == CLIENTS + 1


def test_concurrent_progress_reports_and_urges_all_succeed(app, world, store_env):
    """On eight items at once, the lead unit reports progress while the office urges: different
    items never conflict, the report and the urge on one item may, and each is recorded once."""
    items = [world.item(lead="A", sign=True, title=f"事项{i}") for i in range(CLIENTS)]
    before = {i: app.item(i, world.office).version for i in items}
    with capture_logs() as logs:
        outcomes = run_together(
            *(lambda i=i: app.report_item_progress(i, 40, "进展过半", world.unit("A")) for i in items),
            *(lambda i=i: app.urge_item(i, "请加快进度", world.office) for i in items))
    assert [o for o in outcomes if not isinstance(o, SupervisedItem)] == []
    for item_id in items:
        item = app.item(item_id, world.office)
        assert (item.version, item.urges, [r["percent"] for r in item.reports]) == (before[item_id] + 2, 1, [40])
    assert len(lines(logs, "command")) == 2 * CLIENTS
    assert_retries_match_outcomes(logs)
    report_conflicts(store_env, "8 reports + 8 urges", logs)


# ------------------------------------------------------------------------------ the retry, made to happen
@contextmanager
def a_colleague_registers_first(app: Duban, store_env, clock, world, times: int = 1):
    """Between our command loading the item register and saving it, another service registers an
    item (``times`` times, once per attempt): our save is refused as a concurrent change."""
    colleague = Duban(env=store_env, clock=clock)
    clerk = Actor("colleague", Role.OFFICE, world.district)
    load = app._register
    done: list = []

    def load_then_race(district, kind, year, on):
        found = load(district, kind, year, on)
        if kind == "item" and len(done) < times:
            done.append(register(colleague, world, f"同事登记的事项{len(done) + 1}", clerk))
        return found

    app._register = load_then_race
    try:
        yield done
    finally:
        del app._register
        colleague.close()


def test_a_registration_that_loses_the_race_is_retried_and_takes_the_next_number(app, world, store_env, clock):
    with capture_logs() as logs, a_colleague_registers_first(app, store_env, clock, world) as colleague:
        mine = register(app, world, "我的事项")
    assert [i.number for i in colleague] == [1]
    assert mine.number == 2 and app.item(mine.id, world.office).title == "我的事项"
    assert item_register(app, world).highest == 2
    [retry] = lines(logs, "command_retry")
    assert {k: retry[k] for k in ("command", "district", "actor", "attempt")} == {
        "command": "register_item", "district": world.district, "actor": world.office.user, "attempt": 1}
    assert 2 <= retry["pause_ms"] <= 4  # the first pause: between half and all of 4 ms
    mine_lines = [line for line in lines(logs, "command") if line["actor"] == world.office.user]
    assert [(line["outcome"], line["aggregate_id"], line["attempts"]) for line in mine_lines] == [
        ("ok", str(mine.id), 2)]


def test_conflicts_are_retried_a_bounded_number_of_times(app, world, store_env, clock, monkeypatch):
    monkeypatch.setattr(app, "RETRY_ATTEMPTS", 3)
    with capture_logs() as logs, a_colleague_registers_first(app, store_env, clock, world, times=3) as colleague:
        with pytest.raises(ConcurrentChange):
            register(app, world, "我的事项")
    assert [i.number for i in colleague] == [1, 2, 3]  # only the colleague's were saved
    assert [i.title for i in stored_items(app, world.district)] == ["同事登记的事项1", "同事登记的事项2", "同事登记的事项3"]
    assert item_register(app, world).highest == 3
    retries = lines(logs, "command_retry")
    assert [line["attempt"] for line in retries] == [1, 2]
    # a growing, jittered pause: between half and all of 4 ms, then of 8 ms
    assert all(2 ** line["attempt"] <= line["pause_ms"] <= 2 ** (line["attempt"] + 1) for line in retries)
    [mine] = [line for line in lines(logs, "command") if line["actor"] == world.office.user]
    assert (mine["outcome"], mine["rule"], mine["attempts"]) == ("conflict", "concurrency.conflict", 3)


def test_a_change_to_an_item_that_loses_the_race_is_retried_on_the_fresh_item(app, world, store_env, clock):
    item_id = world.item(lead="A", sign=True)
    colleague = Duban(env=store_env, clock=clock)

    def then_race(load):  # the item read (from the store, or as this process last saved it), then urged
        def loaded(cls, aggregate_id, actor=None):
            found = load(cls, aggregate_id, actor)
            if cls is SupervisedItem and not colleague_urged:
                colleague_urged.append(colleague.urge_item(item_id, "请加快", world.office))
            return found
        return loaded

    colleague_urged: list = []
    app._get, app._cached = then_race(app._get), then_race(app._cached)
    try:
        with capture_logs() as logs:
            item = app.report_item_progress(item_id, 30, "已制定方案", world.unit("A"))
    finally:
        del app._get, app._cached
        colleague.close()
    assert (item.urges, [r["text"] for r in item.reports]) == (1, ["已制定方案"])
    assert [line["attempt"] for line in lines(logs, "command_retry")] == [1]


# ------------------------------------------------------------------------------ what is never retried
def test_a_stale_expected_version_is_refused_at_once_and_not_retried(app, world):
    item_id = world.item(lead="A", sign=True)
    seen = app.item(item_id, world.office).version
    app.urge_item(item_id, "请加快", world.office)
    with capture_logs() as logs, refused(world, ConcurrentChange, "concurrency.conflict", item=item_id):
        app.report_item_progress(item_id, 30, "已制定方案", world.unit("A"), expected_version=seen)
    assert lines(logs, "command_retry") == []
    [line] = lines(logs, "command")
    assert (line["outcome"], line["rule"], "attempts" in line) == ("conflict", "concurrency.conflict", False)


def test_a_user_given_version_that_loses_the_race_at_saving_is_not_retried(app, world, store_env, clock):
    """The version matched when loaded, but another writer saved before us: still 409, nothing
    recorded, because the user's change was meant for the version they saw."""
    item_id = world.item(lead="A", sign=True)
    seen = app.item(item_id, world.office).version
    colleague = Duban(env=store_env, clock=clock)
    load = app._get
    urges: list = []

    def load_then_race(cls, aggregate_id, actor=None):
        found = load(cls, aggregate_id, actor)
        if cls is SupervisedItem:
            urges.append(colleague.urge_item(item_id, "请加快", world.office))
        return found

    app._get = load_then_race
    try:
        with capture_logs() as logs, pytest.raises(ConcurrentChange):
            app.report_item_progress(item_id, 30, "已制定方案", world.unit("A"), expected_version=seen)
    finally:
        del app._get
        colleague.close()
    assert len(urges) == 1  # loaded once: no second attempt
    item = app.item(item_id, world.office)
    assert (item.version, item.urges, item.reports) == (seen + 1, 1, [])
    assert lines(logs, "command_retry") == []
    assert [line["outcome"] for line in lines(logs, "command") if line["actor"] == "a-clerk"] == ["conflict"]


def test_a_refusal_by_the_rules_is_not_retried(app, world):
    item_id = world.item(lead="A", sign=True)
    stranger = world.unit("B")
    loads = []
    load = app._get

    def counting_load(cls, aggregate_id, actor=None):
        if actor == stranger:
            loads.append(cls)
        return load(cls, aggregate_id, actor)

    app._get = counting_load
    try:
        with capture_logs() as logs, refused(world, NotAllowed, "item.unit_not_assigned", item=item_id):
            app.report_item_progress(item_id, 30, "不是我的事项", stranger)
    finally:
        del app._get
    assert loads == [SupervisedItem]  # one attempt
    assert lines(logs, "command_retry") == []
    [line] = lines(logs, "command")
    assert (line["outcome"], line["rule"]) == ("forbidden", "item.unit_not_assigned")


def test_the_watcher_does_not_retry_facts_it_applied_outside_the_command(app, world, store_env, clock):
    """``tick`` changes items it loaded before saving them: a conflict is counted for the next run."""
    item_id = world.item(lead="A", sign=True, deadline=date(2026, 3, 3))
    clock.set(date(2026, 3, 4))
    colleague = Duban(env=store_env, clock=clock)
    save = app.store.save
    raced: list = []

    def race_then_save(*aggregates):
        if not raced:
            raced.append(colleague.urge_item(item_id, "请加快", world.office))
        return save(*aggregates)

    app.store.save = race_then_save
    try:
        with capture_logs() as logs:
            report = app.tick(date(2026, 3, 4))
    finally:
        del app.store.save
        colleague.close()
    assert (report.deadlines_missed, report.conflicts) == (0, 1)
    assert lines(logs, "command_retry") == []
    assert app.tick(date(2026, 3, 4)).deadlines_missed == 1  # the next run records it


# ------------------------------------------------------------------------------ a store busy elsewhere
@contextmanager
def write_lock_held_elsewhere(app: Duban, store_env):
    """Another connection (as another process would) holds the store's write lock."""
    if store_env["PERSISTENCE_MODULE"] == "eventsourcing.sqlite":
        conn = sqlite3.connect(store_env["SQLITE_DBNAME"], isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
    else:
        import psycopg

        from conftest import PG_URL

        conn = psycopg.connect(PG_URL)
        conn.execute(f"SET search_path TO {store_env['POSTGRES_SCHEMA']}")
        conn.execute("LOCK TABLE duban_events IN EXCLUSIVE MODE")
    try:
        yield
    finally:
        conn.rollback()
        conn.close()


def test_a_command_waits_for_a_write_lock_held_elsewhere(app, world, store_env):
    """SQLite waits (busy timeout, SQLITE_LOCK_TIMEOUT, 5 s by default) rather than answering
    "database is locked"; PostgreSQL waits on the table lock."""
    before = events_recorded(app)
    outcome: list = []
    with write_lock_held_elsewhere(app, store_env):
        thread = threading.Thread(target=lambda: outcome.append(register(app, world, "等待写锁的事项")))
        started = time.perf_counter()
        thread.start()
        time.sleep(0.5)
        assert outcome == [] and thread.is_alive()  # waiting, not failed
    thread.join(timeout=10)
    assert time.perf_counter() - started >= 0.5
    assert [item.number for item in outcome] == [1]
    assert events_recorded(app) > before
