"""Defects a new office found trying duban (issue 13, point 6), each pinned by the behaviour a user
would notice, on both stores where storage is involved."""

from __future__ import annotations

from datetime import date
from io import BytesIO
from uuid import uuid4

import re
from html import unescape

import pytest
from builders import DistrictBuilder
from openpyxl import load_workbook
from web_world import web  # noqa: F401  (the fixture)

from documents import item_import
from documents.item_import import read_items
from documents.ledger_xlsx import HEADERS, LedgerSheet, ledger_workbook
from domain.item import ItemStatus
from projections.ledger import LedgerQueries
from projections.read_side import ReadSide


@pytest.fixture
def world(app):
    return DistrictBuilder(app).units(A="区住建局", B="晴川街").leaders(V1="vice_head").place(A="V1", B="V1").build()


# -- 3. a signed-off item is done: 100 % ------------------------------------------------------------------
def test_an_item_signed_off_at_forty_percent_shows_one_hundred_and_keeps_the_forty_in_its_history(app, clock, world):
    """Given an item whose lead unit last reported 40 %; when the office signs it off; then the item,
    its ledger row and the exported ledger show 100 %, while its history still says 40 % was reported
    and the ledger as of the day before the sign-off shows 40 %."""
    item_id = world.item(lead="A", sign=True, deadline=date(2026, 6, 30), title="改造口袋公园")
    app.report_item_progress(item_id, 40, "已完成设计", world.unit("A"))
    clock.set(date(2026, 3, 9))
    app.report_completion(item_id, "已全部完成", world.unit("A"))
    assert app.item(item_id, world.office).progress_percent == 40  # not done until signed off
    app.sign_off_item(item_id, world.office)

    item = app.item(item_id, world.office)
    assert item.status is ItemStatus.SIGNED_OFF and item.progress_percent == 100
    assert [r["percent"] for r in item.reports] == [40]
    reported = [e for e in app.history([item_id]) if e.what == "报送进展"]
    assert len(reported) == 1 and ("进度%", "40") in reported[0].details

    read_side = ReadSide(app.store)
    read_side.catch_up()
    ledger = LedgerQueries(read_side.read_models, app.calendar())
    (row,) = ledger.rows(world.district, date(2026, 3, 9), closed_only=True)
    assert row.progress == 100
    (before,) = ledger.rows(world.district, date(2026, 3, 9), as_of=date(2026, 3, 6))
    assert before.progress == 40
    sheet = load_workbook(BytesIO(ledger_workbook([row], LedgerSheet("汉阳区", "督办事项已销号台账", date(2026, 3, 9))))).active
    assert dict(zip(HEADERS, next(sheet.iter_rows(min_row=3, values_only=True))))["办理进展"].startswith("100%")


# -- 4. the closed ledger shows 销号日期 and sorts by it ------------------------------------------------
def _closed_on_different_days(app, clock, items: list[tuple[str, date]], lead: str, sign_for, office) -> list:
    """Items registered 03-02, each reported complete and signed off on its own day (in the order given)."""
    ids = {}
    for title, _ in items:
        ids[title] = sign_for(title)
    for title, day in sorted(items, key=lambda pair: pair[1]):
        clock.set(day)
        app.report_completion(ids[title], "已完成", lead)
        app.sign_off_item(ids[title], office)
    return ids


def test_the_closed_ledger_is_sorted_by_its_sign_off_date_both_ways_now_and_as_of_a_day(app, clock, world):
    """Given 甲 signed off 03-10, 乙 03-05, 丙 03-12 (numbered 1, 2, 3); when the closed ledger is
    sorted by 销号日期; then it runs 乙 甲 丙 (earliest first) or 丙 甲 乙 (latest first), and as of 03-11
    乙 甲 / 甲 乙."""
    sign = lambda title: world.item(lead="A", sign=True, deadline=date(2026, 6, 30), title=title)  # noqa: E731
    _closed_on_different_days(app, clock, [("甲", date(2026, 3, 10)), ("乙", date(2026, 3, 5)), ("丙", date(2026, 3, 12))],
                              world.unit("A"), sign, world.office)
    world.item(lead="B", title="丁")  # open: not in the closed ledger
    read_side = ReadSide(app.store)
    read_side.catch_up()
    ledger = LedgerQueries(read_side.read_models, app.calendar())
    day = date(2026, 3, 12)
    titles = lambda **f: [(r.title, r.closed_on.day) for r in ledger.rows(world.district, day, closed_only=True, **f)]  # noqa: E731
    assert titles(sort="closed") == [("乙", 5), ("甲", 10), ("丙", 12)]
    assert titles(sort="closed_desc") == [("丙", 12), ("甲", 10), ("乙", 5)]
    assert titles(sort="closed", as_of=date(2026, 3, 11)) == [("乙", 5), ("甲", 10)]
    assert titles(sort="closed_desc", as_of=date(2026, 3, 11)) == [("甲", 10), ("乙", 5)]
    assert titles(sort="closed_desc", limit=1, offset=1) == [("甲", 10)]  # paged in the database
    # in a ledger with open rows too, the open ones come last either way
    everything = [r.title for r in ledger.rows(world.district, day, kinds=("item",), sort="closed_desc")]
    assert everything == ["丙", "甲", "乙", "丁"]


def _column(page: str, header: str) -> list[str]:
    """The cells under ``header`` in the page's ledger table, top to bottom."""
    table = re.search(r'<table class="ledger">(.*?)</table>', page, re.S)[1]
    headers = [unescape(h) for h in re.findall(r"<th>([^<]*)</th>", table)]
    rows = re.findall(r"<tr class=\"warn-[^\"]*\">(.*?)</tr>", table, re.S)
    index = headers.index(header)
    return [re.sub(r"<[^>]+>", "", re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[index]).strip() for row in rows]


@pytest.mark.stores("sqlite", "postgres")  # the sort is SQL: the page and the API on both stores
def test_the_closed_ledger_page_and_api_show_the_sign_off_date_and_sort_by_it(web, clock):
    app, world = web.app, web.world
    _closed_on_different_days(app, clock, [("甲", date(2026, 3, 10)), ("乙", date(2026, 3, 5)), ("丙", date(2026, 3, 12))],
                              world.unit("A"), lambda title: web.item(title, lead="A", sign=True), world.office)
    web.item("丁", lead="B")
    web.reads()
    office = web.client("duchashi")

    closed = office.get("/office/ledger?closed=1")
    assert closed.status_code == 200
    assert _column(closed.text, "督办事项") == ["甲", "乙", "丙"]  # by number unless asked
    assert _column(closed.text, "销号日期") == ["2026-03-10", "2026-03-05", "2026-03-12"]
    assert "按销号日期（近者在前）" in closed.text and "按销号日期（早者在前）" in closed.text
    assert _column(office.get("/office/ledger?closed=1&sort=closed").text, "督办事项") == ["乙", "甲", "丙"]
    latest = office.get("/office/ledger?closed=1&sort=closed_desc")
    assert _column(latest.text, "督办事项") == ["丙", "甲", "乙"]
    # the open ledger shows the column too (issue 14, point 6), empty for what is still open
    assert set(_column(office.get("/office/ledger").text, "销号日期")) <= {""}

    def api(sort: str) -> list[tuple[str, str]]:
        answer = office.get("/api/ledger", params={"closed_only": "true", "kinds": "item", "sort": sort})
        assert answer.status_code == 200, answer.text
        return [(r["title"], r["closed_on"]) for r in answer.json()["rows"]]

    assert api("closed") == [("乙", "2026-03-05"), ("甲", "2026-03-10"), ("丙", "2026-03-12")]
    assert api("closed_desc") == [("丙", "2026-03-12"), ("甲", "2026-03-10"), ("乙", "2026-03-05")]


# -- 6. the import template's example names the district's own units ---------------------------------------
def _example_filled_in(data: bytes) -> bytes:
    """The template with its example row taken as a real row (序号 示例 -> 1), everything else as given."""
    book = load_workbook(BytesIO(data))
    book["督办事项"]["A3"] = 1
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_downloaded_template_example_uses_units_of_the_district_it_is_made_for(web):
    """Given a district whose units are 外区住建局 and 外区城管局 (none of another district's names);
    when its office downloads the import template and keeps the example row as a real row; then the
    row imports without an unknown-unit error, led and co-handled by the district's own units."""
    web.other.add_unit("Y", "外区城管局")
    office = web.client("other-office")
    template = office.get("/office/import/template.xlsx")
    assert template.status_code == 200
    example = dict(zip(item_import.HEADERS, next(load_workbook(BytesIO(template.content))["督办事项"].iter_rows(
        min_row=3, max_row=3, values_only=True))))
    assert (example["牵头单位"], example["协办单位"]) == ("外区住建局", "外区城管局")
    names = {u.name: u.id for u in web.app.units(web.other.district)}
    plan = read_items(_example_filled_in(template.content), names)
    assert plan.ok, plan.messages()
    (row,) = plan.rows
    assert (row.lead_unit, row.co_units) == (names["外区住建局"], (names["外区城管局"],))


def test_a_template_for_a_district_without_units_has_a_placeholder_the_import_refuses_clearly():
    data = item_import.import_template()
    example = next(load_workbook(BytesIO(data))["督办事项"].iter_rows(min_row=3, max_row=3, values_only=True))
    assert item_import.UNIT_PLACEHOLDER in example
    assert read_items(_example_filled_in(data), {"区住建局": uuid4()}).messages() == [
        f"第3行 H列（牵头单位）：请把示例中的“{item_import.UNIT_PLACEHOLDER}”换成本区承办单位的全称"]


def test_the_command_line_template_names_the_units_of_the_district(tmp_path, monkeypatch):
    from click.testing import CliRunner

    import duban.cli as cli
    from duban.application import Duban
    from duban.clock import FixedClock

    env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(tmp_path / "events.sqlite3")}
    clock = FixedClock(date(2026, 3, 2))
    setup = Duban(env=env, clock=clock)
    world = DistrictBuilder(setup, district="420111", name="洪山区").units(A="洪山区发改局", B="珞南街").build()
    monkeypatch.setattr(cli, "_open_app", lambda today: Duban(env=env, clock=clock))
    template = tmp_path / "模板.xlsx"
    answer = CliRunner().invoke(cli.main, ["import-template", str(template)])
    assert answer.exit_code == 0, answer.output
    plan = read_items(_example_filled_in(template.read_bytes()), {u.name: u.id for u in setup.units(world.district)})
    assert plan.ok, plan.messages()
    assert plan.rows[0].lead_unit == world.unit_ids["A"] and plan.rows[0].co_units == (world.unit_ids["B"],)
    setup.close()
