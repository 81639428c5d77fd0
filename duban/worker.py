"""The worker (后台任务进程): the one place work runs without a person asking.

* It keeps the read models caught up: woken by PostgreSQL ``LISTEN/NOTIFY`` after each save (the
  event store notifies its channel in the saving transaction), by the application itself when
  they share a process, and by polling as a fallback (the only way on SQLite across processes).
* It runs the daily watch (每日巡查) by itself: after midnight Beijing time, and at start for any
  day it missed, each business day exactly once per district (``DailyWatch`` records the days),
  looking only at the records the read side says are open.
* With each day's watch it drafts the reports whose period ended the day before (the weekly report
  to the district head, the monthly and quarterly bulletins, the half-year and year-end reports),
  once each: a draft's id derives from its district, kind and period (``Duban.draft_due_reports``).
* It produces the reminders (提醒, ``duban.reminding``): the dated rules' after each day's watch,
  the activity rules' after each catch-up; and, in a thread of its own, sends them on the push
  channels the office configured (``duban.delivery``), with retries.
* Exactly one worker acts at a time per store even if several are started: a PostgreSQL advisory
  lock, or a file lock beside the SQLite file.  The others wait as standbys and take over when it
  stops.  A worker killed in the middle of a batch resumes from the last committed batch (the
  batch and its position commit together), so nothing is lost or counted twice.

``duban worker`` runs one in the foreground; ``duban serve`` on the embedded store runs one in a
thread of the web process.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import threading
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Mapping

import structlog

from duban.application import Duban
from duban.application.watcher import watch_candidates
from duban.delivery import DeliveryJob
from duban.reminding import ReminderJob
from projections.ledger import LedgerQueries
from projections.read_side import ReadSide

log = structlog.get_logger("duban.worker")
REFRESH_AFTER = 5_000  # events caught up at once after which the planner's statistics are refreshed


# -- one worker at a time ---------------------------------------------------------------------------
class WorkerLock:
    """Held by the acting worker: a PostgreSQL advisory lock (on the worker's own connection, which
    also listens for new events) or an exclusive ``flock`` on ``<store>.worker.lock``."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self.env = env
        self.postgres = "postgres" in env.get("PERSISTENCE_MODULE", "")
        self.connection: Any = None  # PostgreSQL: the lock's session, also the LISTEN connection
        self._file: Any = None

    def _key(self) -> int:
        place = f"{self.env.get('POSTGRES_DBNAME')}:{self.env.get('POSTGRES_SCHEMA') or 'public'}"
        digest = hashlib.sha256(f"duban-worker:{place}".encode()).digest()
        return int.from_bytes(digest[:8], "big", signed=True)

    def try_acquire(self) -> bool:
        if self.postgres:
            if self.connection is None:
                self.connection = connect(self.env)
            got = self.connection.execute("SELECT pg_try_advisory_lock(%s)", (self._key(),)).fetchone()[0]
            return bool(got)
        if self._file is None:
            path = Path(f"{self.env['SQLITE_DBNAME']}.worker.lock")
            path.parent.mkdir(parents=True, exist_ok=True)
            self._file = open(path, "a+")
        try:
            fcntl.flock(self._file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        self._file.seek(0)
        self._file.truncate()
        self._file.write(f"{os.getpid()}\n")
        self._file.flush()
        return True

    def release(self) -> None:
        if self.connection is not None:
            try:
                # Unlocked before the session ends: a closed connection's backend lets go of its
                # locks only when it exits, a moment later, and a caller that takes the lock again
                # at once would find it still held by nobody living.
                self.connection.execute("SELECT pg_advisory_unlock_all()")
            except Exception:  # the connection is already broken: its session's end frees the lock
                pass
            try:
                self.connection.close()  # ends the session: the LISTEN goes with it
            finally:
                self.connection = None
        if self._file is not None:
            try:
                fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
                self._file.close()
            finally:
                self._file = None


def connect(env: Mapping[str, str]):
    """A psycopg connection (autocommit) to the store's database and schema."""
    import psycopg

    connection = psycopg.connect(
        dbname=env.get("POSTGRES_DBNAME"), host=env.get("POSTGRES_HOST", "127.0.0.1"),
        port=int(env.get("POSTGRES_PORT", "5432")), user=env.get("POSTGRES_USER", "postgres"),
        password=env.get("POSTGRES_PASSWORD") or None, autocommit=True,
        connect_timeout=int(env.get("POSTGRES_CONNECT_TIMEOUT", "5")))
    if env.get("POSTGRES_SCHEMA"):
        connection.execute(f"SET search_path TO {env['POSTGRES_SCHEMA']}")
    return connection


# -- the worker ----------------------------------------------------------------------------------------
class Worker:
    """Catches up and watches while it holds the lock; a standby until then."""

    def __init__(self, app: Duban, *, watch: bool = True, poll_seconds: float = 0.2, standby_seconds: float = 2.0,
                 batch_size: int = 5000, extra_projectors: list | None = None, remind: bool | None = None) -> None:
        self.app = app
        self.extra_projectors = list(extra_projectors or [])  # tests: a projector that fails on purpose
        self.watch_enabled = watch
        # the reminder job (提醒) after the watch and after each catch-up; by default where the watch runs
        self.remind_enabled = watch if remind is None else remind
        self.reminders: ReminderJob | None = None
        self.deliveries: DeliveryJob | None = None  # the push channels' sending (推送), in a thread of its own
        self.delivery_seconds = 1.0  # how often the sending thread looks for deliveries due
        self._sender: threading.Thread | None = None
        self._districts: tuple[float, list[str]] = (0.0, [])
        self.poll_seconds = poll_seconds
        self.standby_seconds = standby_seconds
        self.batch_size = batch_size
        self.lock = WorkerLock(app.env)
        self.read_side: ReadSide | None = None
        self.acting = threading.Event()
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._watched_on: date | None = None
        self._thread: threading.Thread | None = None
        app.on_saved.append(self._saved)

    # -- running ----------------------------------------------------------------------------------
    def run(self) -> None:
        """Run until :meth:`stop`: wait for the lock, then catch up and watch.  A failure (the
        database gone, a bad batch) gives the lock up; the worker tries again a moment later."""
        while not self._stop.is_set():
            if not self.lock.try_acquire():
                log.info("worker.standby", reason="another worker holds the lock")
                self._stop.wait(self.standby_seconds)
                continue
            try:
                self._act()
            except Exception as error:  # noqa: BLE001 - logged; acting again from a fresh start
                log.exception("worker.failed", error=str(error))
            finally:
                self.acting.clear()
                if self._sender is not None:
                    self._sender.join(timeout=15)  # its attempt in flight recorded before the lock goes
                    self._sender = None
                self.lock.release()
            self._stop.wait(1.0)

    def _act(self) -> None:
        log.info("worker.acting", pid=os.getpid())
        self.read_side = ReadSide(self.app.store, writer=True)
        self.read_side.projectors.extend(self.extra_projectors)
        self.reminders = ReminderJob(self.app, self.read_side.read_models) if self.remind_enabled else None
        if self.lock.postgres:  # the event store NOTIFYs this channel with every save (eventsourcing)
            self.lock.connection.execute(f'LISTEN "{self.app.store.recorder.channel_name}"')
        self.acting.set()
        if self.remind_enabled:
            self._sender = threading.Thread(target=self._send, name="duban-worker-push", daemon=True)
            self._sender.start()
        while not self._stop.is_set():
            self.step()
            self._wait()

    def _send(self) -> None:
        """While acting: the deliveries due on the push channels, sent beside the catch-up (a slow or
        silent receiver never holds it up); after sending, it waits until the read models have its
        outcomes, so nothing is sent twice."""
        reader = ReadSide(self.app.store, writer=False)
        self.deliveries = DeliveryJob(self.app, reader.read_models)
        while self.acting.is_set() and not self._stop.is_set():
            try:
                if sum(self.deliveries.run(code) for code in self._district_codes()):
                    target = self.app.saved_position
                    deadline = time.monotonic() + 30
                    while reader.position() < target and time.monotonic() < deadline and not self._stop.is_set():
                        self._stop.wait(0.05)
            except Exception as error:  # noqa: BLE001 - logged; tried again at the next look
                log.exception("worker.push_failed", error=str(error))
            self._stop.wait(self.delivery_seconds)

    def step(self) -> None:
        """Catch up; if the business day changed (or at start), run the daily watch and catch up again."""
        assert self.read_side is not None
        caught = self.read_side.catch_up(batch_size=self.batch_size)
        if caught.events >= REFRESH_AFTER:
            self.read_side.refresh_statistics()  # a long backlog (a rebuild, a first start) leaves stale statistics
        today = self.app.clock.today()
        if self.watch_enabled and self._watched_on != today:
            self.watch(today)
            self._watched_on = today
            self.sign_checkpoints()
            self.read_side.catch_up(batch_size=self.batch_size)
        if self.reminders is not None:
            self.remind(today)

    def remind(self, today: date) -> int:
        """The activity rules' reminders for what the catch-up brought (the dated ones follow each
        day's watch), then caught up so the message centre shows them."""
        assert self.read_side is not None and self.reminders is not None
        produced = sum(self.reminders.activity(code, today) for code in self._district_codes())
        if produced:
            self.read_side.catch_up(batch_size=self.batch_size)
        return produced

    def _district_codes(self) -> list[str]:
        """The districts' codes, looked up again at most once a minute (a district opened since)."""
        looked, codes = self._districts
        if time.monotonic() - looked > 60 or not codes:
            codes = [d.district for d in self.app.districts()]
            self._districts = (time.monotonic(), codes)
        return codes

    def watch(self, today: date) -> int:
        """The daily watch for every district: each business day not yet watched, in order."""
        assert self.read_side is not None
        candidates = watch_candidates(LedgerQueries(self.read_side.read_models))
        watched = 0
        for district in self.app.districts():
            code = district.district
            for day in self.app.days_to_watch(code, today):
                self.read_side.catch_up(batch_size=self.batch_size)
                report = self.app.tick(day, districts=[code], candidates=candidates)
                if self.reminders is not None:  # before the day is marked watched: a restart in between repeats
                    self.read_side.catch_up(batch_size=self.batch_size)  # it, and what was produced is skipped
                    self.reminders.daily(code, day)
                self.app.draft_due_reports(code, day - timedelta(days=1), day)  # periods ended the day before
                self.app.record_watched_day(code, day, report.recorded)
                log.info("worker.watched", district=code, day=day.isoformat(), recorded=report.recorded,
                         conflicts=report.conflicts)
                watched += 1
        return watched

    def sign_checkpoints(self) -> int:
        """Sign each chain's checkpoint of the day (签名检查点, once a day per district): without the
        deployment's signing key the worker says so and goes on."""
        try:
            signed = self.app.sign_checkpoints()
        except FileNotFoundError as error:
            log.warning("worker.checkpoint_skipped", reason=str(error))
            return 0
        for checkpoint in signed:
            log.info("worker.checkpoint_signed", district=checkpoint.district, length=checkpoint.length,
                     sequence=checkpoint.sequence)
        return len(signed)

    def _wait(self) -> None:
        """Until an event is saved (NOTIFY; this process's own saves; on SQLite, the next poll) or
        ``poll_seconds`` pass; a stop is heard within a second."""
        if self.lock.postgres and self.lock.connection is not None:
            deadline = time.monotonic() + self.poll_seconds
            while not (self._wake.is_set() or self._stop.is_set()) and time.monotonic() < deadline:
                slice_ = min(1.0, max(deadline - time.monotonic(), 0.0))
                if any(True for _ in self.lock.connection.notifies(timeout=slice_, stop_after=1)):
                    break
        else:
            self._wake.wait(self.poll_seconds)
        self._wake.clear()

    def _saved(self, position: int) -> None:
        self._wake.set()

    # -- in a thread (duban serve on the embedded store, tests) ----------------------------------------
    def start(self) -> "Worker":
        self._thread = threading.Thread(target=self.run, name="duban-worker", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        if self._saved in self.app.on_saved:
            self.app.on_saved.remove(self._saved)

    def wait_until_acting(self, timeout: float = 10.0) -> bool:
        return self.acting.wait(timeout)


class WorkerBusy(Exception):
    """Another worker holds the lock (the read models have their writer)."""


def _opened_read_side(app: Duban, *, writer: bool) -> ReadSide:
    """This process's read side over ``app``'s store, as writer or reader, opened once (opening
    checks the read-model migrations): the demo and the tests ask for it after every day's watch."""
    key = "_writer_read_side" if writer else "_reader_read_side"
    found = app.__dict__.get(key)
    if found is None:
        found = app.__dict__.setdefault(key, ReadSide(app.store, writer=writer))
    return found


def exclusive_read_side(app: Duban) -> tuple[ReadSide, WorkerLock]:
    """The read side as its only writer, for a command that rebuilds it; WorkerBusy if a worker
    is acting.  Release the lock when done."""
    lock = WorkerLock(app.env)
    if not lock.try_acquire():
        lock.release()
        raise WorkerBusy("另一个后台任务进程（duban worker 或 duban serve）正在运行，请先停止它。")
    return _opened_read_side(app, writer=True), lock


def caught_up_read_side(app: Duban, *, timeout: float = 60.0) -> ReadSide:
    """The read side caught up with every event recorded so far, for a command that reads it once:
    caught up here when no worker is acting, else waited for while the acting worker catches up."""
    target = app.store.recorder.max_notification_id() or 0
    deadline = time.monotonic() + timeout
    lock = WorkerLock(app.env)
    try:
        while not lock.try_acquire():  # the acting worker catches up, or stops and leaves it to us
            reader = _opened_read_side(app, writer=False)
            if reader.position() >= target or time.monotonic() >= deadline:
                return reader
            time.sleep(0.1)
        read_side = _opened_read_side(app, writer=True)
        read_side.catch_up()
        return read_side
    finally:
        lock.release()


def run_forever(app: Duban, **options) -> None:
    """``duban worker``: run in the foreground until interrupted."""
    worker = Worker(app, **options)
    try:
        worker.run()
    except KeyboardInterrupt:
        pass
    finally:
        worker.stop()


__all__ = ["Worker", "WorkerLock", "WorkerBusy", "exclusive_read_side",
           "caught_up_read_side", "run_forever"]
