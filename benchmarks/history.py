"""Deterministic district-year histories written through the ``Duban`` service (shared by the benchmarks).

A district (40 units, 6 leaders with portfolios) registers supervised items every working day
of ``YEAR``; each item is assigned, signed for, reported on monthly, urged when overdue,
completed, sometimes sent back, and signed off, with a ``FixedClock`` advancing day by day.
Every action is planned up front from a seed, so the same seed gives the same history, and each
command loads only the aggregate it changes (no list of every record or ``tick()`` in the loop).

``DistrictSpec(watch=True)`` adds what the deadline watcher would record (a missed deadline, the
monthly reports missed) for items still open after their deadline, so rankings see
``deadline_missed``, ``report_missed`` and ``open_overdue`` facts; ``manifest=True`` returns what a
web benchmark needs to know about the district (ids, the accounts' names, items open for reports).

``build_history`` writes several such districts into one store, optionally with parallel worker
processes (districts are independent), then (``accounts=True``) the accounts a web benchmark logs
in with — an office user, a vice head, one user per unit of the first district — timed apart,
since hashing their passwords (argon2) is slow by design and is no part of the write rate.
"""

from __future__ import annotations

import math
import os
import random
import sys
import time
import uuid
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from multiprocessing import get_context
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from domain.actor import Actor, Role, system_actor  # noqa: E402
from domain.errors import ConcurrentChange, DomainError  # noqa: E402
from domain.leadership import LeaderTitle  # noqa: E402
from domain.organisation import UnitKind  # noqa: E402
from domain.sources import SourceKind  # noqa: E402
from duban.application import Duban  # noqa: E402
from duban.clock import FixedClock  # noqa: E402
from duban.demo.evidence import completion_files, progress_files  # noqa: E402

YEAR = 2025
OPENED = date(YEAR, 1, 2)
TODAY = date(YEAR, 12, 31)  # the history's last day: the web server is told it is today
UNITS = 40
LEADERS = 6
VICE_HEAD = 2  # the leader (index) a web benchmark logs in as: a vice head with a portfolio of units
PASSWORD = "duban-bench-2025"  # every benchmark account's password (benchmark data only)

# Sources without the formal reply / satisfaction rating, so completion needs no extra steps.
SOURCES = [
    (SourceKind.EXECUTIVE_MEETING, "区政府第{n}次常务会议"),
    (SourceKind.TOPIC_MEETING, "专题会议纪要第{n}期"),
    (SourceKind.LEADER_INSTRUCTION, "区长批示件第{n}号"),
    (SourceKind.SUPERIOR_ASSIGNMENT, "市督查室交办〔%d〕{n}号" % YEAR),
    (SourceKind.WORK_REPORT, "政府工作报告第{n}条"),
    (SourceKind.HOTLINE, "12345工单 %d{n:05d}" % YEAR),
    (SourceKind.AUDIT_FINDING, "区审计局审计报告〔%d〕{n}号" % YEAR),
    (SourceKind.IMPORTANT_DOCUMENT, "阳政办〔%d〕{n}号" % YEAR),
]
TITLES = ["推进老旧小区改造", "汛期排水防涝隐患排查", "盘活闲置低效用地", "解决学校周边交通拥堵", "营商环境问题整改",
          "新增普惠托育托位", "增设社区养老服务站", "小区二次供水水压不足", "背街小巷环境整治", "农贸市场改造提升"]
DISTRICT_NAMES = ["汉阳区", "江岸区", "江汉区", "硚口区", "武昌区", "青山区", "洪山区", "东西湖区", "汉南区", "蔡甸区",
                  "江夏区", "黄陂区", "新洲区"]

# Fixed per-organisation event counts: open_district = 3 (register, district, roster);
# register_unit / register_leader = 2 (register claim + aggregate); place_unit = 1; add_user = 2.
ORG_EVENTS = 3 + 2 * UNITS + 2 * LEADERS + UNITS
# Per action kind: events it saves.  "register" = register_item (claim + item) + assign_item;
# "watch" records a missed deadline and the monthly reports missed so far (1.5 on average).
EVENTS = {"register": 3, "sign": 1, "report": 1, "urge": 1, "complete": 1, "send_back": 1, "sign_off": 1, "watch": 1.5}
RANK = {"register": 0, "sign": 1, "report": 2, "urge": 3, "complete": 4, "send_back": 5, "sign_off": 6, "watch": 7}


@dataclass(frozen=True)
class DistrictSpec:
    """One district of a history: its code, name and seed, and what the history holds besides items."""

    code: str = "420105"
    name: str = "汉阳区"
    seed: str = "duban-benchmark-read-models"
    watch: bool = False  # record missed deadlines / monthly reports as the watcher would
    manifest: bool = False  # describe the district for the web benchmarks


def office_user(code: str) -> str:
    return f"office-{code}"


def leader_user(code: str) -> str:
    return f"leader-{code}-L{VICE_HEAD + 1}"


def unit_user(code: str, index: int) -> str:
    return f"unit-{code}-U{index + 1:02d}"


# -- planning the year ----------------------------------------------------------------------------
@dataclass
class ItemPlan:
    index: int
    registered: date
    decided: date
    deadline: date
    source: SourceKind
    reference: str
    title: str
    lead: int
    co: list[int]
    actions: list[tuple[date, str, tuple]] = field(default_factory=list)

    def kinds(self) -> list[str]:
        return [kind for _, kind, _ in self.actions]

    def open_for_reports(self) -> bool:
        """At the end of the history: neither signed off nor waiting on the office's verification."""
        kinds = self.kinds()
        return "sign_off" not in kinds and kinds.count("complete") == kinds.count("send_back")

    def signed_units(self) -> list[int]:
        return [args[0] for _, kind, args in self.actions if kind == "sign"]


def working_days(first: date, last: date) -> list[date]:
    days, day = [], first
    while day <= last:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def next_monday(day: date) -> date:
    return day + timedelta(days=(7 - day.weekday()) % 7 or 7)


def next_weekday(day: date) -> date:
    day += timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def plan_items(spec: DistrictSpec, count: int) -> list[ItemPlan]:
    """``count`` items spread over the working days of the year, each with its whole story."""
    rng = random.Random(f"{spec.seed}-{count}")
    days = working_days(date(YEAR, 1, 6), date(YEAR, 12, 19))
    plans = []
    for i in range(count):
        registered = days[i * len(days) // count]
        source, pattern = SOURCES[rng.randrange(len(SOURCES))]
        decided = registered - timedelta(days=rng.randint(0, 5))
        deadline = registered + timedelta(days=rng.choice([30, 45, 60, 60, 90, 90, 120, 180]))
        lead = rng.randrange(UNITS)
        co = rng.sample([u for u in range(UNITS) if u != lead], rng.choice([0, 0, 1, 1, 1, 2]))
        plan = ItemPlan(i, registered, decided, deadline, source, pattern.format(n=i + 1),
                        f"{TITLES[i % len(TITLES)]}（{i + 1}）", lead, co)
        _script(plan, rng, spec.watch)
        plan.actions = [a for a in plan.actions if a[0] <= TODAY]
        plans.append(plan)
    return plans


def _script(plan: ItemPlan, rng: random.Random, watch: bool) -> None:
    act = plan.actions.append
    style = rng.choices(["diligent", "late", "silent"], [6, 3, 1])[0]
    reg = plan.registered
    act((reg, "register", ()))
    lead_signed = reg + timedelta(days={"diligent": 1, "late": 5, "silent": 20}[style] + rng.randint(0, 2))
    act((lead_signed, "sign", (plan.lead,)))
    co_signed = {}
    for unit in plan.co:
        co_signed[unit] = reg + timedelta(days=rng.randint(1, 8))
        act((co_signed[unit], "sign", (unit,)))
    span = (plan.deadline - reg).days
    if style == "diligent":
        finish: date | None = reg + timedelta(days=max(14, int(span * rng.uniform(0.5, 0.95))))
    elif style == "late":
        finish = plan.deadline + timedelta(days=rng.randint(5, 45))
    else:
        finish = plan.deadline + timedelta(days=rng.randint(30, 90)) if rng.random() < 0.4 else None
    end = finish or TODAY + timedelta(days=1)
    # monthly reports (按月专报) by the lead unit, now and then by a co-unit
    skip = {"diligent": 0.05, "late": 0.35, "silent": 0.8}[style]
    percent, month = 0, date(reg.year, reg.month, 1)
    while True:
        month = (month + timedelta(days=32)).replace(day=1)
        day = month + timedelta(days=rng.randint(8, 20))
        if day >= end or day > TODAY:
            break
        if day > lead_signed and rng.random() >= skip:
            percent = min(95, percent + rng.randint(10, 30))
            act((day, "report", (plan.lead, percent)))
        for unit in plan.co:
            if day > co_signed[unit] and rng.random() < 0.3:
                act((day, "report", (unit, min(95, percent + 5))))
    # urged (催办) on the Mondays after the deadline passes, at most twice, while still open
    urge = next_monday(plan.deadline + timedelta(days=2))
    for _ in range(2):
        if urge < end and urge > lead_signed and rng.random() < 0.8:
            act((urge, "urge", ()))
        urge += timedelta(days=14)
    if watch:  # the watcher: the working day after the deadline, then monthly, while still open
        day = next_weekday(plan.deadline)
        for _ in range(3):
            if day >= end:
                break
            act((day, "watch", ()))
            day = next_weekday(day + timedelta(days=29))
    if finish is None:
        return
    act((finish, "complete", (percent,)))
    verify = finish + timedelta(days=rng.randint(3, 8))
    if rng.random() < 0.12:  # 退回, then completed again
        act((verify, "send_back", ()))
        finish = verify + timedelta(days=rng.randint(10, 25))
        act((finish, "complete", (percent,)))
        verify = finish + timedelta(days=rng.randint(3, 8))
    act((verify, "sign_off", ()))


def planned_events(plans: list[ItemPlan]) -> float:
    return ORG_EVENTS + sum(EVENTS[kind] for p in plans for _, kind, _ in p.actions)


def plan_for(spec: DistrictSpec, target: int) -> list[ItemPlan]:
    """The item count whose planned history is closest to ``target`` events (deterministic)."""
    count = max(1, round((target - ORG_EVENTS) / 9))
    for _ in range(4):
        plans = plan_items(spec, count)
        per_item = (planned_events(plans) - ORG_EVENTS) / count
        better = max(1, round((target - ORG_EVENTS) / per_item))
        if better == count:
            break
        count = better
    return plan_items(spec, count)


# -- writing the year through the service ----------------------------------------------------------
@dataclass
class Generated:
    items: int
    events: int
    seconds: float
    refused: int
    manifest: dict[str, Any] = field(default_factory=dict)


def retrying(command: Callable[[], Any], attempts: int = 30) -> Any:
    """Run a command that touches a deployment-wide register (districts, user names), which
    parallel generators share: a concurrent change is tried again after a short random pause."""
    for attempt in range(attempts):
        try:
            return command()
        except ConcurrentChange:
            time.sleep(random.uniform(0.01, 0.05) * (attempt + 1))
    return command()


def _watch(app: Duban, item_id: uuid.UUID, actor: Actor, day: date) -> None:
    """What ``tick`` records for one item (a missed deadline, monthly reports missed), without
    loading every item: the aggregate's own rules through the service's load-change-save helper."""
    from domain.item import SupervisedItem

    def change(item, on: date) -> None:
        item.record_deadline_missed(on, actor)
        item.record_monthly_reports_missed(on, actor)

    app._change("record_item_facts", SupervisedItem, item_id, actor, day, change)


def generate(app: Duban, clock: FixedClock, target: int, progress: Callable[[str], None],
             spec: DistrictSpec = DistrictSpec()) -> Generated:
    """One district's year of about ``target`` events, written through ``app``."""
    started = time.perf_counter()
    plans = plan_for(spec, target)
    admin = Actor("admin", Role.ADMIN, spec.code)
    office = Actor(office_user(spec.code), Role.OFFICE, spec.code)
    clock.set(OPENED)
    retrying(lambda: app.open_district(spec.code, spec.name, admin, on=OPENED))
    units = []
    for n in range(UNITS):
        kind = UnitKind.SUBDISTRICT if n < 11 else UnitKind.DEPARTMENT
        name = f"第{n + 1}街道" if n < 11 else f"区直部门{n - 10:02d}"
        units.append(app.register_unit(f"U{n + 1:02d}", name, kind, admin, on=OPENED).id)
    leaders = []
    for n in range(LEADERS):
        title = LeaderTitle.DISTRICT_HEAD if n == 0 else (
            LeaderTitle.EXECUTIVE_VICE_HEAD if n == 1 else LeaderTitle.VICE_HEAD)
        leaders.append(app.register_leader(f"L{n + 1}", title, f"分管领域{n + 1}", admin, on=OPENED).id)
    for n, unit in enumerate(units):
        app.place_unit(unit, leaders[n % LEADERS], date(YEAR, 1, 1), admin, on=OPENED)
    unit_actors = [Actor(f"unit-{u.hex[:6]}", Role.UNIT, spec.code, unit=u) for u in units]
    watcher = system_actor(spec.code)

    actions = sorted(((day, p.index, RANK[kind], kind, args) for p in plans for day, kind, args in p.actions),
                     key=lambda a: a[:3])
    ids: dict[int, uuid.UUID] = {}
    refused = 0
    current = None
    for n, (day, index, _, kind, args) in enumerate(actions):
        if day != current:
            current = day
            clock.set(day)
            if day.day == 1:
                progress(f"{day:%Y-%m} ({n}/{len(actions)} actions)")
        plan = plans[index]
        try:
            if kind == "register":
                item = app.register_item(source=plan.source, reference=plan.reference, decision_date=plan.decided,
                                         title=plan.title, deadline=plan.deadline, actor=office, on=day)
                ids[index] = item.id
                app.assign_item(item.id, units[plan.lead], [units[u] for u in plan.co], office, on=day)
            elif kind == "sign":
                app.sign_for_item(ids[index], unit_actors[args[0]], on=day)
            elif kind == "report":
                unit, percent = args
                app.report_item_progress(
                    ids[index], percent, f"本月按计划推进，累计完成约{percent}%。", unit_actors[unit],
                    attachments=progress_files(f"{day:%Y%m}"), on=day)
            elif kind == "urge":
                app.urge_item(ids[index], "已超过办理时限，请抓紧办理并报送进展。", office, on=day)
            elif kind == "complete":
                app.report_completion(ids[index], "各项任务已按要求完成，现申请办结。", unit_actors[plan.lead],
                                      attachments=completion_files(), on=day)
            elif kind == "send_back":
                app.send_back_item(ids[index], "佐证材料不全，部分点位尚未整改到位。", office, on=day)
            elif kind == "sign_off":
                app.sign_off_item(ids[index], office, note="经检查复核，同意办结销号。", on=day)
            elif kind == "watch":
                _watch(app, ids[index], watcher, day)
        except (DomainError, KeyError):  # KeyError: the item's registration was itself refused
            refused += 1
    clock.set(TODAY)
    events = app.store.recorder.max_notification_id() or 0
    manifest = _manifest(spec, plans, ids, units, leaders) if spec.manifest else {}
    return Generated(len(plans), events, time.perf_counter() - started, refused, manifest)


def add_accounts(env: dict[str, str], manifest: dict[str, Any]) -> float:
    """The web benchmark's accounts in the manifest's district (``app.add_user``); returns the seconds taken."""
    started = time.perf_counter()
    code = manifest["district"]
    admin = Actor("admin", Role.ADMIN, code)
    app = Duban(env=env, clock=FixedClock(TODAY))
    try:
        app.add_user(username=manifest["office_user"], password=PASSWORD, role=Role.OFFICE, district=code, actor=admin)
        app.add_user(username=manifest["leader_user"], password=PASSWORD, role=Role.LEADER, district=code,
                     actor=admin, leader=uuid.UUID(manifest["leaders"][VICE_HEAD]))
        for name, unit in zip(manifest["unit_users"], manifest["units"]):
            app.add_user(username=name, password=PASSWORD, role=Role.UNIT, district=code, actor=admin,
                         unit=uuid.UUID(unit))
    finally:
        app.close()
    return time.perf_counter() - started


def _manifest(spec: DistrictSpec, plans: list[ItemPlan], ids: dict[int, uuid.UUID], units: list[uuid.UUID],
              leaders: list[uuid.UUID]) -> dict[str, Any]:
    """What the web benchmarks need to know about the district with accounts (JSON values only)."""
    richest = max((p for p in plans if p.index in ids), key=lambda p: (len(p.actions), -p.index))
    reportable: dict[str, list[str]] = {}
    for plan in plans:
        if plan.index in ids and plan.open_for_reports():
            for unit in plan.signed_units():
                reportable.setdefault(str(unit), []).append(ids[plan.index].hex)
    return {
        "district": spec.code, "year": YEAR, "today": TODAY.isoformat(), "password": PASSWORD,
        "office_user": office_user(spec.code), "leader_user": leader_user(spec.code),
        "unit_users": [unit_user(spec.code, n) for n in range(UNITS)],
        "units": [u.hex for u in units], "leaders": [leader.hex for leader in leaders],
        "portfolio_unit": VICE_HEAD,  # placed with the vice head (units n % LEADERS == VICE_HEAD)
        "item": ids[richest.index].hex,
        "reportable": reportable,  # unit index -> items open for its progress reports at the end
    }


# -- several districts in one store ----------------------------------------------------------------
def district_specs(events: int, district_events: int, seed: str) -> list[tuple[DistrictSpec, int]]:
    """ceil(events / district_events) districts sharing ``events`` evenly; the first has the accounts."""
    count = max(1, math.ceil(events / district_events))
    specs = []
    for n in range(count):
        code = str(420105 + n)
        name = DISTRICT_NAMES[n] if n < len(DISTRICT_NAMES) else f"第{n + 1}区"
        target = events // count + (1 if n < events % count else 0)
        specs.append((DistrictSpec(code, name, f"{seed}-{code}", watch=True, manifest=n == 0), target))
    return specs


def _generate_district(env: dict[str, str], spec: DistrictSpec, target: int) -> dict[str, Any]:
    """A worker process's job: one district on its own ``Duban`` (module-level, so it pickles)."""
    from duban.logging import configure as configure_logging

    configure_logging("WARNING")
    clock = FixedClock(OPENED)
    app = Duban(env=env, clock=clock)
    try:
        def progress(where: str) -> None:
            if where.startswith(("2025-04", "2025-07", "2025-10")):
                print(f"    district {spec.code}: {where}", flush=True)

        gen = generate(app, clock, target, progress, spec)
        print(f"    district {spec.code} ({spec.name}) done: {gen.items:,} items in {gen.seconds:.0f} s", flush=True)
        return {"code": spec.code, "items": gen.items, "refused": gen.refused, "seconds": gen.seconds,
                "manifest": gen.manifest}
    finally:
        app.close()


@dataclass
class Built:
    districts: int
    items: int
    refused: int
    seconds: float  # the districts' generation (wall time), accounts excluded
    workers: int
    manifest: dict[str, Any]
    accounts: int = 0
    accounts_seconds: float = 0.0

    @property
    def account_events(self) -> int:
        return 2 * self.accounts  # add_user: the user-name register's claim and the account

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def build_history(env: dict[str, str], events: int, district_events: int, seed: str, workers: int,
                  accounts: bool = True) -> Built:
    """Every district of an ``events``-event history into the store ``env`` names, ``workers`` at a
    time, then (``accounts``) the web benchmark's accounts."""
    specs = district_specs(events, district_events, seed)
    workers = max(1, min(workers, len(specs)))
    started = time.perf_counter()
    Duban(env=env).close()  # the store's tables, made once before parallel generators race to make them
    results = []
    if workers == 1:
        results = [_generate_district(env, spec, target) for spec, target in specs]
    else:
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn"))
        try:
            futures = [pool.submit(_generate_district, env, spec, target) for spec, target in specs]
            for future in as_completed(futures):
                results.append(future.result())
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            for process in list(getattr(pool, "_processes", {}).values()):  # our own workers, by object
                process.terminate()
            raise
        pool.shutdown()
    seconds = time.perf_counter() - started
    first = next(r for r in results if r["manifest"])
    built = Built(len(specs), sum(r["items"] for r in results), sum(r["refused"] for r in results), seconds,
                  workers, first["manifest"])
    if accounts:
        built.accounts_seconds = add_accounts(env, built.manifest)
        built.accounts = 2 + len(built.manifest["unit_users"])
    return built


def default_workers(store: str) -> int:
    """Parallel generators: one per core (at most 2) on PostgreSQL; one on SQLite (a single writer)."""
    return 1 if store == "sqlite" else max(1, min(2, os.cpu_count() or 1))
