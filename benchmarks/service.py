"""Service benchmark (issue 11): a history of N events through the service, then one row per goal.

Usage::

    .venv/bin/python benchmarks/service.py --events 200000 [--store postgres|sqlite] [--pg-url URL] [--reuse]
        [--district-events 50000] [--reference-events 100000] [--only catchup,pages,load,ranking,writes]
        [--load-seconds 30] [--clients 50] [--web-workers 2] [--gen-workers 2]

1. **History** (``history.py``): ceil(N / district-events) districts of 40 units and 6 leaders,
   a year of supervised items each, written through ``Duban`` commands with a ``FixedClock``
   advancing day by day, deterministic from ``--seed``; districts in parallel worker processes.
   The service's write rate (events/s) is printed.  ``--reuse`` keeps the PostgreSQL schema /
   SQLite file (named from N, district size and seed) and skips generation when its completion
   marker is there.  The ``--reference-events`` history (default 100,000) is generated the same way.
2. **catchup**: ``ReadSide(store).catch_up()`` from emptied read models (events/s, goal ≥ 20,000);
   ``ReadSide.rebuild()`` (goal: 60 s per million events); the per-event catch-up time at N over
   that of the reference history (goal ≤ 1.2).
3. **pages** (``duban serve`` as a subprocess, see ``server.py``; logged in through the login form
   as an office user, a vice head and a unit user): p95 of sequential requests from one client for
   the ledger's first page under each filter and each sort its form offers (the worst is the row,
   each is listed), the ranking page, one unit's score explanation, the vice head's portfolio, the
   unit's inbox and an item page (goal ≤ 20 ms each).
4. **load** (``load.py``): ``--clients`` closed-loop clients on a random mix of those pages for
   ``--load-seconds``: requests/s (≥ 300), errors (none), p99 (≤ 500 ms) and the largest resident
   memory of any process of the server's tree (≤ 400 MB), sampled from /proc during the load.
5. **ranking** (``baseline_crud.py``): the CRUD baseline filled from the same events, served by
   litestar + uvicorn like the app; both rankings checked equal (unit, score, rank) for a year, a
   quarter and a month, then ``GET /api/ranking`` against the baseline's ``GET /ranking`` with the
   same number of clients (goal: app ≥ 10 × baseline).
6. **writes** (``writes.py``): a unit reporting progress with 1, 8 and 32 clients through the HTTP
   API and through the service in-process, each beside the raw single-row INSERT+COMMIT rate
   measured just before on the same database (goals ≥ 0.25 × and ≥ 0.5 ×).

A part that fails reports its rows as ``short`` with the reason and the other parts go on.
Subprocesses, and unless ``--reuse`` the schemas and files, are removed even on error or Ctrl-C.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import platform
import re
import subprocess
import sys
import time
import traceback
import uuid
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for path in (str(ROOT), str(HERE)):
    if path not in sys.path:
        sys.path.insert(0, path)

import baseline_crud  # noqa: E402
import history  # noqa: E402
import writes  # noqa: E402
from duban.application import Duban  # noqa: E402
from duban.clock import FixedClock  # noqa: E402
from duban.logging import configure as configure_logging  # noqa: E402
from load import HttpClient, Jar, MemoryWatch, Sampled, command_line, login, percentile, run_load, sample  # noqa: E402
from load import status_kib  # noqa: E402
from report import (Row, at_least, at_most, failed, fmt_float, fmt_int, ratio_at_least, ratio_at_most,  # noqa: E402
                    table)
from server import DubanServer, Features, Process, free_port, subprocess_env, wait_healthy  # noqa: E402
from stores import Cleanup, Location, crud_location, postgres_problem, terminate_on_sigterm  # noqa: E402

PARTS = ["catchup", "pages", "load", "ranking", "writes"]
PG_URL = os.environ.get("DUBAN_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
SEED = "duban-benchmark-service"
MB = 1024  # KiB per MiB (VmRSS is in KiB)


def say(message: str) -> None:
    print(message, flush=True)


# -- the run's state ---------------------------------------------------------------------------------------
@dataclass
class Bench:
    args: argparse.Namespace
    cleanup: Cleanup
    folder: Path = Path()
    history: Location | None = None
    described: dict[str, Any] = field(default_factory=dict)  # the history's completion marker
    reference: Location | None = None
    reference_described: dict[str, Any] = field(default_factory=dict)
    features: Features | None = None
    server: DubanServer | None = None
    server_error: Exception | None = None  # why the server could not be started (kept for later parts)
    jars: dict[str, Jar] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    details: list[str] = field(default_factory=list)

    @property
    def manifest(self) -> dict[str, Any]:
        return self.described["manifest"]

    @property
    def server_today(self) -> date:
        """The web server's today: the history's last day when ``serve --today`` exists."""
        if self.features is not None and not self.features.serve_today:
            return date.today()
        return date.fromisoformat(self.manifest["today"])

    @property
    def workers(self) -> int:
        """Web processes: ``--web-workers`` when ``duban serve`` takes ``--workers``, else one."""
        return self.args.web_workers if self.features and self.features.serve_workers else 1


# -- histories ---------------------------------------------------------------------------------------------
def location_for(b: Bench, events: int) -> Location:
    """Where an ``events``-event history lives: named from its size, district size and seed, and
    unique per run unless ``--reuse``."""
    digest = hashlib.sha1(b.args.seed.encode()).hexdigest()[:6]
    name = f"bench_svc_{events}_{b.args.district_events}_{digest}"
    if not b.args.reuse:
        name += f"_{uuid.uuid4().hex[:6]}"
    if b.args.store == "postgres":
        return Location("postgres", name, b.args.pg_url)
    folder = ROOT / "var" / "bench" if b.args.reuse else b.folder
    return Location("sqlite", str(folder / f"{name}.sqlite3"))


def obtain_history(b: Bench, events: int, label: str) -> tuple[Location, dict[str, Any]]:
    """The complete history of ``events`` events: reused when kept and complete, else generated."""
    location = location_for(b, events)
    if b.args.reuse:
        found = location.marker()
        if found:
            say(f"[{label}] reusing {location.describe()}: {found['events']:,} events, generated "
                f"{found['generated_at']} at {found['rate']:,.0f} events/s")
            now = location.count_events()
            if now != found["events"]:
                b.notes.append(f"the reused {label} now holds {now:,} events: {now - found['events']:,} more than "
                               f"generated, from earlier runs' write measurements")
            return location, found
        if location.exists():
            say(f"[{label}] {location.describe()} is incomplete (no completion marker): generating it again")
            location.drop()
    else:
        b.cleanup.add(f"drop {location.name}", location.drop)
    location.create()
    workers = b.args.gen_workers or history.default_workers(b.args.store)
    districts = len(history.district_specs(events, b.args.district_events, b.args.seed))
    say(f"[{label}] generating ~{events:,} events ({districts} district(s), {workers} worker process(es)) "
        f"into {location.describe()} …")
    built = history.build_history(location.env, events, b.args.district_events, b.args.seed, workers,
                                  accounts=label == "history")
    stored = location.count_events()
    described = {"events": stored, "target": events, "district_events": b.args.district_events,
                 "seed": b.args.seed, "districts": built.districts, "items": built.items, "refused": built.refused,
                 "seconds": round(built.seconds, 1), "rate": (stored - built.account_events) / built.seconds,
                 "workers": built.workers, "accounts": built.accounts,
                 "accounts_seconds": round(built.accounts_seconds, 1),
                 "generated_at": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                 "duban": git_commit(), "manifest": built.manifest}
    location.mark_complete(described)
    say(f"[{label}] {stored:,} events, {built.items:,} items in {built.seconds:.1f} s: "
        f"{described['rate']:,.0f} events/s through the service ({built.refused} refused)"
        + (f"; {built.accounts} accounts in {built.accounts_seconds:.1f} s" if built.accounts else ""))
    return location, described


# -- part: catch-up and rebuild ----------------------------------------------------------------------------
@dataclass
class CatchUp:
    events: int
    seconds: float
    rebuild_seconds: float = 0.0

    @property
    def rate(self) -> float:
        return self.events / self.seconds

    @property
    def per_event_us(self) -> float:
        return self.seconds / self.events * 1e6


def empty_read_models(read_side) -> None:
    """Drop every read-model row and the position (``projections.database.reset``)."""
    try:
        from projections.database import reset
    except ImportError:
        from projections.runner import reset  # type: ignore[no-redef]
    reset(read_side.read_models)


def settle_writes(location: Location) -> None:
    """On PostgreSQL, a CHECKPOINT before a timed catch-up or rebuild: the dirty pages and WAL that
    the run before it left are written out first, so one measurement does not pay for another's
    writes (a rebuild timed right after a full catch-up otherwise meets the checkpoints that the
    catch-up's gigabyte of WAL calls for).  Needs a superuser or the pg_checkpoint role; without
    one the runs are timed as they come."""
    if location.kind != "postgres":
        return
    conn = location.connect()
    try:
        conn.execute("CHECKPOINT")
        conn.commit()
    except Exception as error:  # noqa: BLE001 - a measurement without the checkpoint is still a measurement
        conn.rollback()
        say(f"[catchup] no CHECKPOINT before the timed runs ({error.__class__.__name__}); timing them as they come")
    finally:
        conn.close()


def measure_catch_up(location: Location, batch_size: int | None, rebuild: bool) -> CatchUp:
    from projections.read_side import ReadSide

    app = Duban(env=location.env)
    try:
        side = ReadSide(app.store)
        options = {"batch_size": batch_size} if batch_size else {}
        empty_read_models(side)
        settle_writes(location)
        started = time.perf_counter()
        report = side.catch_up(**options)
        measured = CatchUp(getattr(report, "events", None) or side.position(), time.perf_counter() - started)
        if rebuild:
            settle_writes(location)
            started = time.perf_counter()
            side.rebuild(**options)
            measured.rebuild_seconds = time.perf_counter() - started
        return measured
    finally:
        app.close()


def part_catchup(b: Bench) -> list[Row]:
    names = ("catch-up from empty", "full rebuild", "per-event catch-up, N / reference")
    goals = ("≥ 20,000 ev/s", "≤ 60 s per 1M events", "≤ 1.2 × reference")
    rows: list[Row] = []
    try:
        say("[catchup] catch-up from empty, then rebuild …")
        main = measure_catch_up(b.history, b.args.batch_size, rebuild=True)
        rows.append(at_least(f"{names[0]} ({main.events:,} events)", main.rate, 20_000, fmt_int("ev/s"), goals[0]))
        budget = 60.0 * main.events / 1_000_000
        rows.append(at_most(f"{names[1]} ({main.events:,} events)", main.rebuild_seconds, budget,
                            fmt_float("s", 2), goals[1]))
        b.details.append(f"catch-up {main.events:,} events in {main.seconds:.2f} s; rebuild "
                         f"{main.rebuild_seconds:.2f} s ({main.events / main.rebuild_seconds:,.0f} ev/s; "
                         f"the rebuild's target is 60 s × {main.events:,} / 1,000,000 = {budget:.2f} s)")
    except Exception as error:  # noqa: BLE001 - reported in the rows
        return [fail(b, n, g, error) for n, g in zip(names, goals)]
    try:
        if b.reference is None or b.reference.name == b.history.name:
            reference = main
            b.details.append("per-event ratio: the reference history is the history itself")
        else:
            say("[catchup] reference history: catch-up from empty …")
            reference = measure_catch_up(b.reference, b.args.batch_size, rebuild=False)
            b.details.append(f"reference catch-up {reference.events:,} events in {reference.seconds:.2f} s "
                             f"({reference.rate:,.0f} ev/s)")
        rows.append(ratio_at_most(f"{names[2]} ({main.events:,} / {reference.events:,})", main.per_event_us,
                                  reference.per_event_us, fmt_float("µs/ev", 1), 1.2, goals[2]))
    except Exception as error:  # noqa: BLE001
        rows.append(fail(b, names[2], goals[2], error))
    return rows


# -- the web server and its sessions -------------------------------------------------------------------------
def catch_up_here(location: Location) -> tuple[int, float]:
    """Bring the read models up to date from this process (when duban has no worker to do it)."""
    from projections.read_side import ReadSide

    app = Duban(env=location.env)
    try:
        started = time.perf_counter()
        report = ReadSide(app.store).catch_up()
        return getattr(report, "events", 0), time.perf_counter() - started
    finally:
        app.close()


def wait_caught_up(location: Location, timeout: float) -> float:
    """Seconds until the read models' position reaches the last event (a worker catching up)."""
    from projections.read_side import ReadSide

    app = Duban(env=location.env)
    try:
        side, last, started = ReadSide(app.store), app.store.recorder.max_notification_id() or 0, time.perf_counter()
        while side.position() < last:
            if time.perf_counter() - started > timeout:
                raise RuntimeError(f"read models at {side.position():,} of {last:,} after {timeout:.0f} s")
            time.sleep(0.5)
        return time.perf_counter() - started
    finally:
        app.close()


def ensure_server(b: Bench) -> DubanServer:
    if b.server is not None:
        return b.server
    if b.server_error is not None:
        raise b.server_error
    try:
        b.features = Features.read(subprocess_env(b.history.server_env))
        if not b.features.worker:
            events, seconds = catch_up_here(b.history)
            b.notes.append(f"read models caught up before serving: {events:,} events in {seconds:.1f} s")
        env = {**b.history.server_env, "DUBAN_PAGE_CACHE": "1" if b.args.page_cache == "on" else "0"}
        b.notes.append(f"page cache {b.args.page_cache} (DUBAN_PAGE_CACHE)")
        server = DubanServer(env, b.features, b.folder, b.manifest["today"], b.args.web_workers,
                             b.args.server_timeout)
        b.cleanup.add("stop duban serve", server.stop)
        say("[web] starting duban serve …")
        server.start()
        if b.features.worker:
            b.notes.append(f"worker caught up {wait_caught_up(b.history, b.args.server_timeout):.1f} s after start")
        b.notes.extend(server.notes)
        b.server = server
        b.jars = asyncio.run(log_in(server.port, b.manifest))
        return server
    except Exception as error:
        b.server_error = error
        raise


async def log_in(port: int, manifest: dict[str, Any]) -> dict[str, Jar]:
    """Sessions of the office user, the vice head and a unit user of the vice head's portfolio."""
    users = {"office": manifest["office_user"], "leader": manifest["leader_user"],
             "unit": manifest["unit_users"][manifest["portfolio_unit"]]}
    client = HttpClient("127.0.0.1", port)
    try:
        return {role: await login(client, name, manifest["password"]) for role, name in users.items()}
    finally:
        await client.close()


# -- part: pages, one client -----------------------------------------------------------------------------------
PAGES = ("ranking page", "score explanation (one unit)", "leader portfolio (vice head)", "unit inbox", "item page")


def pages(b: Bench) -> dict[str, tuple[str, str]]:
    """The single pages measured (``PAGES``): label -> (session, path)."""
    m = b.manifest
    unit = uuid.UUID(m["units"][m["portfolio_unit"]])
    paths = [("leader", f"/leader/ranking?period={m['year']}"),
             ("leader", f"/leader/ranking/{unit}?period={m['year']}"),
             ("leader", "/leader/"), ("unit", "/unit/"), ("office", f"/office/items/{uuid.UUID(m['item'])}")]
    return dict(zip(PAGES, paths))


def form_options(html: str, name: str) -> list[str] | None:
    found = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    return re.findall(r'<option value="([^"]*)"', found[1]) if found else None


def ledger_paths(html: str, unit_hex: str, as_of: str) -> list[tuple[str, str]]:
    """Every single filter the ledger form offers (one unit stands for the unit filter) × every sort."""
    filters: list[tuple[str, dict[str, str]]] = [("no filter", {})]
    units = form_options(html, "unit") or [unit_hex]
    filters.append(("unit", {"unit": unit_hex if unit_hex in units else units[-1]}))
    for name in ("status", "source", "closed", "overdue_only"):
        values = [v for v in form_options(html, name) or [] if v]
        filters += [(f"{name}={v}" if len(values) > 1 else name, {name: v}) for v in values]
    if 'name="as_of"' in html:
        filters.append((f"as_of={as_of}", {"as_of": as_of}))
    sorts = [v for v in form_options(html, "sort") or ["number", "deadline", "overdue", "unit"] if v]
    return [(f"{label}, sort={sort}", "/office/ledger?" + urlencode({**query, "sort": sort}))
            for label, query in filters for sort in sorts]


async def ledger_combinations(b: Bench) -> list[tuple[str, str]]:
    client = HttpClient("127.0.0.1", b.server.port)
    try:
        form = await client.request("GET", "/office/ledger", b.jars["office"])
    finally:
        await client.close()
    if form.status != 200:
        raise RuntimeError(f"GET /office/ledger answered {form.status}")
    m = b.manifest
    return ledger_paths(form.text, m["units"][m["portfolio_unit"]], f"{m['year']}-07-01")


async def measure_pages(b: Bench, ledger: list[tuple[str, str]]) -> tuple[dict[str, Sampled], dict[str, Sampled]]:
    client = HttpClient("127.0.0.1", b.server.port)
    cap = b.args.sample_cap_seconds
    try:
        singles = {label: await sample(client, path, b.jars[role], b.args.repeat, cap)
                   for label, (role, path) in pages(b).items()}
        combos = {label: await sample(client, path, b.jars["office"], b.args.ledger_repeat, cap)
                  for label, path in ledger}
    finally:
        await client.close()
    return singles, combos


def p95_row(name: str, sampled: Sampled) -> Row:
    goal = "p95 ≤ 20 ms"
    if sampled.errors:
        return failed(name, goal, f"{len(sampled.errors)} error(s), first: {sampled.errors[0]}")  # listed apart
    return at_most(name, sampled.p95 * 1000, 20.0, fmt_float("ms", 1), goal)


def part_pages(b: Bench) -> list[Row]:
    try:
        ensure_server(b)
        ledger = asyncio.run(ledger_combinations(b))
        say(f"[pages] one client: {len(pages(b))} pages × {b.args.repeat} and {len(ledger)} ledger filter/sort "
            f"combinations × {b.args.ledger_repeat} …")
        singles, combos = asyncio.run(measure_pages(b, ledger))
    except Exception as error:  # noqa: BLE001
        return [fail(b, n, "p95 ≤ 20 ms", error) for n in ["ledger first page, worst filter × sort", *PAGES]]
    worst_label, worst = max(combos.items(), key=lambda kv: (bool(kv[1].errors), kv[1].p95 if kv[1].seconds else 0))
    rows = [p95_row(f"ledger first page, worst of {len(combos)}: {worst_label}", worst)]
    rows += [p95_row(label, sampled) for label, sampled in singles.items()]
    capped = [label for label, s in {**singles, **combos}.items() if s.capped]
    if capped:
        b.details.append(f"sampled fewer times (each stopped after {b.args.sample_cap_seconds:.0f} s): "
                         + "; ".join(capped))
    listing = sorted(combos.items(), key=lambda kv: -(kv[1].p95 if kv[1].seconds else float("inf")))
    cells = [f"{label} {'ERR' if s.errors else f'{s.p95 * 1000:.1f} ms'}" for label, s in listing]
    b.details.append("ledger first page p95 by filter × sort (worst first):\n      " + "\n      ".join(
        "; ".join(cells[n:n + 3]) for n in range(0, len(cells), 3)))
    for label, s in {**singles, **combos}.items():
        if s.errors:
            b.details.append(f"{label}: {len(s.errors)} error(s), first: {s.errors[0]}")
    for label, s in singles.items():
        if s.seconds:
            b.details.append(f"{label}: p50 {percentile(s.seconds, 50) * 1000:.1f} ms, p95 {s.p95 * 1000:.1f} ms "
                             f"over {len(s.seconds)} requests")
    return rows


# -- part: concurrent load ---------------------------------------------------------------------------------------
def part_load(b: Bench) -> list[Row]:
    clients, seconds = b.args.clients, b.args.load_seconds
    names = [f"{clients} clients, page mix: throughput", f"{clients} clients: errors", f"{clients} clients: p99",
             "resident memory per web process (max)"]
    goals = ["≥ 300 req/s", "none", "p99 ≤ 500 ms", "≤ 400 MB"]
    try:
        server = ensure_server(b)
        ledger = asyncio.run(ledger_combinations(b))
        mix: dict[str, list[tuple[str, str]]] = {"ledger": [("office", path) for _, path in ledger]}
        for label, (role, path) in pages(b).items():
            mix[label.split(" (")[0]] = [(role, path)]
        kinds = sorted(mix)
        watch = MemoryWatch(server.web.pid)
        watch.sample_now()

        def next_request(_client: int, rng) -> tuple:
            kind = rng.choice(kinds)
            role, path = rng.choice(mix[kind])
            return kind, "GET", path, b.jars[role], b"", {}

        say(f"[load] {clients} clients on a mix of {len(kinds)} pages for {seconds:.0f} s …")
        result = asyncio.run(run_load("127.0.0.1", server.port, clients, seconds, next_request, watch.run))
        watch.sample_now()
    except Exception as error:  # noqa: BLE001
        return [fail(b, n, g, error) for n, g in zip(names, goals)]
    p99 = percentile(result.latencies, 99) * 1000 if result.latencies else float("inf")
    peak = max(watch.peak_kib.values(), default=0) / MB
    rows = [at_least(names[0], result.rate, 300, fmt_float("req/s"), goals[0]),
            Row(names[1], f"{result.errors:,} of {result.requests + result.errors:,}", "ref 0", "—", goals[1],
                result.errors == 0),
            at_most(names[2], p99, 500, fmt_float("ms", 0), goals[2]),
            at_most(f"{names[3]} ({len(watch.peak_kib)} process(es))", peak, 400, fmt_int("MB"), goals[3])]
    b.details.append(f"load: {result.requests:,} answers in {result.elapsed:.1f} s; by page: " + "; ".join(
        f"{kind} {len(v):,} p50 {percentile(v, 50) * 1000:.0f} ms p99 {percentile(v, 99) * 1000:.0f} ms"
        for kind, v in sorted(result.by_kind.items())))
    if result.error_examples:
        b.details.append("load errors: " + "; ".join(f"{k} ×{v}" for k, v in result.error_examples.items()))
    for process in server.processes:
        if process is not server.web:
            b.details.append(f"{process.name} (not a web process): VmRSS {(status_kib(process.pid) or 0) / MB:,.0f} MB"
                             f" after the load, VmHWM {(status_kib(process.pid, 'VmHWM') or 0) / MB:,.0f} MB")
    b.details.append("server processes, peak VmRSS during the load / VmHWM: " + "; ".join(
        f"pid {pid} {kib / MB:,.0f} MB / {(status_kib(pid, 'VmHWM') or 0) / MB:,.0f} MB ({command_line(pid)[:60]})"
        for pid, kib in sorted(watch.peak_kib.items())))
    b.notes.append(f"load generator: one asyncio event loop, raw HTTP/1.1 on keep-alive connections (no wrk "
                   f"installed{'' if not which('wrk') else ', wrk present but not used'}); it used "
                   f"{result.cpu_seconds:.1f} s CPU in {result.elapsed:.1f} s "
                   f"({100 * result.cpu_seconds / result.elapsed:.0f} % of one core) for "
                   f"{result.requests + result.errors:,} requests")
    return rows


def which(command: str) -> bool:
    return subprocess.run(["sh", "-c", f"command -v {command}"], capture_output=True).returncode == 0


# -- part: ranking against the CRUD baseline -------------------------------------------------------------------------
def obtain_crud(b: Bench) -> Location:
    crud = crud_location(b.history)
    if b.args.reuse and crud.marker():
        say(f"[ranking] reusing the CRUD baseline in {crud.describe()}")
        return crud
    if not b.args.reuse:
        b.cleanup.add(f"drop {crud.name}", crud.drop)
    say(f"[ranking] filling the CRUD baseline in {crud.describe()} from the history's events …")
    app = Duban(env=b.history.env)
    try:
        filled = baseline_crud.fill(app.store, crud)
    finally:
        app.close()
    crud.mark_complete(filled)
    b.details.append(f"CRUD baseline: {filled['counts']} filled in {filled['seconds']} s")
    return crud


def start_crud_server(b: Bench, crud: Location) -> tuple[Process, int]:
    port = free_port()
    env = subprocess_env({"CRUD_LOCATION": json.dumps(asdict(crud))})
    process = Process("CRUD baseline server", [sys.executable, str(HERE / "baseline_crud.py"), "serve", "--port",
                                               str(port), "--workers", str(b.workers)], env, b.folder / "crud.log")
    b.cleanup.add("stop the CRUD baseline server", process.stop)
    process.start()
    wait_healthy(process, port, 120)
    return process, port


async def compare_rankings(b: Bench, crud_port: int) -> tuple[str, list[str]]:
    """The scheme the app ranks with, and the differences between the two rankings (none: equal)."""
    m = b.manifest
    app_client, crud_client = HttpClient("127.0.0.1", b.server.port), HttpClient("127.0.0.1", crud_port)
    problems: list[str] = []
    try:
        first = await app_client.request("GET", f"/api/ranking?period={m['year']}", b.jars["office"])
        if first.status != 200:
            raise RuntimeError(f"GET /api/ranking answered {first.status}")
        scheme = first.json()["scheme"]
        for period in (str(m["year"]), f"{m['year']}-Q3", f"{m['year']}-06"):
            query = urlencode({"period": period, "scheme": scheme})
            ours = (await app_client.request("GET", f"/api/ranking?{query}", b.jars["office"])).json()["scores"]
            theirs = (await crud_client.request("GET", f"/ranking?district={m['district']}&{query}")).json()["scores"]
            a = [(s["unit_id"], round(s["score"], 2), s["rank"]) for s in ours]
            c = [(s["unit_id"], round(s["score"], 2), s["rank"]) for s in theirs]
            if a != c:
                diff = [f"{x} vs {y}" for x, y in zip(a, c) if x != y][:3]
                problems.append(f"{period}: {len(a)} vs {len(c)} units; first differences (unit, score, rank) "
                                f"app vs CRUD: {diff}")
    finally:
        await app_client.close()
        await crud_client.close()
    return scheme, problems


def part_ranking(b: Bench) -> list[Row]:
    name, goal = f"ranking at {b.args.clients} clients vs CRUD aggregate query", "≥ 10 × CRUD"
    try:
        server = ensure_server(b)
        crud = obtain_crud(b)
        _, crud_port = start_crud_server(b, crud)
        scheme, problems = asyncio.run(compare_rankings(b, crud_port))
        m = b.manifest
        query = urlencode({"period": m["year"], "scheme": scheme})
        seconds = b.args.ranking_seconds

        def app_request(_n, _rng):
            return "app", "GET", f"/api/ranking?{query}", b.jars["office"], b"", {}

        def crud_request(_n, _rng):
            return "crud", "GET", f"/ranking?district={m['district']}&{query}", None, b"", {}

        say(f"[ranking] {b.args.clients} clients × {seconds:.0f} s on /api/ranking, then on the CRUD baseline …")
        app = asyncio.run(run_load("127.0.0.1", server.port, b.args.clients, seconds, app_request))
        base = asyncio.run(run_load("127.0.0.1", crud_port, b.args.clients, seconds, crud_request))
    except Exception as error:  # noqa: BLE001
        return [fail(b, name, goal, error)]
    row = ratio_at_least(name, app.rate, base.rate, fmt_float("req/s"), 10, goal)
    b.details.append(f"ranking {m['year']} ({scheme}), HTTP against HTTP, {b.workers} web process(es) each: "
                     f"app /api/ranking {app.rate:,.1f} req/s (p99 {percentile(app.latencies, 99) * 1000:,.0f} ms, "
                     f"{app.errors} errors); CRUD /ranking {base.rate:,.1f} req/s "
                     f"(p99 {percentile(base.latencies, 99) * 1000:,.0f} ms, {base.errors} errors)")
    if problems:
        banner = "!" * 78
        say(f"\n{banner}\n!! THE CRUD RANKING DIFFERS FROM THE APP'S:\n" + "\n".join(f"!! {p}" for p in problems)
            + f"\n{banner}\n")
        b.details.append("RANKING MISMATCH: " + " | ".join(problems))
        row.ok = False
        row.goal += " (MISMATCH)"
    else:
        b.details.append("the CRUD ranking equals the app's (unit, score, rank) for the year, Q3 and June")
    if app.errors or base.errors:
        row.ok = False
    return [row]


# -- part: writes --------------------------------------------------------------------------------------------------
def part_writes(b: Bench) -> list[Row]:
    levels = [int(c) for c in b.args.write_clients.split(",")]
    names = [(f"progress via HTTP API, {c} client(s)", f"progress via service, {c} client(s)") for c in levels]
    goals = ("≥ 0.25 × raw INSERT+COMMIT", "≥ 0.5 × raw INSERT+COMMIT")
    rows: list[Row] = []
    try:
        server = ensure_server(b)
        writes.prepare_raw_table(b.history)
        b.cleanup.add("drop the raw INSERT table", lambda: writes.drop_raw_table(b.history))
        app = Duban(env=b.history.env, clock=FixedClock(b.server_today))
        b.cleanup.add("close the writes' Duban", app.close)
    except Exception as error:  # noqa: BLE001
        return [fail(b, n, g, error) for pair in names for n, g in zip(pair, goals)]
    jars: dict[str, Jar] = {}
    seconds, fmt = b.args.write_seconds, fmt_float("/s")
    for clients, (http_name, service_name) in zip(levels, names):
        try:
            writers = writes.allocate(b.manifest, clients)
            say(f"[writes] {clients} client(s): raw INSERT+COMMIT, service, HTTP API, {seconds:.0f} s each …")
            raw = writes.raw_insert_rate(b.history, clients, seconds)
            service = writes.service_write_rate(app, writers, b.manifest["district"], seconds, b.server_today)
            missing = [w for w in writers if w.username not in jars]
            if missing:
                for writer, jar in zip(missing, asyncio.run(writes.log_in_writers(server.port, missing,
                                                                                  b.manifest["password"]))):
                    jars[writer.username] = jar
            http = asyncio.run(writes.http_write_rate(server.port, writers, [jars[w.username] for w in writers],
                                                      seconds))
        except Exception as error:  # noqa: BLE001
            rows += [fail(b, http_name, goals[0], error), fail(b, service_name, goals[1], error)]
            continue
        rows.append(ratio_at_least(http_name, http.per_second, raw.per_second, fmt, 0.25, goals[0]))
        rows.append(ratio_at_least(service_name, service.per_second, raw.per_second, fmt, 0.5, goals[1]))
        b.details.append(f"writes, {clients} client(s): raw {raw.done:,} commits ({raw.per_second:,.0f}/s), "
                         f"service {service.done:,} ({service.per_second:,.1f}/s), "
                         f"HTTP {http.done:,} ({http.per_second:,.1f}/s)" + refusals(raw, service, http))
    return rows


def refusals(raw, service, http) -> str:
    parts = [f"{label} refused {rate.errors}" for label, rate in (("raw", raw), ("service", service), ("HTTP", http))
             if rate.errors]
    return "; " + "; ".join(parts) if parts else ""


# -- the header -------------------------------------------------------------------------------------------------
def git_commit() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                               capture_output=True, text=True, timeout=10).stdout.strip()
        return head + ("+changes" if dirty else "") if head else "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def machine() -> str:
    cpu = "?"
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                   if line.startswith("model name"))
        memory = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                          if line.startswith("MemTotal"))) / 1024 / 1024
    except (OSError, StopIteration):
        memory = 0
    load = os.getloadavg()
    return (f"{platform.node()} · {cpu} · {os.cpu_count()} cores · {memory:.1f} GiB · load average at start "
            f"{load[0]:.2f}/{load[1]:.2f}/{load[2]:.2f}")


def store_version(b: Bench) -> str:
    if b.args.store == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    import psycopg

    from stores import plain_url

    with psycopg.connect(plain_url(b.args.pg_url)) as conn:
        return f"PostgreSQL {conn.execute('SHOW server_version').fetchone()[0]}"


def history_line(label: str, location: Location, d: dict[str, Any], reused: bool) -> str:
    origin = (f"reused (generated {d['generated_at']} by duban {d.get('duban', '?')})" if reused
              else "generated in this run")
    return (f"{label}: {d['events']:,} events (target {d['target']:,}), {d['districts']} district(s) of "
            f"~{d['district_events']:,}, {d['items']:,} items, {origin}; the service wrote {d['rate']:,.0f} "
            f"events/s ({d['workers']} generator process(es), {d['seconds']:,.0f} s, {d['refused']} refused)"
            + (f"; {d['accounts']} accounts added apart in {d['accounts_seconds']:.1f} s (argon2)" if d.get("accounts")
               else "") + f" — {location.describe()}")


# -- running it ----------------------------------------------------------------------------------------------------
def fail(b: Bench, name: str, goal: str, error: BaseException) -> Row:
    """A row for a part that failed (the reason's first line); the whole reason goes to the details once."""
    whole = f"error: {error.__class__.__name__}: {error}".strip().replace("\n", "\n      ")
    if whole not in b.details:
        b.details.append(whole)
    return failed(name, goal, describe(error))


def describe(error: BaseException) -> str:
    """An error's class and the first line of its message."""
    return f"{error.__class__.__name__}: {error}".strip().splitlines()[0]


PART_FUNCTIONS: dict[str, Callable[[Bench], list[Row]]] = {
    "catchup": part_catchup, "pages": part_pages, "load": part_load, "ranking": part_ranking, "writes": part_writes,
}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--events", type=int, required=True, help="events in the history")
    parser.add_argument("--store", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--pg-url", default=PG_URL, help="PostgreSQL server and database")
    parser.add_argument("--district-events", type=int, default=50_000,
                        help="events per district (a large district's year)")
    parser.add_argument("--reference-events", type=int, default=100_000,
                        help="the reference history for the per-event ratio")
    parser.add_argument("--seed", default=SEED)
    parser.add_argument("--reuse", action="store_true", help="keep generated histories and reuse complete ones")
    parser.add_argument("--only", default=",".join(PARTS), help="comma-separated parts to run")
    parser.add_argument("--gen-workers", type=int, default=0,
                        help="generator processes (0: 2 on PostgreSQL, 1 on SQLite)")
    parser.add_argument("--batch-size", type=int, default=0, help="catch-up batch size (0: ReadSide's default)")
    parser.add_argument("--web-workers", type=int, default=2, help="web processes, if `duban serve` takes --workers")
    parser.add_argument("--server-timeout", type=float, default=900,
                        help="seconds to wait for the server to be healthy")
    parser.add_argument("--repeat", type=int, default=40, help="requests per page for its p95")
    parser.add_argument("--ledger-repeat", type=int, default=20, help="requests per ledger filter × sort")
    parser.add_argument("--sample-cap-seconds", type=float, default=15, help="stop sampling one URL after this long")
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients for the load and the ranking")
    parser.add_argument("--load-seconds", type=float, default=30)
    parser.add_argument("--ranking-seconds", type=float, default=10, help="each side of the ranking comparison")
    parser.add_argument("--write-clients", default="1,8,32")
    parser.add_argument("--write-seconds", type=float, default=5, help="each write measurement")
    parser.add_argument("--page-cache", choices=["on", "off"], default="on",
                        help="the web processes' page cache; off: every page computed, to show what that costs")
    args = parser.parse_args(argv)
    unknown = set(args.only.split(",")) - set(PARTS)
    if unknown:
        parser.error(f"unknown part(s) {', '.join(sorted(unknown))}; choose from {', '.join(PARTS)}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    configure_logging("WARNING")  # no log line per command in this process
    terminate_on_sigterm()
    parts = [p for p in PARTS if p in args.only.split(",")]
    b = Bench(args, Cleanup())
    rows: list[Row] = []
    lines: list[str] = []
    status = 0
    try:
        b.folder = b.cleanup.temporary_folder()
        if args.store == "postgres" and (problem := postgres_problem(args.pg_url)):
            say(f"!! PostgreSQL not reachable at {args.pg_url}: {problem}\n!! use --store sqlite or --pg-url")
            return 1
        lines += [f"machine: {machine()}",
                  f"software: Python {sys.version.split()[0]} · duban {git_commit()} · {store_version(b)}"]
        say("\n".join(lines))
        reused = args.reuse and location_for(b, args.events).marker() is not None
        b.history, b.described = obtain_history(b, args.events, "history")
        lines.append(history_line("history", b.history, b.described, reused))
        if "catchup" in parts and args.reference_events != args.events:
            reused = args.reuse and location_for(b, args.reference_events).marker() is not None
            b.reference, b.reference_described = obtain_history(b, args.reference_events, "reference")
            lines.append(history_line("reference", b.reference, b.reference_described, reused))
        for part in parts:
            try:
                rows += PART_FUNCTIONS[part](b)
            except Exception as error:  # noqa: BLE001 - a part's own failure must not stop the others
                traceback.print_exc()
                rows.append(fail(b, part, "—", error))
    except KeyboardInterrupt:
        say("\n!! interrupted: cleaning up")
        status = 130
    except Exception as error:  # noqa: BLE001
        traceback.print_exc()
        say(f"!! the benchmark stopped: {describe(error)}")
        status = 1
    finally:
        if b.server is not None:
            b.server.stop()
        b.cleanup.run()
    print_report(b, lines, rows, parts)
    return status or (0 if rows and all(r.ok for r in rows) else 2 if rows else 1)


def print_report(b: Bench, lines: list[str], rows: list[Row], parts: list[str]) -> None:
    args = b.args
    say(f"\n== duban service benchmark (issue 11): {args.events:,} events on {args.store}, "
        f"parts {','.join(parts)} ==")
    for line in lines:
        say(line)
    kept = "kept for --reuse" if args.reuse else "dropped at the end"
    say(f"settings: {args.clients} clients, load {args.load_seconds:.0f} s, ranking {args.ranking_seconds:.0f} s "
        f"per side, writes {args.write_seconds:.0f} s per measurement, p95 over {args.repeat} (pages) / "
        f"{args.ledger_repeat} (ledger combinations) requests; histories {kept}")
    for note in b.notes:
        say(f"note: {note}")
    if args.store == "sqlite":
        say("note: SQLite — one writer at a time; the raw INSERT+COMMIT rate is measured on the same file; "
            "no PostgreSQL-only details (LISTEN/NOTIFY, advisory locks) apply")
    if rows:
        say("")
        say(table(rows))
    for detail in b.details:
        say(f"  · {detail}")


if __name__ == "__main__":
    sys.exit(main())
