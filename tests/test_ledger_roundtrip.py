"""An exported ledger (台账导出) imported into an empty district gives the same ledger (批量导入), on both stores.

The scenario (2026-03-02): district 汉阳区 with four units in three leaders' portfolios and six
items — four sources, co-units or none, explicit and default deadlines, numbers 3, 7, 12, 13, 14
with gaps, one overdue, one signed for with progress, one signed off.  A second, empty district
has the same unit names, leaders and portfolios.
"""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from builders import DistrictBuilder, World, events_recorded
from openpyxl import load_workbook

from documents import item_import
from documents.item_import import read_items
from documents.ledger_xlsx import HEADERS, LEDGER_HEADERS, REGISTRATION_HEADERS, LedgerSheet, ledger_workbook
from domain.sources import SourceKind
from duban.application.imports import ImportRefused
from projections.ledger import LedgerQueries
from projections.read_side import ReadSide
from checks import stored_items

TODAY = date(2026, 3, 2)
HERE, THERE = "420105", "420199"
# the columns that say what was registered and assigned (分管领导 follows the lead unit's portfolio)
REGISTRATION = ("编号", "事项来源", "督办事项", "牵头单位", "协办单位", "分管领导", "办理时限", "来源依据", "决策日期", "事项内容")
UNITS = {"A": "区住建局", "B": "晴川街", "C": "区城管局", "D": "区教育局"}
LEADERS = {"HEAD": ("district_head", "区长"), "V1": ("vice_head", "副区长（城建）"), "V2": ("vice_head", "副区长（城管）")}
PORTFOLIO = {"A": "V1", "B": "V1", "C": "V2", "D": "HEAD"}


def organised(app, code: str) -> World:
    """A district with the scenario's units, leaders and portfolios, and no items."""
    world = DistrictBuilder(app, district=code).units(**UNITS).build()
    for leader, (title, portfolio) in LEADERS.items():
        world.add_leader(leader, title, portfolio, on=date(2026, 1, 5))
    for unit, leader in PORTFOLIO.items():
        world.place(unit, leader, on=date(2026, 1, 5))
    return world


def register(world: World, number: int | None, source: SourceKind, reference: str, decided: date, title: str,
             lead: str, co: tuple[str, ...] = (), deadline: date | None = None, description: str = ""):
    app = world.app
    item = app.register_item(source=source, reference=reference, decision_date=decided, title=title,
                             description=description, deadline=deadline, number=number, actor=world.office)
    app.assign_item(item.id, world.unit_ids[lead], [world.unit_ids[c] for c in co], world.office)
    return item.id


@pytest.fixture
def here(app):
    """The district whose ledger is exported, with the scenario's items."""
    world = organised(app, HERE)
    register(world, 3, SourceKind.EXECUTIVE_MEETING, "区政府第3次常务会议", date(2026, 2, 27), "整治背街小巷",
             "A", ("B", "C"), description="6月底前完成主城区背街小巷整治")  # default: one month after the meeting
    register(world, 7, SourceKind.LEADER_INSTRUCTION, "批示件2026-15", date(2026, 2, 20), "老旧小区改造", "B",
             deadline=date(2026, 6, 30))
    busy = register(world, 12, SourceKind.SUPERIOR_ASSIGNMENT, "武政办〔2026〕3号", date(2026, 2, 1), "落实上级文件",
                    "A", ("D",), deadline=date(2026, 5, 31), description="按文件要求分解落实")
    register(world, None, SourceKind.NPC_SUGGESTION, "第45号", date(2026, 1, 15), "增设公交线路", "C", ("A",))
    register(world, None, SourceKind.TOPIC_MEETING, "专题会议纪要〔2026〕2号", date(2026, 1, 6), "河道清淤", "D",
             deadline=date(2026, 2, 10))  # overdue
    done = register(world, None, SourceKind.EXECUTIVE_MEETING, "区政府第2次常务会议", date(2026, 2, 2), "修缮学校",
                    "D", deadline=date(2026, 4, 30))
    app.sign_for_item(busy, world.unit("A"))
    app.report_item_progress(busy, 40, "已制定方案", world.unit("A"))
    app.sign_for_item(done, world.unit("D"))
    app.report_completion(done, "已全部完成", world.unit("D"))
    app.sign_off_item(done, world.office)
    return world


@pytest.fixture
def there(app, here):
    """An empty district with the same unit names, leaders and portfolios."""
    return organised(app, THERE)


def exported(app, district: str, **filters) -> bytes:
    read_side = ReadSide(app.store)
    read_side.catch_up()
    rows = LedgerQueries(read_side.read_models, app.calendar()).rows(district, TODAY, kinds=("item", "subtask"),
                                                                     **filters)
    return ledger_workbook(rows, LedgerSheet(district="汉阳区", ledger="督办事项台账", as_of=TODAY))


def table(data: bytes) -> list[dict]:
    """The workbook's rows below its header row, by header."""
    sheet = load_workbook(BytesIO(data)).active
    assert tuple(c.value for c in sheet[2]) == HEADERS
    return [dict(zip(HEADERS, values)) for values in sheet.iter_rows(min_row=3, values_only=True)]


def units(app, district: str) -> dict:
    return {u.name: u.id for u in app.units(district)}


def edited(data: bytes, changes: dict[tuple[int, str], object]) -> bytes:
    """The workbook with some cells changed: {(Excel row, header): value}."""
    book = load_workbook(BytesIO(data))
    sheet = book.active
    for (row, header), value in changes.items():
        sheet.cell(row=row, column=HEADERS.index(header) + 1).value = value
    out = BytesIO()
    book.save(out)
    return out.getvalue()


# -- the round trip ------------------------------------------------------------------------------
def test_the_export_keeps_the_offices_twelve_columns_first_and_adds_what_the_import_reads():
    assert HEADERS[:12] == ("序号", "编号", "事项来源", "督办事项", "牵头单位", "协办单位", "分管领导", "办理时限",
                            "办理进展", "状态", "逾期工作日", "销号日期") == LEDGER_HEADERS
    assert set(REGISTRATION_HEADERS) <= set(item_import.HEADERS)
    assert set(item_import.REQUIRED) <= set(HEADERS)


def test_an_exported_open_ledger_imported_into_an_empty_district_gives_the_same_ledger(app, here, there):
    data = exported(app, HERE, open_only=True)
    original = table(data)
    assert [r["编号"] for r in original] == [f"督〔2026〕{n}号" for n in (3, 7, 12, 13, 14)]
    first = original[0]
    assert (first["决策日期"].date(), first["来源依据"], first["事项内容"]) == (
        date(2026, 2, 27), "区政府第3次常务会议", "6月底前完成主城区背街小巷整治")

    plan = read_items(data, units(app, THERE))
    assert plan.ok, plan.messages()
    result = app.import_items(plan, there.office)
    assert result.message == "已导入5项，跳过0项（已存在）"
    copy = table(exported(app, THERE, open_only=True))

    assert len(copy) == len(original)
    for before, after in zip(original, copy):
        assert {h: after[h] for h in REGISTRATION} == {h: before[h] for h in REGISTRATION}, before["编号"]
        if before["状态"] == "待签收":  # freshly assigned: every cell, overdue days included
            assert after == before, before["编号"]
    fresh = [r for r in original if r["状态"] == "待签收"]
    assert len(fresh) == 4 and any(r["逾期工作日"] for r in fresh)
    busy = next(r for r in copy if r["编号"] == "督〔2026〕12号")
    assert busy["状态"] == "待签收" and busy["办理进展"] == "0%"  # progress is not carried over (docstring)

    items = {i.number: i for i in stored_items(app, THERE)}
    assert sorted(items) == [3, 7, 12, 13, 14]
    assert items[3].description == "6月底前完成主城区背街小巷整治" and items[3].source is SourceKind.EXECUTIVE_MEETING
    assert items[3].co_units == [there.unit_ids["B"], there.unit_ids["C"]]


def test_a_registered_row_without_a_lead_unit_imports_again_as_a_registered_unassigned_item(app, here, there):
    """Given an open ledger with an item registered but not yet assigned (已登记, 牵头单位 empty);
    when it is exported and imported into another district; then that row comes back 已登记 with
    no lead unit, and the re-exported ledger shows the same row."""
    app.register_item(source=SourceKind.LEADER_INSTRUCTION, reference="批示件2026-20", decision_date=date(2026, 2, 26),
                      title="清理占道经营", deadline=date(2026, 6, 30), number=20, actor=here.office)
    data = exported(app, HERE, open_only=True)
    waiting = next(r for r in table(data) if r["编号"] == "督〔2026〕20号")
    assert (waiting["状态"], waiting["牵头单位"]) == ("已登记", None)

    plan = read_items(data, units(app, THERE))
    assert plan.ok, plan.messages()
    assert app.import_items(plan, there.office).message == "已导入6项，跳过0项（已存在）"
    item = next(i for i in stored_items(app, THERE) if i.number == 20)
    assert item.status.label == "已登记" and item.lead_unit is None and item.co_units == []
    again = next(r for r in table(exported(app, THERE, open_only=True)) if r["编号"] == "督〔2026〕20号")
    assert again == waiting
    # a row that claims to be assigned still needs its lead unit
    assigned = edited(data, {(3, "牵头单位"): None})
    assert read_items(assigned, units(app, THERE)).messages() == ["第3行 E列（牵头单位）：不能为空"]


def test_importing_the_same_exported_file_twice_creates_nothing_the_second_time(app, here, there):
    data = exported(app, HERE, open_only=True)
    app.import_items(read_items(data, units(app, THERE)), there.office)
    before = events_recorded(app)
    again = app.import_items(read_items(data, units(app, THERE)), there.office)
    assert again.message == "已导入0项，跳过5项（已存在）"
    assert events_recorded(app) == before and len(stored_items(app, THERE)) == 5


def test_a_malformed_exported_file_is_refused_whole_with_every_error(app, here, there):
    data = edited(exported(app, HERE, open_only=True), {
        (3, "牵头单位"): "区水务局", (4, "决策日期"): "2026-02-30", (5, "督办事项"): None,
        (6, "编号"): "督〔2026〕3号", (7, "办理时限"): "下月底",
    })
    before = events_recorded(app)
    plan = read_items(data, units(app, THERE))
    messages = plan.messages()
    assert messages == [
        "第3行 E列（牵头单位）：没有名为“区水务局”的单位",
        "第4行 N列（决策日期）：日期格式不正确，应为日期或“2026-03-02”“2026/3/2”",
        "第5行 D列（督办事项）：不能为空",
        "第6行 B列（编号）：编号与第3行重复",
        "第7行 H列（办理时限）：日期格式不正确，应为日期或“2026-03-02”“2026/3/2”",
    ], messages
    with pytest.raises(ImportRefused) as refused:
        app.import_items(plan, there.office)
    assert refused.value.messages() == messages
    assert events_recorded(app) == before and stored_items(app, THERE) == []


def test_closed_and_sub_task_rows_are_refused_with_their_row_and_column(app, here, there):
    """A closed row would come back open (and soon overdue): refused, never reopened quietly."""
    closed = exported(app, HERE, closed_only=True)
    assert [(r["编号"], r["状态"]) for r in table(closed)] == [("督〔2026〕15号", "已办结销号")]
    assert read_items(closed, units(app, THERE)).messages() == [
        "第3行 J列（状态）：“已办结销号”的事项已办结，不能作为新事项导入，请删除该行"]
    # the status cleared by hand but the sign-off date left: still closed
    cleared = edited(closed, {(3, "状态"): None})
    assert read_items(cleared, units(app, THERE)).messages() == [
        "第3行 L列（销号日期）：已销号的事项不能作为新事项导入，请删除该行"]
    terminated = edited(exported(app, HERE, open_only=True), {(4, "状态"): "终止办理"})
    assert read_items(terminated, units(app, THERE)).messages() == [
        "第4行 J列（状态）：“终止办理”的事项已办结，不能作为新事项导入，请删除该行"]

    item = next(i for i in stored_items(app, HERE) if i.number == 7)
    app.split_item(item.id, [{"unit": here.unit_ids["B"], "title": "摸底调查", "deadline": date(2026, 4, 30)}],
                   here.office)
    split = exported(app, HERE, open_only=True)
    assert [r["编号"] for r in table(split)][:3] == ["督〔2026〕3号", "督〔2026〕7号", "督〔2026〕7号-S1"]
    assert read_items(split, units(app, THERE)).messages() == [
        "第5行 B列（编号）：“督〔2026〕7号-S1”是子任务，不能单独导入：请删除该行，所属事项导入后再分解交办"]
    assert stored_items(app, THERE) == []


def test_the_ledger_rows_carry_the_registration_facts_now_and_as_of_a_past_day(app, here):
    read_side = ReadSide(app.store)
    read_side.catch_up()
    queries = LedgerQueries(read_side.read_models, app.calendar())
    for rows in (queries.rows(HERE, TODAY), queries.rows(HERE, TODAY, as_of=TODAY)):
        facts = {r.number: (r.decision_date, r.description) for r in rows if r.kind == "item"}
        for item in stored_items(app, HERE):
            assert facts[item.number_label] == (item.decision_date, item.description)


# -- the command line (SQLite) -----------------------------------------------------------------------
def test_the_command_line_exports_a_ledger_and_imports_it_into_another_district(tmp_path, monkeypatch):
    from click.testing import CliRunner

    import duban.cli as cli
    from duban.application import Duban
    from duban.clock import FixedClock

    env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(tmp_path / "events.sqlite3")}
    clock = FixedClock(TODAY)
    setup = Duban(env=env, clock=clock)
    world = organised(setup, HERE)
    register(world, 5, SourceKind.EXECUTIVE_MEETING, "区政府第3次常务会议", date(2026, 2, 27), "整治背街小巷", "A", ("B",))
    register(world, 9, SourceKind.LEADER_INSTRUCTION, "批示件2026-15", date(2026, 2, 20), "老旧小区改造", "C",
             deadline=date(2026, 6, 30), description="年内完成")
    organised(setup, THERE)
    monkeypatch.setattr(cli, "_open_app", lambda today: Duban(env=env, clock=clock))
    runner = CliRunner()
    here_file, there_file = tmp_path / "汉阳区.xlsx", tmp_path / "copy.xlsx"
    day = ["--today", TODAY.isoformat(), "--open-only"]
    out = runner.invoke(cli.main, ["ledger", "--district", HERE, *day, "--xlsx", str(here_file)])
    assert out.exit_code == 0 and "已导出 2 条" in out.output, out.output
    imported = runner.invoke(cli.main, ["import-items", str(here_file), "--district", THERE])
    assert imported.exit_code == 0 and "已导入2项，跳过0项（已存在）" in imported.output, imported.output
    assert runner.invoke(cli.main, ["ledger", "--district", THERE, *day, "--xlsx", str(there_file)]).exit_code == 0
    assert table(there_file.read_bytes()) == table(here_file.read_bytes())
    again = runner.invoke(cli.main, ["import-items", str(here_file), "--district", THERE])
    assert again.exit_code == 0 and "已导入0项，跳过2项（已存在）" in again.output, again.output
    setup.close()
