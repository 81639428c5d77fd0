"""What every command handler shares: load, check, change, save atomically, log one line."""

from __future__ import annotations

import copy
import functools
from contextvars import ContextVar
import inspect
import random
import sys
import time
from datetime import date
from typing import Any, Callable, Iterable, Mapping, TypeVar
from uuid import UUID

import structlog
from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import BaseAggregate, OriginatorVersionError
from eventsourcing.persistence import IntegrityError

from domain.actor import Actor
from domain.base import DistrictAggregate, not_found
from domain.calendar import WorkingDayCalendar
from domain.errors import ConcurrentChange, DamagedRecord, DomainError, RuleViolation
from domain.organisation import NumberRegister
from domain.schedule import HolidaySchedule
from duban.application.store import EventStore
from duban.commands.base import Command, plain
from projections.database import setup_lock
from duban.clock import Clock, SystemClock
from duban.settings import store_env

A = TypeVar("A", bound=DistrictAggregate)
# The notification ids a request's commands were recorded under: the web layer sets a list here for
# each request, so the page that follows can wait until the read models have passed them.
WRITTEN: ContextVar[list[int] | None] = ContextVar("duban_written", default=None)
log = structlog.get_logger("duban.command")
# sys.getrefcount of an object only one local name refers to (the name, and the call's argument)
_ONLY_HERE = 2


def _log_refusals(method: Callable) -> Callable:
    """Wrap a public method that takes an ``actor``: a refusal raised before ``_run`` (a role
    check, an unknown unit) is logged like one raised inside it, once."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except DomainError as error:
            if not getattr(error, "logged", False):
                actor = kwargs.get("actor") or next((a for a in args if isinstance(a, Actor)), None)
                if actor is not None:
                    self._log_outcome(method.__name__, actor, None, error, time.perf_counter())
            raise

    return wrapper


def _open_store(env: Mapping[str, str]) -> EventStore:
    """The event store; its tables and functions are created on first use, one process at a time
    (web workers and the worker start together: two CREATE OR REPLACE FUNCTION at once collide in
    PostgreSQL's catalog, "tuple concurrently updated")."""
    with setup_lock(env):
        return EventStore(env=env)


def _log_commands(cls: type) -> None:
    """Every public method of ``cls`` that takes an actor logs its refusals (``_log_refusals``)."""
    for name, member in list(vars(cls).items()):
        if callable(member) and not name.startswith("_") and "actor" in inspect.signature(member).parameters:
            setattr(cls, name, _log_refusals(member))


class ServiceBase:
    """The application service (服务层): commands in, events saved, one log line out."""

    # a save refused because another writer saved first is retried (see ``_run``): at most this
    # many attempts in all, pausing between half and all of RETRY_PAUSE * 2**(attempt-1) seconds,
    # never more than RETRY_PAUSE_MAX (about 4 ms, 8 ms, 16 ms … 80 ms; under 0.5 s in all)
    RETRY_ATTEMPTS = 10
    RETRY_PAUSE = 0.004
    RETRY_PAUSE_MAX = 0.08

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        _log_commands(cls)

    def __init__(self, env: Mapping[str, str] | None = None, clock: Clock | None = None) -> None:
        self.env = dict(env) if env is not None else store_env()
        self.store = _open_store(self.env)
        self.clock: Clock = clock or SystemClock()
        self._calendar: WorkingDayCalendar | None = None
        self._calendar_built: tuple[tuple, WorkingDayCalendar] | None = None  # (schedule versions, calendar)
        self.saved_position = 0  # the newest notification id this process recorded
        self.on_saved: list[Callable[[int], None]] = []  # told each new position (an in-process worker)
        self._closing: list[Callable[[], None]] = []

    def on_close(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` when the service closes (an in-process worker, connections opened beside
        the event store's, such as the web sessions'); the last registered runs first."""
        self._closing.append(callback)

    def close(self) -> None:
        for callback in reversed(self._closing):
            callback()
        self.store.close()

    # -- reading aggregates ------------------------------------------------------------------
    def _get(self, cls: type[A], aggregate_id: UUID, actor: Actor | None = None, *, readonly: bool = False) -> A:
        """The aggregate (``readonly``: the cached instance itself, not a copy — only for reading a
        record whose state is lists and plain values, never to change it)."""
        try:
            aggregate = self._replay(cls, aggregate_id, readonly)
        except AggregateNotFoundError:
            raise not_found(cls) from None
        if not isinstance(aggregate, cls):
            raise not_found(cls)
        if actor is not None:
            aggregate.check_district(actor)
        return aggregate

    def _find(self, cls: type[A], aggregate_id: UUID, *, readonly: bool = False) -> A | None:
        try:
            aggregate = self._replay(cls, aggregate_id, readonly)
        except AggregateNotFoundError:
            return None
        return aggregate if isinstance(aggregate, cls) else None

    def _replay(self, cls: type, aggregate_id: UUID, readonly: bool):
        """The aggregate from its events; a record whose events no longer follow one another (one
        deleted, reordered or edited in the database) is refused as damaged, never a server error."""
        try:
            return self.store.repository.get(aggregate_id, deepcopy_from_cache=not readonly)
        except (OriginatorVersionError, AssertionError) as error:  # a gap, or the created event gone
            log.warning("record_damaged", aggregate_id=str(aggregate_id), record=cls.__name__,
                        error_type=type(error).__name__)
            raise DamagedRecord(getattr(cls, "label", "记录")) from None

    def _register(self, district: str, kind: str, year: int | None, on: date) -> NumberRegister:
        found = self._find(NumberRegister, NumberRegister.id_for(district, kind, year))
        return found or NumberRegister.start(district, kind, year, on)

    def _registered_ids(self, district: str, kind: str) -> list[UUID]:
        """The ids of the few records a keyed register knows (districts, units, leaders, accounts,
        calendar years), oldest first.  Numbered records (items, notices, tasks, inspections) are
        never listed this way: lists come from the read models."""
        register = self._find(NumberRegister, NumberRegister.id_for(district, kind, None))
        return list(register.entries.values()) if register is not None else []

    def _claim_number(self, register: NumberRegister, cls: type, number: int, record_id: UUID, day: date,
                      what: str) -> None:
        taken = number <= register.highest and self._find(cls, record_id) is not None
        register.claim_number(number, record_id, day, what, taken=taken)

    # -- the calendar --------------------------------------------------------------------------
    def calendar(self) -> WorkingDayCalendar:
        """The working-day calendar with every holiday schedule loaded so far — by this process or any
        other (``duban calendar load``, another web process): the register of loaded years and each
        year's schedule are read through the aggregate cache (one small query each for what was
        recorded since), and the calendar is built again only when one of their versions moved.  So
        a running server and worker count on a newly loaded schedule at once, without a restart."""
        schedules = []
        for schedule_id in self._registered_ids(HolidaySchedule.DEPLOYMENT, "calendar"):
            schedule = self._find(HolidaySchedule, schedule_id, readonly=True)
            if schedule is not None:
                schedules.append(schedule)
        key = tuple((s.year, s.version) for s in schedules)
        cached = self._calendar_built
        if self._calendar is None or cached is None or cached[0] != key:
            calendar = WorkingDayCalendar([s.as_schedule() for s in schedules])
            self._calendar_built = (key, calendar)  # one assignment: threads see the pair whole
            self._calendar = calendar
            return calendar
        return cached[1]

    # -- running a command ----------------------------------------------------------------------
    def _today(self) -> date:
        return self.clock.today()

    def execute(self, command: Command, actor: Actor, target: UUID | str | None = None, *,
                files: Mapping[str, list] | None = None):
        """Run ``command`` (a ``duban.commands`` class) through its one handler: the method its class
        names, given the command's fields, the record it is aimed at (``target``: the item, notice,
        task or inspection; an account's user name) and the actor.  ``files`` are the files a form uploaded with it, by field:
        they are stored and recorded with the files the command cites."""
        handler = getattr(self, type(command).handler)
        fields = plain(command)
        for name, chosen in (files or {}).items():
            if chosen:
                fields[name] = [*chosen, *fields.get(name, [])]
        if target is None:
            return handler(**fields, actor=actor)
        if type(command).target:
            return handler(**{type(command).target: target}, **fields, actor=actor)
        return handler(target, **fields, actor=actor)

    def input_problems(self, command: type[Command], fields: Mapping[str, Any], actor: Actor) -> list[DomainError]:
        """The problems only the application finds in a command's fields read well (its class's
        ``checks``: a user name taken, a weak password …), to report with the fields' own at once.
        The checking method is given the fields it names, and the actor if it names one."""
        check = getattr(self, command.checks)
        wanted = inspect.signature(check).parameters
        given = {k: v for k, v in fields.items() if k in wanted}
        return list(check(**given, **({"actor": actor} if "actor" in wanted else {})).found)

    def _on(self, on: date | None) -> date:
        """The business date of a command (业务日期): the one it names, never after today (Beijing),
        or today.  Refused here once for every command; a record's own last fact is its aggregate's
        check (``check_business_date``)."""
        today = self._today()
        if on is not None and on > today:
            raise RuleViolation("date.in_future", f"业务日期{on.isoformat()}晚于今天{today.isoformat()}，不能预先登记。",
                                field="on")
        return on or today

    def _run(self, command: str, actor: Actor, aggregate_id: UUID | None, work: Callable[[], list], *,
             retry: bool = True):
        """Run ``work`` (which returns the aggregates to save), save them in one transaction.

        A domain error or a conflicting writer leaves nothing recorded; either way one log
        line names the command, the aggregate, the district, the actor and the outcome.

        Retrying (重试): when another writer saved first (the store refuses the save), ``work``
        runs again on fresh state, up to ``RETRY_ATTEMPTS`` times in all, after a short jittered
        pause, and each retry is logged.  So ``work`` must load everything it changes itself.
        ``retry=False`` for a command whose user named the version they saw (``expected_version``,
        the forms' hidden ``version``): their change was meant for that version, so a conflict
        is theirs to see (409).  A refusal by the rules is never retried.
        """
        started = time.perf_counter()
        attempt = 1
        try:
            while True:
                aggregates = work()
                pending = sum(len(a.pending_events) for a in aggregates)
                try:
                    recordings = self.store.save(*aggregates)
                    break
                except IntegrityError:
                    if not retry or attempt >= self.RETRY_ATTEMPTS:
                        raise ConcurrentChange(aggregates[0].label if aggregates else "记录") from None
                pause = self._retry_pause(attempt)
                about = aggregate_id or aggregates[-1].id
                log.info("command_retry", command=command, aggregate_id=str(about), district=actor.district,
                         actor=actor.user, attempt=attempt, pause_ms=round(pause * 1000, 1))
                time.sleep(pause)
                attempt += 1
        except DomainError as error:
            self._log_outcome(command, actor, aggregate_id, error, started, **self._attempts(attempt))
            raise
        self._keep_saved(aggregates)
        if recordings:
            position = max(r.notification.id for r in recordings)
            self.saved_position = max(self.saved_position, position)
            written = WRITTEN.get()
            if written is not None:
                written.append(position)
            for listener in self.on_saved:
                listener(position)
        if aggregates and aggregate_id is None:
            aggregate_id = aggregates[-1].id
        self._log_outcome(command, actor, aggregate_id, None, started, events=pending, **self._attempts(attempt))
        return aggregates

    def _keep_saved(self, aggregates: list) -> None:
        """The records just saved stay in the store's cache as saved, so the next command on one
        of them starts from there (``_change``) and a read takes only what was recorded since."""
        cache = self.store.repository.cache
        if cache is not None:
            for aggregate in aggregates:
                if isinstance(aggregate, BaseAggregate):
                    cache.put(aggregate.id, aggregate)

    def _retry_pause(self, attempt: int) -> float:
        ceiling = min(self.RETRY_PAUSE * 2 ** (attempt - 1), self.RETRY_PAUSE_MAX)
        return random.uniform(ceiling / 2, ceiling)

    @staticmethod
    def _attempts(attempt: int) -> dict[str, int]:
        """The outcome line says how many attempts a command took, when it took more than one."""
        return {"attempts": attempt} if attempt > 1 else {}

    @staticmethod
    def _log_outcome(command: str, actor: Actor, aggregate_id: UUID | None, error: DomainError | None,
                     started: float, **extra) -> None:
        fields = {
            "command": command, "aggregate_id": str(aggregate_id) if aggregate_id else None,
            "district": actor.district, "actor": actor.user, "role": actor.role.value,
            "ms": round((time.perf_counter() - started) * 1000, 1), **extra,
        }
        if error is None:
            log.info("command", **fields, outcome="ok")
        else:
            error.logged = True
            log.info("command", **fields, outcome=error.status, rule=error.rule)

    def _change(self, command: str, cls: type[A], aggregate_id: UUID, actor: Actor, on: date | None,
                change: Callable[[A, date], object], expected_version: int | None = None) -> A:
        """Load one aggregate, check district, version and business date, apply ``change``, save.

        Without an ``expected_version`` a conflicting writer is retried (the aggregate is loaded
        again); with one, a change since that version answers ConcurrentChange at once."""
        day = self._on(on)
        attempts = 0

        def changed(aggregate: A) -> list:
            if expected_version is not None and aggregate.version != expected_version:
                raise ConcurrentChange(aggregate.label)
            aggregate.check_business_date(day, self._today())
            change(aggregate, day)
            return [aggregate]

        def work() -> list:
            nonlocal attempts
            attempts += 1
            # The first attempt of a command without an expected version runs on the record as this
            # process last read or saved it, without asking the store what was recorded since: if
            # another process recorded anything since, the save conflicts (its version is taken) and
            # the next attempt reads the record afresh.  A refusal is only ever given on a fresh read.
            known = self._cached(cls, aggregate_id, actor) if attempts == 1 and expected_version is None else None
            if known is not None:
                try:
                    return changed(known)
                except DomainError:
                    pass
            return changed(self._get(cls, aggregate_id, actor))

        return self._run(command, actor, aggregate_id, work, retry=expected_version is None)[0]

    def _cached(self, cls: type[A], aggregate_id: UUID, actor: Actor) -> A | None:
        """The record as this process last read or saved it, if its cache still holds it (no query),
        taken out of the cache for the command to change: the instance itself when nothing else
        refers to it (no reader or earlier caller holds it; once out of the cache none can get it),
        else a copy.  Saved, it goes back (``_keep_saved``); refused or conflicting, it is dropped."""
        cache = self.store.repository.cache
        if cache is None:
            return None
        try:
            aggregate = cache.get(aggregate_id, evict=True)
        except KeyError:
            return None
        if not isinstance(aggregate, cls) or getattr(aggregate, "district", None) != actor.district:
            cache.put(aggregate_id, aggregate)
            return None
        if sys.getrefcount(aggregate) > _ONLY_HERE:  # someone still reads it: it stays as it is
            cache.put(aggregate_id, aggregate)
            return copy.deepcopy(aggregate)
        return aggregate


class Part:
    """One concern of the application (its commands and queries: items, oversight, users …),
    composed into ``Duban`` beside the others over one shared core (``ServiceBase``: the store, the
    clock, the save with its retries and its log line).  What a part does not define itself — the
    core's helpers, another part's commands — it reaches through the application, so a part is a
    plain class of one level, and the application a thin façade over its parts."""

    def __init__(self, app: ServiceBase) -> None:
        object.__setattr__(self, "_app", app)

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        _log_commands(cls)

    def __getattr__(self, name: str):
        return getattr(self._app, name)

    def __setattr__(self, name: str, value) -> None:
        if isinstance(getattr(type(self), name, None), property):
            object.__setattr__(self, name, value)  # the part's own property (its setter)
        else:
            setattr(self._app, name, value)


class PartMember:
    """A part's method or constant as an attribute of the application: read on the application, it
    is the part's own (bound to the part); read on the class, the plain function (its signature)."""

    def __init__(self, part: type[Part], name: str) -> None:
        self.part, self.name = part, name

    def __get__(self, app, owner=None):
        member = vars(self.part)[self.name]
        if app is None:
            return member
        return getattr(app._parts[self.part], self.name)


class PartProperty(PartMember):
    """A part's property as an attribute of the application: read and set on the part."""

    def __set__(self, app, value) -> None:
        setattr(app._parts[self.part], self.name, value)


def compose(app_class: type[ServiceBase], parts: Iterable[type[Part]]) -> None:
    """Give ``app_class`` every member its ``parts`` define (the first part naming one keeps it)."""
    app_class.PARTS = tuple(parts)
    for part in app_class.PARTS:
        for name, member in vars(part).items():
            if name.startswith("__") or name in vars(app_class):
                continue
            kind = PartProperty if isinstance(member, property) else PartMember
            setattr(app_class, name, kind(part, name))
