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

The history comes from ``benchmarks/history.py`` (shared with ``service.py``), generated without
``tick()`` in the loop (each would catch the read side up before looking at the open records): the
generator plans every action up front and keeps its own bookkeeping, so each command loads just the
one item it changes.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from duban.application import Duban  # noqa: E402
from duban.clock import FixedClock  # noqa: E402
from duban.logging import configure as configure_logging  # noqa: E402
from duban.settings import postgres_env  # noqa: E402
from history import OPENED, TODAY, YEAR, Generated, generate  # noqa: E402  (the shared history generator)
from projections.ledger import LedgerQueries  # noqa: E402
from projections.read_side import ReadSide  # noqa: E402
from stores import postgres_problem  # noqa: E402  (the benchmarks' shared store helpers)

DISTRICT = "420105"  # history.DistrictSpec()'s district
AS_OF = date(YEAR, 7, 1)  # the mid-year as-of query
PG_URL = os.environ.get("DUBAN_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")


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
