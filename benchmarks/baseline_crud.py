"""The baseline the ranking is judged against: a plain normalised CRUD schema and one aggregate query.

Schema (its own PostgreSQL schema or SQLite file, filled from the same history's events):

- ``crud_districts(code)``, ``crud_units(id, district, code, name, retired_on)``;
- ``crud_items(id, district, year, number, title, source, registered_on, deadline, lead_unit,
  status)`` — an item's current row, as a CRUD application keeps it;
- ``crud_item_units(item_id, unit_id, role)`` — lead and co-units;
- ``crud_item_events(id, item_id, on_date, kind, unit_id, status, fact_on)`` — one row per thing
  that happened to an item (``urged``, ``deadline_missed``, ``completion_reported``, ``signed_off``,
  …), with the unit it concerns and the item's status after it: the audit log a CRUD application
  writes beside its rows; ``fact_on`` is the day it counts in a ranking (the day a deadline or a
  monthly report was missed, whichever day's watch recorded it; else ``on_date``);
- ``crud_fact_kinds(kind, fact)``, ``crud_schemes(version, base)``,
  ``crud_scheme_points(scheme, fact, points)`` — the scoring schemes of ``projections/schemes``;

with foreign keys and the obvious indexes (items by district; events by item and date, by kind
and date, by unit).

``RANKING_SQL`` computes a district's ranking for a period in one statement, the way the app
defines it (``projections/ranking.py``): score = base + Σ points × count over the unit's facts in
the period — urged / deadline missed / monthly report missed / criticised / interviewed /
commended events by their unit; signed-off items as completed on time or late (the last
completion report before the sign-off against the deadline) for the lead unit; and items still
due at the period's end, past their deadline, whose missed deadline was recorded, as
``open_overdue`` — ranked by score (equal scores share a rank), then by name.  Notices,
rectification tasks and inspections are not in the benchmark's history, so the baseline leaves
them out; extensions and re-assignments are not either, so an item's current deadline and lead
unit are those of any day.

``python benchmarks/baseline_crud.py serve --port P [--workers W]`` serves ``GET
/ranking?district=&period=&scheme=`` (JSON) from the location in ``CRUD_LOCATION`` with litestar
and uvicorn, as the app is served, so both can be driven over HTTP by the same load generator.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import threading
import time
import tomllib
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Callable, Iterator

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from stores import Location  # noqa: E402

SCHEMES = ROOT / "projections" / "schemes"
STILL_DUE = ("assigned", "in_progress", "cannot_implement_reported")  # an item waiting on its unit
FACT_KINDS = {  # item event kind -> the fact it is for the event's unit
    "urged": "urged", "deadline_missed": "deadline_missed", "monthly_report_missed": "report_missed",
    "criticised": "criticised", "interviewed": "interviewed", "commended": "commended",
}
TABLES = ["crud_item_events", "crud_item_units", "crud_items", "crud_units", "crud_districts",
          "crud_scheme_points", "crud_schemes", "crud_fact_kinds"]

SCHEMA_SQL = """
CREATE TABLE crud_districts (code TEXT PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE crud_units (
    id TEXT PRIMARY KEY, district TEXT NOT NULL REFERENCES crud_districts (code),
    code TEXT NOT NULL, name TEXT NOT NULL, retired_on {date}, UNIQUE (district, code));
CREATE TABLE crud_items (
    id TEXT PRIMARY KEY, district TEXT NOT NULL REFERENCES crud_districts (code), year INTEGER NOT NULL,
    number INTEGER NOT NULL, title TEXT NOT NULL, source TEXT NOT NULL, registered_on {date} NOT NULL,
    deadline {date}, lead_unit TEXT REFERENCES crud_units (id), status TEXT NOT NULL);
CREATE TABLE crud_item_units (
    item_id TEXT NOT NULL REFERENCES crud_items (id), unit_id TEXT NOT NULL REFERENCES crud_units (id),
    role TEXT NOT NULL, PRIMARY KEY (item_id, unit_id));
CREATE TABLE crud_item_events (
    id {bigint} PRIMARY KEY, item_id TEXT NOT NULL REFERENCES crud_items (id), on_date {date} NOT NULL,
    kind TEXT NOT NULL, unit_id TEXT REFERENCES crud_units (id), status TEXT NOT NULL, fact_on {date} NOT NULL);
CREATE TABLE crud_fact_kinds (kind TEXT PRIMARY KEY, fact TEXT NOT NULL);
CREATE TABLE crud_schemes (version TEXT PRIMARY KEY, base {real} NOT NULL);
CREATE TABLE crud_scheme_points (
    scheme TEXT NOT NULL REFERENCES crud_schemes (version), fact TEXT NOT NULL, points {real} NOT NULL,
    PRIMARY KEY (scheme, fact));
CREATE INDEX crud_items_district ON crud_items (district, lead_unit);
CREATE INDEX crud_events_item ON crud_item_events (item_id, on_date);
CREATE INDEX crud_events_kind ON crud_item_events (kind, on_date);
CREATE INDEX crud_events_unit ON crud_item_events (unit_id, on_date);
"""

RANKING_SQL = """
WITH event_facts AS (
    SELECT e.unit_id, k.fact, COUNT(*) AS amount
    FROM crud_item_events e
    JOIN crud_items i ON i.id = e.item_id
    JOIN crud_fact_kinds k ON k.kind = e.kind
    WHERE i.district = :district AND e.fact_on >= :first AND e.fact_on <= :last AND e.unit_id IS NOT NULL
    GROUP BY e.unit_id, k.fact
), completions AS (
    SELECT i.lead_unit AS unit_id,
           CASE WHEN i.deadline IS NOT NULL AND (
                    SELECT MAX(c.on_date) FROM crud_item_events c
                    WHERE c.item_id = s.item_id AND c.kind = 'completion_reported' AND c.id < s.id) <= i.deadline
                THEN 'completed_on_time' ELSE 'completed_late' END AS fact,
           COUNT(*) AS amount
    FROM crud_item_events s
    JOIN crud_items i ON i.id = s.item_id
    WHERE s.kind = 'signed_off' AND i.district = :district AND s.on_date >= :first AND s.on_date <= :last
      AND i.lead_unit IS NOT NULL
    GROUP BY 1, 2
), latest AS (
    SELECT e.item_id, MAX(e.id) AS id
    FROM crud_item_events e
    JOIN crud_items i ON i.id = e.item_id
    WHERE i.district = :district AND e.on_date <= :last
    GROUP BY e.item_id
), open_overdue AS (
    SELECT i.lead_unit AS unit_id, 'open_overdue' AS fact, COUNT(*) AS amount
    FROM latest l
    JOIN crud_item_events e ON e.id = l.id
    JOIN crud_items i ON i.id = l.item_id
    WHERE e.status IN ('assigned', 'in_progress', 'cannot_implement_reported') AND i.deadline < :last
      AND EXISTS (SELECT 1 FROM crud_item_events m
                  WHERE m.item_id = l.item_id AND m.kind = 'deadline_missed' AND m.fact_on <= :last)
    GROUP BY i.lead_unit
), facts AS (
    SELECT unit_id, fact, amount FROM event_facts
    UNION ALL SELECT unit_id, fact, amount FROM completions
    UNION ALL SELECT unit_id, fact, amount FROM open_overdue
), scored AS (
    SELECT u.id AS unit_id, u.name AS unit_name,
           s.base + COALESCE(SUM(f.amount * COALESCE(p.points, 0)), 0) AS score
    FROM crud_units u
    JOIN crud_schemes s ON s.version = :scheme
    LEFT JOIN facts f ON f.unit_id = u.id
    LEFT JOIN crud_scheme_points p ON p.scheme = s.version AND p.fact = f.fact
    WHERE u.district = :district AND (u.retired_on IS NULL OR u.retired_on >= :first)
    GROUP BY u.id, u.name, s.base
)
SELECT unit_id, unit_name, score, RANK() OVER (ORDER BY score DESC) AS rank
FROM scored
ORDER BY score DESC, unit_name {collate}
"""


# -- the dialects -------------------------------------------------------------------------------------------
def schema_sql(kind: str) -> list[str]:
    types = ({"date": "DATE", "bigint": "BIGINT", "real": "DOUBLE PRECISION"} if kind == "postgres"
             else {"date": "TEXT", "bigint": "INTEGER", "real": "REAL"})
    return [s.strip() for s in SCHEMA_SQL.format(**types).split(";") if s.strip()]


def ranking_statement(kind: str) -> str:
    """``RANKING_SQL`` with the driver's named placeholders (``%(x)s`` or ``:x``)."""
    sql = RANKING_SQL.format(collate='COLLATE "C"' if kind == "postgres" else "")
    return re.sub(r":(\w+)", r"%(\1)s", sql) if kind == "postgres" else sql


def sql_day(kind: str, day: date | None) -> Any:
    return day if kind == "postgres" or day is None else day.isoformat()


def period_days(text: str) -> tuple[date, date]:
    """A period as the app names it: ``2026`` (year), ``2026-03`` (month), ``2026-Q1`` (quarter)."""
    text = text.strip().upper()
    if m := re.fullmatch(r"(\d{4})-Q([1-4])", text):
        first_month, last_month = 3 * int(m[2]) - 2, 3 * int(m[2])
        year = int(m[1])
    elif m := re.fullmatch(r"(\d{4})-(\d{2})", text):
        year, first_month = int(m[1]), int(m[2])
        last_month = first_month
    elif re.fullmatch(r"\d{4}", text):
        year, first_month, last_month = int(text), 1, 12
    else:
        raise ValueError(f"bad period {text!r}")
    last = date(year + last_month // 12, last_month % 12 + 1, 1) - timedelta(days=1)
    return date(year, first_month, 1), last


def crud_ranking(conn, kind: str, district: str, period: str, scheme: str) -> list[dict[str, Any]]:
    """The district's ranking for ``period`` under ``scheme``: unit_id, unit_name, score, rank."""
    first, last = period_days(period)
    params = {"district": district, "first": sql_day(kind, first), "last": sql_day(kind, last), "scheme": scheme}
    rows = conn.execute(ranking_statement(kind), params).fetchall()
    return [{"unit_id": r[0], "unit_name": r[1], "score": round(float(r[2]), 2), "rank": int(r[3])} for r in rows]


# -- filling it from the history ----------------------------------------------------------------------------
def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _hex(value: Any) -> str | None:
    return value.hex if hasattr(value, "hex") and not isinstance(value, str) else value


class _Filler:
    """Streams the event store's notifications into CRUD rows, a batch per transaction."""

    def __init__(self, store, conn, kind: str) -> None:
        self.store, self.conn, self.kind = store, conn, kind
        self.items: dict[Any, Any] = {}  # open items' aggregates, by id (closed ones are dropped)
        self.units: dict[Any, Any] = {}
        self.events = 0

    def run(self, batch: int = 2000, progress: Callable[[int, int], None] | None = None) -> int:
        position, last = 0, self.store.recorder.max_notification_id() or 0
        while position < last:
            notifications = self.store.recorder.select_notifications(start=position + 1, limit=batch)
            if not notifications:
                break
            self._batch(notifications)
            position = notifications[-1].id
            if progress:
                progress(position, last)
        return self.events

    def _batch(self, notifications) -> None:
        districts, units, items, item_units, events = {}, {}, {}, [], []
        for notification in notifications:
            event = self.store.mapper.to_domain_event(notification)
            owner, _, name = type(event).__qualname__.rpartition(".")
            if owner == "District" and name == "Opened":
                districts[event.district] = (event.district, event.name)
            elif owner == "Unit":
                unit = self.units[event.originator_id] = event.mutate(self.units.get(event.originator_id))
                units[unit.id] = (unit.id.hex, unit.district, unit.code, unit.name, sql_day(self.kind, unit.retired_on))
            elif owner == "SupervisedItem":
                item = self._item(event)
                items[item.id] = (item.id.hex, item.district, item.year, item.number, item.title, item.source.value,
                                  sql_day(self.kind, item.registered_on), sql_day(self.kind, item.deadline),
                                  _hex(item.lead_unit), item.status.value)
                if name == "Assigned":
                    item_units += [(item.id.hex, _hex(event.lead_unit), "lead")]
                    item_units += [(item.id.hex, _hex(u), "co") for u in event.co_units]
                events.append((notification.id, item.id.hex, sql_day(self.kind, event.on), snake(name),
                               _hex(getattr(event, "unit", None)), item.status.value,
                               sql_day(self.kind, getattr(event, "happened_on", None) or event.on)))
                if item.status.is_closed:
                    del self.items[item.id]
        p = "%s" if self.kind == "postgres" else "?"
        cur = self.conn.cursor()
        cur.executemany(f"INSERT INTO crud_districts VALUES ({p}, {p}) ON CONFLICT (code) DO NOTHING",
                        list(districts.values()))
        cur.executemany(f"INSERT INTO crud_units VALUES ({', '.join([p] * 5)}) ON CONFLICT (id) DO UPDATE SET"
                        " name = excluded.name, retired_on = excluded.retired_on", list(units.values()))
        cur.executemany(f"INSERT INTO crud_items VALUES ({', '.join([p] * 10)}) ON CONFLICT (id) DO UPDATE SET"
                        " deadline = excluded.deadline, lead_unit = excluded.lead_unit, status = excluded.status",
                        list(items.values()))
        cur.executemany(f"INSERT INTO crud_item_units VALUES ({p}, {p}, {p}) ON CONFLICT DO NOTHING", item_units)
        cur.executemany(f"INSERT INTO crud_item_events VALUES ({', '.join([p] * 7)})", events)
        self.conn.commit()
        self.events += len(events)

    def _item(self, event):
        """The item after ``event`` (a closed item seen again is reloaded at the version before it)."""
        before = self.items.get(event.originator_id)
        if before is None and event.originator_version > 1:
            before = self.store.repository.get(event.originator_id, version=event.originator_version - 1)
        item = self.items[event.originator_id] = event.mutate(before)
        return item


def fill(store, crud: Location, progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """(Re)create the CRUD tables in ``crud`` and fill them from ``store``'s events; returns counts and time."""
    started = time.perf_counter()
    crud.create()
    conn = crud.connect()
    try:
        for table in TABLES:
            conn.execute(f"DROP TABLE IF EXISTS {table}")
        for statement in schema_sql(crud.kind):
            conn.execute(statement)
        p = crud.placeholder
        conn.cursor().executemany(f"INSERT INTO crud_fact_kinds VALUES ({p}, {p})", list(FACT_KINDS.items()))
        for path in sorted(SCHEMES.glob("*.toml")):
            scheme = tomllib.loads(path.read_text(encoding="utf-8"))
            conn.execute(f"INSERT INTO crud_schemes VALUES ({p}, {p})", (scheme["version"], float(scheme["base"])))
            conn.cursor().executemany(f"INSERT INTO crud_scheme_points VALUES ({p}, {p}, {p})",
                                      [(scheme["version"], fact, float(points))
                                       for fact, points in scheme["points"].items()])
        conn.commit()
        events = _Filler(store, conn, crud.kind).run(progress=progress)
        conn.execute("ANALYZE")
        conn.commit()
        counts = {table: conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
                  for table in ("crud_units", "crud_items", "crud_item_events")}
    finally:
        conn.close()
    return {"item_events": events, "counts": counts, "seconds": round(time.perf_counter() - started, 1)}


# -- serving it ---------------------------------------------------------------------------------------------
def create_app():
    """The CRUD ranking over HTTP (a litestar app like duban's; the location in ``CRUD_LOCATION``)."""
    from litestar import Litestar, get

    crud = Location(**json.loads(os.environ["CRUD_LOCATION"]))
    connection = _connections(crud)

    @get("/ranking", sync_to_thread=True)
    def ranking(district: str, period: str, scheme: str) -> dict[str, Any]:
        with connection() as conn:
            rows = crud_ranking(conn, crud.kind, district, period, scheme)
        return {"period": period, "scheme": scheme, "scores": rows}

    @get("/healthz", sync_to_thread=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return Litestar(route_handlers=[ranking, healthz])


def _connections(crud: Location) -> Callable[[], Any]:
    """A context manager factory handing out a connection: a pool on PostgreSQL (5 kept, at most
    15, like eventsourcing's defaults for the app), one connection per thread on SQLite."""
    if crud.kind == "postgres":
        from psycopg_pool import ConnectionPool

        from stores import plain_url

        def configure(conn) -> None:
            conn.execute(f"SET search_path TO {crud.name}")
            conn.commit()

        pool = ConnectionPool(plain_url(crud.pg_url), min_size=5, max_size=15, configure=configure, open=True)

        @contextmanager
        def from_pool() -> Iterator[Any]:
            with pool.connection() as conn:
                yield conn
        return from_pool

    local = threading.local()

    @contextmanager
    def per_thread() -> Iterator[Any]:
        if not hasattr(local, "conn"):
            local.conn = crud.connect()
        yield local.conn
    return per_thread


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve the CRUD baseline's ranking over HTTP.")
    parser.add_argument("command", choices=["serve"])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8100)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args(argv)
    import uvicorn

    uvicorn.run("baseline_crud:create_app", factory=True, host=args.host, port=args.port, workers=args.workers,
                log_level="warning")
    return 0


if __name__ == "__main__":
    sys.exit(main())
