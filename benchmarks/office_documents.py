"""Document benchmark: importing thousands of rows, exporting the ledger, a year of bulletins.

Usage::

    .venv/bin/python benchmarks/office_documents.py [--rows 2000]

On an embedded SQLite store in a temporary directory it

1. opens a district with 40 units and writes an import workbook of ``--rows`` supervised items
   (every column filled the way an office would), then measures reading and checking it
   (``read_items``) and importing it all or nothing (``Duban.import_items``), and the same for a
   quarter of the rows, printing the per-row ratio (near 1: nothing grows with the file's length);
2. measures the ledger export of all rows (``ledger_workbook``) and importing that export into a
   second, empty district (the round trip);
3. measures the sixteen bulletins of the year (twelve months, four quarters, the year), and the
   March bulletin produced again after everything else, checking it is byte-identical.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date, timedelta
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from openpyxl import load_workbook  # noqa: E402

from documents.bulletin_docx import bulletin_document  # noqa: E402
from documents.item_import import import_template, read_items  # noqa: E402
from documents.ledger_xlsx import LedgerSheet, ledger_workbook  # noqa: E402
from domain.actor import Actor, Role  # noqa: E402
from domain.organisation import UnitKind  # noqa: E402
from duban.application import Duban  # noqa: E402
from duban.clock import FixedClock  # noqa: E402
from projections.bulletin import BulletinQueries  # noqa: E402
from projections.ledger import LedgerQueries  # noqa: E402
from projections.ranking import Period, RankingQueries  # noqa: E402
from projections.read_side import ReadSide  # noqa: E402

TODAY = date(2026, 11, 24)
IMPORTED_ON = date(2026, 7, 1)  # the office moves its spreadsheet in mid-year
UNITS = 40


def _district(app: Duban, code: str, name: str) -> dict[str, object]:
    admin = Actor("admin", Role.ADMIN, code)
    office = Actor(f"office-{code}", Role.OFFICE, code)
    app.open_district(code, name, admin)
    return {f"单位{n:02d}": app.register_unit(f"{code}-{n:02d}", f"单位{n:02d}", UnitKind.DEPARTMENT, office).id
            for n in range(UNITS)}


def _workbook(rows: int) -> bytes:
    """The import template with ``rows`` filled-in rows below the example."""
    book = load_workbook(BytesIO(import_template()))
    ws = book.active
    headers = [c.value for c in ws[2]]
    start = date(2026, 1, 5)
    for n in range(rows):
        decided = start + timedelta(days=n % 150)
        values = {"编号": f"督〔2026〕{n + 1}号", "事项来源": "区政府常务会议", "来源依据": f"区政府第{n % 40 + 1}次常务会议",
                  "决策日期": decided, "督办事项": f"督办事项第{n + 1}项", "事项内容": "按会议要求落实",
                  "牵头单位": f"单位{n % UNITS:02d}", "协办单位": f"单位{(n + 1) % UNITS:02d}",
                  "办理时限": decided + timedelta(days=180)}
        ws.append([values.get(str(h).replace("*", ""), None) for h in headers])
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _timed(work):
    start = time.perf_counter()
    result = work()
    return result, time.perf_counter() - start


def _import(app: Duban, code: str, units: dict, data: bytes) -> tuple[float, float, int]:
    plan, read_s = _timed(lambda: read_items(data, units))
    assert plan.ok, plan.messages()[:5]
    result, import_s = _timed(lambda: app.import_items(plan, Actor(f"office-{code}", Role.OFFICE, code)))
    return read_s, import_s, len(plan.rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=2000)  # the most one file may hold (item_import.MAX_ROWS)
    rows = parser.parse_args().rows
    with tempfile.TemporaryDirectory() as folder:
        env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(Path(folder) / "bench.sqlite3")}
        clock = FixedClock(IMPORTED_ON)
        app = Duban(env=env, clock=clock)
        try:
            quarter_units = _district(app, "420001", "小区")
            q_read, q_import, q_rows = _import(app, "420001", quarter_units, _workbook(rows // 4))
            units = _district(app, "420105", "汉阳区")
            data = _workbook(rows)
            read_s, import_s, n = _import(app, "420105", units, data)
            print(f"import {n} rows ({len(data) / 1024:.0f} KiB): read+check {read_s:.2f} s, import {import_s:.2f} s "
                  f"({n / import_s:.0f} rows/s)")
            ratio = (import_s / n) / (q_import / q_rows)
            print(f"import {q_rows} rows: read+check {q_read:.2f} s, import {q_import:.2f} s; "
                  f"per-row ratio full/quarter {ratio:.2f}")
            again, again_s = _timed(lambda: app.import_items(read_items(data, units),
                                                             Actor("office-420105", Role.OFFICE, "420105")))
            print(f"the same file again: {again.message} in {again_s:.2f} s")

            clock.day = TODAY  # the second half of the year passes: deadlines fall due
            read_side = ReadSide(app.store)
            _, catch_s = _timed(read_side.catch_up)
            ledger = LedgerQueries(read_side.read_models, app.calendar())
            ledger_rows = ledger.rows("420105", TODAY, kinds=("item",))
            exported, export_s = _timed(lambda: ledger_workbook(
                ledger_rows, LedgerSheet(district="汉阳区", ledger="督办事项台账", as_of=TODAY)))
            print(f"read models caught up in {catch_s:.2f} s; ledger export of {len(ledger_rows)} rows "
                  f"{export_s:.2f} s ({len(exported) / 1024:.0f} KiB)")
            empty_units = _district(app, "420199", "空区")
            r_read, r_import, r_rows = _import(app, "420199", empty_units, exported)
            print(f"round trip into an empty district: {r_rows} rows read {r_read:.2f} s, imported {r_import:.2f} s")

            read_side.catch_up()
            bulletins = BulletinQueries(read_side.read_models, ledger, RankingQueries(read_side.read_models))
            periods = [p for p in Period.of_year(TODAY.year) if p.first <= TODAY]
            documents, year_s = _timed(lambda: [bulletin_document(bulletins.bulletin("420105", "汉阳区", p, "2026-v2",
                                                                                      TODAY)) for p in periods])
            print(f"{len(periods)} bulletins of the year: {year_s:.2f} s ({year_s / len(periods):.2f} s each)")
            march = bulletin_document(bulletins.bulletin("420105", "汉阳区", "2026-03", "2026-v2", TODAY))
            print(f"March bulletin produced again byte-identical: {march == documents[2]}")
        finally:
            app.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
