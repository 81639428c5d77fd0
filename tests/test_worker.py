"""The worker (后台任务进程), on both stores: one acts at a time, it keeps the read models caught up,
resumes after being killed with nothing lost or doubled, and watches each business day once.

Every test here needs storage; the workers run in threads (or, for the kill, a real process).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from processes import cli_env
from builders import DistrictBuilder

from domain.watch import DailyWatch
from duban.application import Duban
from duban.clock import FixedClock
from duban.worker import Worker, WorkerBusy, WorkerLock, caught_up_read_side, exclusive_read_side
from projections.ledger import LedgerQueries
from projections.read_side import ReadSide

pytestmark = pytest.mark.storage
ROOT = Path(__file__).resolve().parent.parent
MAR02, MAR10, MAR11 = date(2026, 3, 2), date(2026, 3, 10), date(2026, 3, 11)


def eventually(check, timeout: float = 10.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout} s: {what}")
        time.sleep(0.02)


@pytest.fixture
def workers(store_env):
    """Workers started by a test, each on its own service, all stopped afterwards."""
    started: list[tuple[Worker, Duban]] = []

    def start(clock=None, **options) -> Worker:
        app = Duban(env=store_env, clock=clock or FixedClock(MAR02))
        options.setdefault("standby_seconds", 0.1)
        worker = Worker(app, **options).start()
        started.append((worker, app))
        return worker

    yield start
    for worker, app in started:
        worker.stop()
        app.close()


def caught_up(app: Duban, read_side: ReadSide) -> bool:
    return read_side.position() >= (app.store.recorder.max_notification_id() or 0)


def test_two_workers_started_one_acts_and_the_other_takes_over(app, workers):
    first, second = workers(watch=False), workers(watch=False)
    eventually(lambda: first.acting.is_set() or second.acting.is_set(), what="a worker acts")
    time.sleep(0.5)  # the standby has tried again several times meanwhile
    assert first.acting.is_set() != second.acting.is_set(), "exactly one acts"
    acting, standby = (first, second) if first.acting.is_set() else (second, first)
    with pytest.raises(WorkerBusy):  # nor may a command line rebuild beside it
        exclusive_read_side(app)
    acting.stop()
    eventually(standby.acting.is_set, what="the standby takes over")
    world = DistrictBuilder(app).units(A="区住建局").build()
    world.item(lead="A", title="接手后登记的事项")
    reader = ReadSide(app.store, writer=False)
    eventually(lambda: caught_up(app, reader), what="the new worker catches up")
    (row,) = LedgerQueries(reader.read_models).rows(world.district, MAR02)
    assert row.title == "接手后登记的事项"


def test_the_worker_keeps_the_read_models_caught_up_with_other_processes_writes(app, workers):
    """Written through another service (as another web process would): the worker sees it without
    being told by this process — on PostgreSQL by NOTIFY (the poll is set to a minute), on SQLite by
    polling."""
    postgres = "postgres" in app.env["PERSISTENCE_MODULE"]
    worker = workers(watch=False, poll_seconds=60.0 if postgres else 0.1)
    eventually(worker.acting.is_set, what="the worker acts")
    time.sleep(0.3)  # now waiting for a notification (or the next poll)
    world = DistrictBuilder(app).units(A="区住建局").build()
    world.item(lead="A", title="另一进程登记的事项")
    reader = ReadSide(app.store, writer=False)
    started = time.monotonic()
    eventually(lambda: caught_up(app, reader), timeout=5.0, what="caught up after another process wrote")
    assert time.monotonic() - started < 5.0


def test_a_worker_that_fails_mid_batch_resumes_with_nothing_lost_or_doubled(app, store_env):
    world = DistrictBuilder(app).units(A="区住建局", B="晴川街").build()
    for n in range(30):
        item = world.item(lead="A" if n % 2 else "B", sign=True, title=f"事项{n}")
        app.report_item_progress(item, 50, "推进中", world.unit("A" if n % 2 else "B"))
    crash_at = (app.store.recorder.max_notification_id() or 0) - 10

    class CrashOnce:
        crashed = False

        def prefetch(self, batch, events):
            pass

        def apply(self, batch, event):
            if event.notification_id == crash_at and not CrashOnce.crashed:
                CrashOnce.crashed = True
                raise RuntimeError("killed in the middle of a batch")

    worker = Worker(Duban(env=store_env, clock=FixedClock(MAR02)), watch=False, batch_size=7,
                    extra_projectors=[CrashOnce()], standby_seconds=0.1)
    worker.start()
    try:
        eventually(lambda: CrashOnce.crashed, what="the crash")
        reader = ReadSide(app.store, writer=False)
        eventually(lambda: caught_up(app, reader), what="resumed after the crash")
    finally:
        worker.stop()
        worker.app.close()
    live = ReadSide(app.store).dump()
    rebuilt = ReadSide(app.store)
    rebuilt.rebuild()
    assert rebuilt.dump() == live


def test_a_worker_process_killed_at_any_moment_resumes_with_nothing_lost_or_doubled(app, store_env):
    """A real ``duban worker`` process, killed with SIGKILL while it catches up; another worker
    then finishes, and the read models equal a rebuild from the events."""
    world = DistrictBuilder(app).units(A="区住建局", B="晴川街").build()
    for n in range(150):
        item = world.item(lead="A" if n % 2 else "B", sign=True, title=f"事项{n}")
        app.report_item_progress(item, 30, "推进中", world.unit("A" if n % 2 else "B"))
    env = {**os.environ, **cli_env(store_env), "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, "-m", "duban.cli", "worker", "--today", "2026-03-02"],
                               cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    reader = ReadSide(app.store, writer=False)
    try:
        eventually(lambda: reader.position() > 0, timeout=30, what="the worker process starts catching up")
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(10)
    stopped_at = reader.position()
    resumed = caught_up_read_side(app)  # no worker acts now: caught up here, from where the killed one stopped
    assert resumed.position() == app.store.recorder.max_notification_id() >= stopped_at
    live = resumed.dump()
    resumed.rebuild()
    assert resumed.dump() == live


# -- the daily watch ----------------------------------------------------------------------------------
def watched_days(app: Duban, district: str, year: int = 2026) -> list[date]:
    watch = app._find(DailyWatch, DailyWatch.id_for(district, year))
    if watch is None:
        return []
    return [e.day for e in app.store.events.get(watch.id) if type(e).__qualname__ == "DailyWatch.DayWatched"]


def missed_deadlines(app: Duban, item) -> int:
    return sum(type(e).__qualname__ == "SupervisedItem.DeadlineMissed" for e in app.store.events.get(item))


def test_the_daily_watch_records_each_business_day_once_across_restarts(app, clock, workers):
    clock.set(MAR02)
    world = DistrictBuilder(app).units(A="区住建局").build()
    item = world.item(lead="A", sign=True, title="三月九日到期的事项", deadline=date(2026, 3, 9))
    day = FixedClock(MAR10)
    first = workers(clock=day)
    eventually(lambda: watched_days(app, world.district) == [MAR10], what="the first day watched at start")
    assert missed_deadlines(app, item) == 1  # the deadline passed yesterday: recorded by the watch
    first.stop()

    again = workers(clock=day)  # restarted the same day: nothing more
    eventually(again.acting.is_set, what="the restarted worker acts")
    time.sleep(0.5)
    assert watched_days(app, world.district) == [MAR10]
    again.stop()

    day.set(MAR10 + timedelta(days=3))  # down for three days: each missed day once, in order, at start
    third = workers(clock=day)
    eventually(lambda: len(watched_days(app, world.district)) == 4, what="the missed days watched")
    assert watched_days(app, world.district) == [MAR10 + timedelta(days=n) for n in range(4)]
    assert missed_deadlines(app, item) == 1

    day.set(date(2026, 3, 14))  # midnight passes while it runs: the new day is watched without a restart
    eventually(lambda: watched_days(app, world.district)[-1] == date(2026, 3, 14), what="the new day watched")
    assert watched_days(app, world.district) == [MAR10 + timedelta(days=n) for n in range(5)]
    assert third.acting.is_set()


def test_a_district_never_watched_starts_with_today(app, clock):
    clock.set(MAR02)
    world = DistrictBuilder(app).units(A="区住建局").build()
    assert app.days_to_watch(world.district, MAR11) == [MAR11]
    app.record_watched_day(world.district, MAR10, 0)
    assert app.days_to_watch(world.district, MAR11) == [MAR11]
    assert app.days_to_watch(world.district, MAR10) == []



def test_a_released_worker_lock_is_free_at_once(app):
    """What one-off commands rely on (``duban tick`` after ``duban tick``): the lock one lets go of
    can be taken by the next at once.  On PostgreSQL a closed session used to keep its advisory
    lock until its backend exited a moment later, so the next command found it held, took it for
    an acting worker, and waited a minute for one that did not exist."""
    for attempt in range(40):
        first = WorkerLock(app.env)
        assert first.try_acquire()
        first.release()
        second = WorkerLock(app.env)
        try:
            assert second.try_acquire(), f"attempt {attempt}: the lock was still held after its release"
        finally:
            second.release()
