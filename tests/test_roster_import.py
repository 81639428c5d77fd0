"""The roster import (花名册导入): the template, every problem with its sheet, row and column, all or
nothing, and importing the same roster twice recording nothing the second time; on both stores, and
from the command line."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from builders import DistrictBuilder, events_recorded
from click.testing import CliRunner
from openpyxl import load_workbook

import documents.roster_import as roster_import
from documents.item_import import MAX_FILE_BYTES
from documents.roster_import import LEADERS_SHEET, UNITS_SHEET, read_roster, roster_template
from domain.actor import Role
from domain.errors import NotAllowed
from domain.leadership import LeaderTitle
from domain.organisation import UnitKind
from duban.application import Duban
from duban.application.roster import RosterRefused

UNITS = [("晴川街道办事处", "街道", "晴川街"), ("区住建局", "区直部门", ""), ("区城市管理执法局", "区直部门", "城管局"),
         ("区大数据中心", "直属机构", "")]
LEADERS = [("区长", "李四", ""), ("副区长", "张三", "晴川街道办事处、区住建局"), ("副区长", "王五", "区城市管理执法局，区大数据中心")]


def roster(units=UNITS, leaders=LEADERS, *, edit=None) -> bytes:
    """The template filled in below its example rows."""
    book = load_workbook(BytesIO(roster_template()))
    for name, kind, short in units:
        book[UNITS_SHEET].append([None, name, kind, short or None, None])
    for title, holder, charged in leaders:
        book[LEADERS_SHEET].append([None, title, holder, charged or None])
    if edit:
        edit(book)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


# ---- the workbook, store-free --------------------------------------------------------------------------
def test_the_template_has_both_sheets_with_their_headers_drop_downs_and_an_example_skipped():
    book = load_workbook(BytesIO(roster_template()))
    assert book.sheetnames == [UNITS_SHEET, LEADERS_SHEET, "填写说明"]
    assert [c.value for c in book[UNITS_SHEET][2]] == ["序号", "单位名称", "类别", "简称", "单位代码"]
    assert [c.value for c in book[LEADERS_SHEET][2]] == ["序号", "职务", "姓名", "分管单位"]
    kinds = book[UNITS_SHEET].data_validations.dataValidation[0].formula1
    assert all(k.label in kinds for k in UnitKind)
    titles = book[LEADERS_SHEET].data_validations.dataValidation[0].formula1
    assert all(t.label in titles for t in LeaderTitle)
    empty = read_roster(roster_template())
    assert empty.ok and empty.units == [] and empty.leaders == []  # the example rows are skipped


def test_a_filled_roster_reads_into_units_and_leaders():
    plan = read_roster(roster())
    assert plan.ok, [str(e) for e in plan.errors]
    assert [(u.name, u.kind, u.short_name) for u in plan.units] == [
        ("晴川街道办事处", UnitKind.SUBDISTRICT, "晴川街"), ("区住建局", UnitKind.DEPARTMENT, ""),
        ("区城市管理执法局", UnitKind.DEPARTMENT, "城管局"), ("区大数据中心", UnitKind.INSTITUTION, "")]
    assert [(l.title, l.holder, l.units) for l in plan.leaders] == [
        (LeaderTitle.DISTRICT_HEAD, "李四", ()), (LeaderTitle.VICE_HEAD, "张三", ("晴川街道办事处", "区住建局")),
        (LeaderTitle.VICE_HEAD, "王五", ("区城市管理执法局", "区大数据中心"))]


def test_every_problem_is_listed_with_its_sheet_row_and_column():
    units = [*UNITS, ("区住建局", "区直部门", ""), ("", "部门", "太" * 21)]
    leaders = [*LEADERS, ("处长", "", "区住建局"), ("副区长", "张三", "区环保局"), ("副区长", "赵六", "区住建局")]
    plan = read_roster(roster(units, leaders))
    assert not plan.ok
    assert [str(e) for e in plan.errors] == [
        "工作表“单位” 第8行 B列（单位名称）：与第5行的单位重名",
        "工作表“单位” 第9行 B列（单位名称）：不能为空",
        "工作表“单位” 第9行 C列（类别）：未知的单位类别“部门”，应为：街道、区直部门、直属机构",
        "工作表“单位” 第9行 D列（简称）：不能超过20字",
        "工作表“领导分工” 第7行 B列（职务）：未知的领导职务“处长”，应为：区长、常务副区长、副区长",
        "工作表“领导分工” 第7行 C列（姓名）：不能为空",
        "工作表“领导分工” 第7行 D列（分管单位）：“区住建局”已由第5行的领导分管，一个单位只能由一位领导分管",
        "工作表“领导分工” 第8行 C列（姓名）：与第5行是同一位领导（职务、姓名相同）",
        "工作表“领导分工” 第8行 D列（分管单位）：没有名为“区环保局”的单位（“单位”表中和系统中都没有）",
        "工作表“领导分工” 第9行 D列（分管单位）：“区住建局”已由第5行的领导分管，一个单位只能由一位领导分管",
    ]


def test_a_unit_the_district_has_may_be_named_without_being_on_the_units_sheet():
    plan = read_roster(roster(units=[], leaders=[("副区长", "张三", "区住建局")]), district_units=["区住建局"])
    assert plan.ok and plan.leaders[0].units == ("区住建局",)


def test_a_wrong_or_oversized_file_is_one_clear_problem(monkeypatch):
    assert "缺少工作表" in str(read_roster(_workbook_without_leaders()).errors[0])
    assert "文件无法读取" in str(read_roster(b"not a workbook").errors[0])
    assert "文件过大" in str(read_roster(b"x" * (MAX_FILE_BYTES + 1)).errors[0])
    monkeypatch.setattr(roster_import, "MAX_ROWS", 3)
    (problem,) = read_roster(roster()).errors
    assert str(problem) == "工作表“单位” 表格行数超过上限：每张工作表最多3行（第7行已超出），请删除多余的行或分批导入。"


def _workbook_without_leaders() -> bytes:
    book = load_workbook(BytesIO(roster_template()))
    del book[LEADERS_SHEET]
    out = BytesIO()
    book.save(out)
    return out.getvalue()


# ---- the application, on both stores -------------------------------------------------------------------
def _district(app: Duban):
    return DistrictBuilder(app).units(A=("区住建局", UnitKind.DEPARTMENT)).build()


def _plan(app: Duban, district: str, data: bytes):
    return read_roster(data, [u.name for u in app.units(district) if u.active])


def test_importing_records_units_posts_and_portfolios_and_again_records_nothing(app):
    world = _district(app)
    existing = world.unit_ids["A"]
    result = app.import_roster(_plan(app, world.district, roster()), world.admin, effective=date(2026, 3, 1))
    assert result.units_added == ["晴川街道办事处", "区城市管理执法局", "区大数据中心"]
    assert result.units_kept == ["区住建局"]  # present by name: kept, not registered again
    assert result.leaders_added == ["区长李四", "副区长张三", "副区长王五"] and len(result.placed) == 4
    units = {u.name: u for u in app.units(world.district)}
    assert units["区住建局"].id == existing and units["区住建局"].code == "A"
    assert [units[n].code for n in ("晴川街道办事处", "区城市管理执法局", "区大数据中心")] == ["U002", "U003", "U004"]
    assert units["区城市管理执法局"].short_name == "城管局"
    posts = {l.holder: l for l in app.leaders(world.district)}
    roster_now = app.roster(world.district)
    assert roster_now.leader_in_charge(existing, date(2026, 3, 1)) == posts["张三"].id
    assert roster_now.leader_in_charge(existing, date(2026, 2, 28)) is None
    assert roster_now.units_of(posts["王五"].id, date(2026, 3, 1)) == [units["区城市管理执法局"].id,
                                                                     units["区大数据中心"].id]
    # the same roster again: nothing new, nothing recorded
    before = events_recorded(app)
    again = app.import_roster(_plan(app, world.district, roster()), world.admin, effective=date(2026, 3, 1))
    assert (again.units_added, again.leaders_added, again.placed, again.unchanged) == ([], [], [], 4)
    assert events_recorded(app) == before


def test_a_roster_with_a_problem_records_nothing(app):
    world = _district(app)
    before = events_recorded(app)
    with pytest.raises(RosterRefused) as caught:
        app.import_roster(_plan(app, world.district, roster(leaders=[("副区长", "张三", "区环保局")])), world.admin)
    assert caught.value.messages() == [
        "工作表“领导分工” 第4行 D列（分管单位）：没有名为“区环保局”的单位（“单位”表中和系统中都没有）"]
    # a code the district already uses is found when recording, and refuses the whole file too
    taken = roster(edit=lambda book: book[UNITS_SHEET].cell(row=4, column=5, value="A"))
    with pytest.raises(RosterRefused) as code:
        app.import_roster(_plan(app, world.district, taken), world.admin)
    assert code.value.messages() == ["工作表“单位” 第4行 E列（单位代码）：单位代码“A”已被使用"]
    assert events_recorded(app) == before and [u.name for u in app.units(world.district)] == ["区住建局"]


def test_only_the_administrator_or_the_office_imports_a_roster(app):
    world = _district(app)
    before = events_recorded(app)
    with pytest.raises(NotAllowed):
        app.import_roster(_plan(app, world.district, roster()), world.unit("A"))
    assert events_recorded(app) == before
    assert app.import_roster(_plan(app, world.district, roster()), world.admin, dry_run=True).units_added
    assert events_recorded(app) == before  # a dry run checks everything and records nothing


# ---- the command line ----------------------------------------------------------------------------------
def test_the_command_line_writes_the_template_and_imports_a_roster(tmp_path, monkeypatch):
    from duban.cli import main

    monkeypatch.delenv("DATABASE_URL", raising=False)
    db = str(tmp_path / "roster.sqlite3")
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(main, ["--db", db, *args])

    assert run("setup", "--district", "420111", "--name", "洪山区", "--admin", "hs-admin",
               "--password", "long-enough-1").exit_code == 0
    template = tmp_path / "花名册.xlsx"
    assert run("roster", "template", str(template)).exit_code == 0
    assert load_workbook(template).sheetnames == [UNITS_SHEET, LEADERS_SHEET, "填写说明"]
    filled = tmp_path / "洪山区花名册.xlsx"
    filled.write_bytes(roster())
    bad = tmp_path / "有错.xlsx"
    bad.write_bytes(roster(leaders=[("处长", "张三", "")]))
    refused = run("roster", "import", str(bad), "--district", "420111")
    assert refused.exit_code == 1 and "第4行 B列（职务）" in refused.output and "全部未导入" in refused.output
    checked = run("roster", "import", str(filled), "--district", "420111", "--dry-run")
    assert checked.exit_code == 0 and "未记录" in checked.output
    done = run("roster", "import", str(filled), "--district", "420111", "--effective", "2026-03-01")
    assert done.exit_code == 0 and "新增单位4个" in done.output, done.output
    again = run("roster", "import", str(filled), "--district", "420111")
    assert again.exit_code == 0 and "新增单位0个（已有4个）" in again.output
    unknown = run("roster", "import", str(filled), "--district", "420199")
    assert unknown.exit_code == 1 and "没有区划代码为420199的区" in unknown.output
    app = Duban(env={"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": db})
    try:
        assert sorted(u.name for u in app.units("420111")) == sorted(u[0] for u in UNITS)
        assert {l.holder for l in app.leaders("420111")} == {"李四", "张三", "王五"}
    finally:
        app.close()


def test_the_users_commands_act_within_the_district_named_only(tmp_path, monkeypatch):
    from duban.cli import main

    monkeypatch.delenv("DATABASE_URL", raising=False)
    db = str(tmp_path / "users.sqlite3")
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(main, ["--db", db, *args])

    for code, name, admin in (("420111", "洪山区", "hs-admin"), ("420112", "青山区", "qs-admin")):
        assert run("setup", "--district", code, "--name", name, "--admin", admin,
                   "--password", "long-enough-1").exit_code == 0
    assert run("users", "add", "hs-office", "--role", "office", "--district", "420111",
               "--password", "long-enough-2").exit_code == 0
    # another district's user is refused by name, and nothing changes
    for command in (("disable", "hs-office"), ("reset-password", "hs-office", "--password", "long-enough-3")):
        refused = run("users", *command, "--district", "420112")
        assert refused.exit_code == 1 and "区划代码为420112的区没有用户 hs-office" in refused.output, refused.output
    assert "请用 --district" in run("users", "disable", "hs-office").output
    assert run("users", "add", "pt", "--role", "deployment", "--district", "420111",
               "--password", "long-enough-2").exit_code == 2  # not a role a district gives
    # within the right district they act
    assert run("users", "reset-password", "hs-office", "--district", "420111", "--password",
               "long-enough-3").exit_code == 0
    assert run("users", "disable", "hs-office", "--district", "420111").exit_code == 0
    # the deployment administrator: added by setup, managed with --deployment
    assert run("setup", "--deployment-admin", "pingtai", "--password", "long-enough-1").exit_code == 0
    both = run("setup", "--deployment-admin", "p2", "--district", "420113", "--password", "long-enough-1")
    assert both.exit_code == 2
    assert run("users", "reset-password", "pingtai", "--district", "420111", "--password",
               "long-enough-4").exit_code == 1
    assert run("users", "reset-password", "pingtai", "--deployment", "--password", "long-enough-4").exit_code == 0
    app = Duban(env={"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": db})
    try:
        assert not app.user("hs-office").active and app.authenticate("hs-office", "long-enough-3") is None
        assert app.user("pingtai").role is Role.DEPLOYMENT_ADMIN
        assert app.authenticate("pingtai", "long-enough-4") is not None
    finally:
        app.close()
