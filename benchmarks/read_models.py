"""Read-model benchmark: catch-up throughput, rebuild time and ledger query time, per store.

Usage::

    .venv/bin/python benchmarks/read_models.py [--events 100000] [--stores sqlite,postgres] [--pg-url URL]

For each store it

1. generates a deterministic district-year history of about ``--events`` events through the
   ``Duban`` service (a district with 40 units and 6 leaders, then supervised items registered
   every working day, assigned, signed for, reported on monthly, urged when overdue, completed,
   sometimes sent back, signed off), advancing a ``FixedClock`` day by day;
2. measures the catch-up from empty read models (``ReadSide.catch_up(batch_size=1000)``),
   the rebuild (``ReadSide.rebuild()``), and the ledger query now and as of mid-year
   (``LedgerQueries.rows``), each query the median of 5 runs;
3. checks linearity: a second history of a quarter of the events is generated in its own
   store and caught up, and the ratio of per-event catch-up times (full / quarter) printed.
   A ratio near 1 means nothing grows quadratically with the history.

SQLite runs in a temporary directory; PostgreSQL (``--pg-url``, default the local ``test``
database, or ``DUBAN_TEST_DATABASE_URL``) in throwaway schemas that are dropped afterwards,
even on error.  An unreachable PostgreSQL is reported loudly and skipped.

The history is generated without ``app.items()`` or ``tick()`` in the loop (they load every
aggregate): the generator plans every action up front and keeps its own bookkeeping, so each
command loads just the one item it changes.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from domain.actor import Actor, Role  # noqa: E402
from domain.errors import DomainError  # noqa: E402
from domain.leadership import LeaderTitle  # noqa: E402
from domain.organisation import UnitKind  # noqa: E402
from domain.sources import SourceKind  # noqa: E402
from duban.application import Duban  # noqa: E402
from duban.clock import FixedClock  # noqa: E402
from duban.logging import configure as configure_logging  # noqa: E402
from duban.settings import postgres_env  # noqa: E402
from projections.ledger import LedgerQueries  # noqa: E402
from projections.read_side import ReadSide  # noqa: E402

DISTRICT = "420105"
YEAR = 2025
OPENED = date(YEAR, 1, 2)
TODAY = date(YEAR, 12, 31)
AS_OF = date(YEAR, 7, 1)  # the mid-year as-of query
UNITS = 40
LEADERS = 6
SEED = "duban-benchmark-read-models"
PG_URL = os.environ.get("DUBAN_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")

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

# Fixed per-organisation event counts: open_district = 3 (register, district, roster);
# register_unit / register_leader = 2 (register claim + aggregate); place_unit = 1.
ORG_EVENTS = 3 + 2 * UNITS + 2 * LEADERS + UNITS
# Per action kind: events it saves.  "register" = register_item (claim + item) + assign_item.
EVENTS = {"register": 3, "sign": 1, "report": 1, "urge": 1, "complete": 1, "send_back": 1, "sign_off": 1}
RANK = {"register": 0, "sign": 1, "report": 2, "urge": 3, "complete": 4, "send_back": 5, "sign_off": 6}


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


def working_days(first: date, last: date) -> list[date]:
    days, day = [], first
    while day <= last:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def next_monday(day: date) -> date:
    return day + timedelta(days=(7 - day.weekday()) % 7 or 7)


def plan_items(count: int) -> list[ItemPlan]:
    """``count`` items spread over the working days of the year, each with its whole story."""
    rng = random.Random(f"{SEED}-{count}")
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
        _script(plan, rng)
        plan.actions = [a for a in plan.actions if a[0] <= TODAY]
        plans.append(plan)
    return plans


def _script(plan: ItemPlan, rng: random.Random) -> None:
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


def planned_events(plans: list[ItemPlan]) -> int:
    return ORG_EVENTS + sum(EVENTS[kind] for p in plans for _, kind, _ in p.actions)


def plan_for(target: int) -> list[ItemPlan]:
    """The item count whose planned history is closest to ``target`` events (deterministic)."""
    count = max(1, round((target - ORG_EVENTS) / 9))
    for _ in range(4):
        plans = plan_items(count)
        per_item = (planned_events(plans) - ORG_EVENTS) / count
        better = max(1, round((target - ORG_EVENTS) / per_item))
        if better == count:
            break
        count = better
    return plan_items(count)


# -- writing the year through the service ----------------------------------------------------------
@dataclass
class Generated:
    items: int
    events: int
    seconds: float
    refused: int


def generate(app: Duban, clock: FixedClock, target: int, progress: Callable[[str], None]) -> Generated:
    started = time.perf_counter()
    plans = plan_for(target)
    admin = Actor("admin", Role.ADMIN, DISTRICT)
    office = Actor("duchashi", Role.OFFICE, DISTRICT)
    clock.set(OPENED)
    app.open_district(DISTRICT, "汉阳区", admin, on=OPENED)
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
    unit_actors = [Actor(f"unit-{u.hex[:6]}", Role.UNIT, DISTRICT, unit=u) for u in units]

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
                    attachments=[{"name": f"进展材料-{day:%Y%m}.pdf", "size": 120_000 + percent}], on=day)
            elif kind == "urge":
                app.urge_item(ids[index], "已超过办理时限，请抓紧办理并报送进展。", office, on=day)
            elif kind == "complete":
                app.report_completion(ids[index], "各项任务已按要求完成，现申请办结。", unit_actors[plan.lead],
                                      attachments=[{"name": "办结报告.pdf", "size": 256_000}], on=day)
            elif kind == "send_back":
                app.send_back_item(ids[index], "佐证材料不全，部分点位尚未整改到位。", office, on=day)
            elif kind == "sign_off":
                app.sign_off_item(ids[index], office, note="经检查复核，同意办结销号。", on=day)
        except DomainError:
            refused += 1
    clock.set(TODAY)
    events = app.store.recorder.max_notification_id() or 0
    return Generated(len(plans), events, time.perf_counter() - started, refused)


# -- stores -----------------------------------------------------------------------------------------
class StoreKind:
    """Hands out fresh, empty stores of one kind and removes them all afterwards."""

    name = ""

    def new_env(self) -> dict[str, str]:
        raise NotImplementedError

    def cleanup(self) -> None:
        pass


class SQLiteStores(StoreKind):
    name = "sqlite"

    def __init__(self) -> None:
        self.tmp = tempfile.TemporaryDirectory(prefix="duban-bench-")
        self.n = 0

    def new_env(self) -> dict[str, str]:
        self.n += 1
        return {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": f"{self.tmp.name}/events{self.n}.sqlite3"}

    def cleanup(self) -> None:
        self.tmp.cleanup()


class PostgresStores(StoreKind):
    name = "postgres"

    def __init__(self, url: str) -> None:
        self.url = url
        self.schemas: list[str] = []

    def new_env(self) -> dict[str, str]:
        import psycopg

        schema = f"bench_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {schema}")
        self.schemas.append(schema)
        return {**postgres_env(self.url), "POSTGRES_SCHEMA": schema}

    def cleanup(self) -> None:
        import psycopg

        for schema in self.schemas:
            try:
                with psycopg.connect(self.url, autocommit=True, connect_timeout=5) as conn:
                    conn.execute("SET lock_timeout = '30s'")
                    conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
            except Exception as error:  # noqa: BLE001 - report and go on dropping the others
                print(f"!! could not drop schema {schema}: {error}", file=sys.stderr)
        self.schemas.clear()


def postgres_problem(url: str) -> str | None:
    try:
        import psycopg

        with psycopg.connect(url, connect_timeout=3) as conn:
            conn.execute("select 1")
    except Exception as error:  # noqa: BLE001 - any failure means "not reachable"
        return f"{error.__class__.__name__}: {error}".strip()
    return None


# -- measuring --------------------------------------------------------------------------------------
@dataclass
class Result:
    store: str
    gen: Generated | None = None
    gen_quarter: Generated | None = None
    catch_up_s: float = 0.0
    catch_up_events: int = 0
    catch_up_batches: int = 0
    quarter_s: float = 0.0
    quarter_events: int = 0
    rebuild_s: float = 0.0
    rebuild_events: int = 0
    ledger_ms: float = 0.0
    ledger_rows: int = 0
    as_of_ms: float = 0.0
    as_of_rows: int = 0
    history_rows: int = 0

    @property
    def linearity(self) -> float:
        full = self.catch_up_s / self.catch_up_events
        quarter = self.quarter_s / self.quarter_events
        return full / quarter


def median_ms(run: Callable[[], object], times: int = 5) -> tuple[float, object]:
    samples, result = [], None
    for _ in range(times):
        started = time.perf_counter()
        result = run()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), result


def timed_catch_up(read_side: ReadSide, batch_size: int = 1000):
    started = time.perf_counter()
    report = read_side.catch_up(batch_size=batch_size)
    return time.perf_counter() - started, report


def say(message: str) -> None:
    print(message, flush=True)


def build(stores: StoreKind, target: int, label: str) -> tuple[Duban, Generated]:
    clock = FixedClock(OPENED)
    app = Duban(env=stores.new_env(), clock=clock)
    say(f"[{stores.name}] generating {label} history (~{target:,} events)…")
    gen = generate(app, clock, target, lambda where: None)
    say(f"[{stores.name}]   {gen.events:,} events, {gen.items:,} items in {gen.seconds:.1f} s "
        f"({gen.events / gen.seconds:,.0f} events/s written through the service, {gen.refused} refused)")
    return app, gen


def bench_store(stores: StoreKind, events: int) -> Result:
    result = Result(stores.name)
    apps: list[Duban] = []
    try:
        quarter_app, result.gen_quarter = build(stores, events // 4, "quarter")
        apps.append(quarter_app)
        full_app, result.gen = build(stores, events, "full")
        apps.append(full_app)

        # linearity: per-event catch-up time on the quarter history ...
        quarter_side = ReadSide(quarter_app.store)
        seconds, report = timed_catch_up(quarter_side)
        result.quarter_s, result.quarter_events = seconds, report.events
        say(f"[{stores.name}] catch-up quarter: {report.events:,} events in {seconds:.2f} s "
            f"({report.events / seconds:,.0f} events/s)")

        # ... and on the full one, from empty read models
        read_side = ReadSide(full_app.store)
        seconds, report = timed_catch_up(read_side)
        result.catch_up_s, result.catch_up_events, result.catch_up_batches = seconds, report.events, report.batches
        assert report.events == result.gen.events, (report.events, result.gen.events)
        say(f"[{stores.name}] catch-up full:    {report.events:,} events in {seconds:.2f} s "
            f"({report.events / seconds:,.0f} events/s, {report.batches} batches)")

        started = time.perf_counter()
        report = read_side.rebuild()
        result.rebuild_s, result.rebuild_events = time.perf_counter() - started, report.events
        say(f"[{stores.name}] rebuild:          {report.events:,} events in {result.rebuild_s:.2f} s")

        with read_side.read_models.transaction(commit=False) as sql:
            result.history_rows = sql.execute("SELECT COUNT(*) AS n FROM rm_ledger_history").row()["n"]
        queries = LedgerQueries(read_side.read_models, full_app.calendar())
        result.ledger_ms, rows = median_ms(lambda: queries.rows(DISTRICT, TODAY))
        result.ledger_rows = len(rows)
        result.as_of_ms, rows = median_ms(lambda: queries.rows(DISTRICT, TODAY, as_of=AS_OF))
        result.as_of_rows = len(rows)
        say(f"[{stores.name}] ledger query {result.ledger_ms:.1f} ms ({result.ledger_rows:,} rows); "
            f"as of {AS_OF} {result.as_of_ms:.1f} ms ({result.as_of_rows:,} rows)")
        return result
    finally:
        for app in apps:
            try:
                app.close()
            except Exception as error:  # noqa: BLE001
                print(f"!! closing the store failed: {error}", file=sys.stderr)
        stores.cleanup()


def table(results: list[Result], note: str) -> str:
    rows = [
        ("history generated (events)", lambda r: f"{r.gen.events:,}"),
        ("  items", lambda r: f"{r.gen.items:,}"),
        ("  generation time (s)", lambda r: f"{r.gen.seconds:.1f}"),
        ("  generation rate (events/s)", lambda r: f"{r.gen.events / r.gen.seconds:,.0f}"),
        ("catch-up from empty, batch 1000 (s)", lambda r: f"{r.catch_up_s:.2f}"),
        ("  catch-up throughput (events/s)", lambda r: f"{r.catch_up_events / r.catch_up_s:,.0f}"),
        ("rebuild (s)", lambda r: f"{r.rebuild_s:.2f}"),
        ("  rebuild throughput (events/s)", lambda r: f"{r.rebuild_events / r.rebuild_s:,.0f}"),
        ("ledger rows / history rows", lambda r: f"{r.ledger_rows:,} / {r.history_rows:,}"),
        ("ledger query now, median of 5 (ms)", lambda r: f"{r.ledger_ms:.1f}"),
        (f"ledger query as of {AS_OF}, median of 5 (ms)", lambda r: f"{r.as_of_ms:.1f}"),
        ("  as-of rows", lambda r: f"{r.as_of_rows:,}"),
        ("quarter history (events)", lambda r: f"{r.quarter_events:,}"),
        ("  quarter catch-up (s)", lambda r: f"{r.quarter_s:.2f}"),
        ("  quarter catch-up throughput (events/s)", lambda r: f"{r.quarter_events / r.quarter_s:,.0f}"),
        ("per-event time full / quarter (≈1 = linear)", lambda r: f"{r.linearity:.2f}"),
    ]
    width = max(len(label) for label, _ in rows)
    lines = [f"{'':{width}}  " + "  ".join(f"{r.store:>16}" for r in results)]
    lines.append("-" * len(lines[0]))
    for label, cell in rows:
        lines.append(f"{label:{width}}  " + "  ".join(f"{cell(r):>16}" for r in results))
    return "\n".join([note, *lines])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=100_000, help="size of the full history (default 100000)")
    parser.add_argument("--stores", default="sqlite,postgres", help="comma-separated: sqlite,postgres")
    parser.add_argument("--pg-url", default=PG_URL, help=f"PostgreSQL server (default {PG_URL})")
    args = parser.parse_args(argv)
    configure_logging("WARNING")  # no per-command log lines

    wanted = [s.strip() for s in args.stores.split(",") if s.strip()]
    unknown = set(wanted) - {"sqlite", "postgres"}
    if unknown:
        parser.error(f"unknown store(s): {', '.join(sorted(unknown))}")
    say(f"duban read-model benchmark: {args.events:,} events (+ a {args.events // 4:,}-event quarter history) "
        f"per store; stores: {', '.join(wanted)}; Python {sys.version.split()[0]}")
    results, skipped = [], []
    for name in wanted:
        if name == "postgres":
            problem = postgres_problem(args.pg_url)
            if problem:
                banner = "!" * 78
                say(f"\n{banner}\n!! POSTGRESQL NOT REACHABLE at {args.pg_url}\n!! {problem}\n"
                    f"!! SKIPPING THE POSTGRESQL BENCHMARK — continuing with the other stores.\n{banner}\n")
                skipped.append("postgres (unreachable)")
                continue
            stores: StoreKind = PostgresStores(args.pg_url)
        else:
            stores = SQLiteStores()
        results.append(bench_store(stores, args.events))
    if results:
        note = f"\n== duban read models: {args.events:,}-event district year, as of {TODAY} =="
        if skipped:
            note += f"\n   (skipped: {', '.join(skipped)})"
        say(table(results, note))
    return 0 if results else 1


if __name__ == "__main__":
    sys.exit(main())
