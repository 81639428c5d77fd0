"""Importing supervised items from an .xlsx (批量导入): all or nothing, every error listed, idempotent."""

from __future__ import annotations

import asyncio
from datetime import date
from io import BytesIO
from typing import Iterable
from urllib.parse import unquote
from uuid import uuid4
from xml.sax.saxutils import escape
from zipfile import ZIP_DEFLATED, ZipFile

import pytest
from builders import events_recorded
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from web_world import web  # noqa: F401  (the fixture)

import documents.item_import as item_import
import web.controllers.office as office_pages
from documents.item_import import (FILE_TOO_LARGE, HEADERS, MAX_FILE_BYTES, MAX_LISTED, MAX_ROWS, MAX_UNPACKED_BYTES,
                                   UNPACKED_TOO_LARGE, import_template, read_items)
from domain.item import ItemStatus
from domain.sources import SourceKind
from duban.application.imports import ImportRefused
from checks import stored_items

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# 序号 编号 事项来源 来源依据 决策日期 督办事项 事项内容 牵头单位 协办单位 办理时限  (A..J)
GOOD = [
    [1, None, "区政府常务会议", "区政府第3次常务会议", date(2026, 2, 27), "整治背街小巷", "6月底前完成", "区住建局",
     "晴川街、区城管局", None],
    [2, "督〔2026〕7号", "领导批示", "批示件2026-15", "2026/2/20", "老旧小区改造", None, "晴川街", None, "2026-06-30"],
    [3, 8, "人大代表建议", "第45号", date(2026, 1, 15), "增设公交线路", None, "区城管局", None, None],
]


def workbook(rows, headers=HEADERS, title="督办事项导入") -> bytes:
    book = Workbook()
    ws = book.active
    ws.append([title])
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def units(web) -> dict:
    return {u.name: u.id for u in web.app.units(web.world.district)}


def upload(web, client, data: bytes, follow: bool = False):
    return client.post("/office/import", data=web.form(client), files={"file": ("x.xlsx", data, XLSX)},
                       follow_redirects=follow)


# -- the service ---------------------------------------------------------------------------------
def test_a_good_file_registers_and_assigns_every_row_and_a_second_import_creates_nothing(web):
    app, world = web.app, web.world
    plan = read_items(workbook(GOOD), units(web))
    assert plan.ok, plan.messages()
    seen = []
    result = app.import_items(plan, world.office, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(1, 3), (2, 3), (3, 3)]
    assert result.message == "已导入3项，跳过0项（已存在）"
    items = {i.title: i for i in stored_items(app, world.district)}
    assert set(items) == {"整治背街小巷", "老旧小区改造", "增设公交线路"}
    alley, estate, bus = items["整治背街小巷"], items["老旧小区改造"], items["增设公交线路"]
    assert (estate.number, bus.number, alley.number) == (7, 8, 9)  # explicit numbers kept, the others after
    assert all(i.status is ItemStatus.ASSIGNED for i in items.values())
    assert alley.lead_unit == world.unit_ids["A"] and alley.co_units == [world.unit_ids["B"], world.unit_ids["C"]]
    assert alley.source is SourceKind.EXECUTIVE_MEETING and alley.description == "6月底前完成"
    # deadlines: an explicit one kept; blank ones defaulted by the rules (one month / three months)
    assert estate.deadline == date(2026, 6, 30) and estate.decision_date == date(2026, 2, 20)
    assert alley.deadline_basis == "meeting_one_month" and alley.deadline >= date(2026, 3, 27)
    assert bus.deadline_basis != "explicit" and bus.deadline >= date(2026, 4, 15)

    before = events_recorded(app)
    again = app.import_items(read_items(workbook(GOOD), units(web)), world.office)
    assert again.message == "已导入0项，跳过3项（已存在）"
    assert [row for row, _ in again.skipped] == [3, 4, 5]
    assert events_recorded(app) == before
    assert len(stored_items(app, world.district)) == 3


def test_an_import_that_loses_the_race_for_the_numbers_is_run_again_whole_and_lists_each_row_once(
        web, monkeypatch):
    app, world = web.app, web.world
    plan = read_items(workbook(GOOD), units(web))
    load = app._register
    meanwhile = []

    def load_then_someone_registers(district, kind, year, on):
        found = load(district, kind, year, on)
        if kind == "item" and not meanwhile:
            meanwhile.append(None)  # once: the registration below loads the register too
            meanwhile.append(app.register_item(
                source=SourceKind.EXECUTIVE_MEETING, reference="区政府第4次常务会议", decision_date=date(2026, 2, 27),
                title="同时登记的事项", deadline=date(2026, 6, 30), actor=world.office))
        return found

    monkeypatch.setattr(app, "_register", load_then_someone_registers)
    result = app.import_items(plan, world.office)
    monkeypatch.undo()
    assert meanwhile[1].number == 1
    assert result.message == "已导入3项，跳过0项（已存在）"
    assert [i.number for i in result.imported] == [7, 8, 9]
    assert sorted(i.number for i in stored_items(app, world.district)) == [1, 7, 8, 9]


def test_rows_without_a_number_are_recognised_by_what_they_are(web):
    """Unnumbered rows: (source, reference, decision date, title) is the identity, whatever the row order."""
    app, world = web.app, web.world
    rows = [GOOD[0], [2, None, "专题会议", "专题会议纪要〔2026〕2号", "2026-02-10", "河道清淤", None, "区城管局", None, None]]
    app.import_items(read_items(workbook(rows), units(web)), world.office)
    grown = rows[::-1] + [[3, None, "专题会议", "专题会议纪要〔2026〕2号", "2026-02-10", "河道保洁", None, "晴川街", None, None]]
    result = app.import_items(read_items(workbook(grown), units(web)), world.office)
    assert result.message == "已导入1项，跳过2项（已存在）"
    assert sorted(i.title for i in stored_items(app, world.district)) == sorted(["整治背街小巷", "河道清淤", "河道保洁"])


def test_a_malformed_file_is_refused_whole_with_every_error_and_nothing_recorded(web):
    app, world = web.app, web.world
    rows = [
        GOOD[0],  # a good row: not imported either
        [2, 5, "区政府常务会议", "区政府第3次常务会议", date(2026, 2, 27), "修缮学校", None, "区教育局", "晴川街、区水务局", None],
        [3, None, "区政府常务会议", "区政府第3次常务会议", "昨天", "清理小广告", None, "区住建局", None, None],
        [4, None, "区政府常务会议", "区政府第3次常务会议", "2026-02-27", None, None, "区住建局", None, None],
        [5, "督〔2026〕5号", "区政府常务会议", "区政府第3次常务会议", "2026-02-27", "道路修补", None, "晴川街", None, None],
        [6, "第五号", "开会", None, "2026-02-30", "绿化", None, None, None, "明天"],
    ]
    before_items, before_events = len(stored_items(app, world.district)), events_recorded(app)
    plan = read_items(workbook(rows), units(web))
    messages = plan.messages()
    assert messages == [
        "第4行 H列（牵头单位）：没有名为“区教育局”的单位",
        "第4行 I列（协办单位）：没有名为“区水务局”的单位",
        "第5行 E列（决策日期）：日期格式不正确，应为日期或“2026-03-02”“2026/3/2”",
        "第6行 F列（督办事项）：不能为空",
        "第7行 B列（编号）：编号与第4行重复",
        "第8行 B列（编号）：编号格式不正确（“第五号”），应为“督〔2026〕12号”或正整数",
        "第8行 C列（事项来源）：未知的事项来源“开会”，应为：" + "、".join(s.label for s in SourceKind),
        "第8行 D列（来源依据）：不能为空",
        "第8行 E列（决策日期）：日期格式不正确，应为日期或“2026-03-02”“2026/3/2”",
        "第8行 H列（牵头单位）：不能为空",
        "第8行 J列（办理时限）：日期格式不正确，应为日期或“2026-03-02”“2026/3/2”",
    ], messages
    with pytest.raises(ImportRefused) as refused:
        app.import_items(plan, world.office)
    assert refused.value.messages() == messages
    assert len(stored_items(app, world.district)) == before_items and events_recorded(app) == before_events


def test_problems_only_the_application_sees_refuse_the_whole_file_too(web):
    """A source that must state its deadline, a number taken by another item, a future decision."""
    app, world = web.app, web.world
    taken = web.item("已有事项")
    number = app.item(taken, world.office).number
    rows = [
        GOOD[0],
        [2, None, "上级交办", "武政办〔2026〕3号", "2026-02-01", "落实上级文件", None, "区住建局", None, None],
        [3, number, "区政府常务会议", "区政府第3次常务会议", "2026-02-27", "另一事项", None, "区住建局", None, None],
        [4, None, "区政府常务会议", "区政府第9次常务会议", "2026-12-01", "未来的会议", None, "区住建局", None, None],
    ]
    before = events_recorded(app)
    plan = read_items(workbook(rows), units(web))
    assert plan.ok
    with pytest.raises(ImportRefused) as refused:
        app.import_items(plan, world.office)
    messages = refused.value.messages()
    assert len(messages) == 3, messages
    assert messages[0].startswith("第4行 J列（办理时限）：")
    assert messages[1] == f"第5行 B列（编号）：督〔2026〕{number}号已被“已有事项”使用"
    assert messages[2] == "第6行 E列（决策日期）：决策日期不能晚于今天"
    assert events_recorded(app) == before and len(stored_items(app, world.district)) == 1


def test_explicit_numbers_may_skip_at_most_fifty_each_in_order_of_number(web):
    """Numbers 7, 8 (GOOD), then 58 after 8 and 109 after 58 fit; 2026001 does not, and nothing is
    recorded; the rows are judged lowest number first, whatever their order in the sheet."""
    app, world = web.app, web.world

    def row(n, number, title):
        return [n, number, "区政府常务会议", f"区政府第{n}次常务会议", "2026-02-27", title, None, "区住建局", None, None]

    before = events_recorded(app)
    sheet = GOOD + [row(5, 109, "远号事项"), row(4, 58, "跳号事项"), row(6, 2026001, "过大编号")]
    with pytest.raises(ImportRefused) as refused:
        app.import_items(read_items(workbook(sheet), units(web)), world.office)
    assert refused.value.messages() == [
        "第8行 B列（编号）：编号2026001超出范围：本年度已编到109号，指定编号最大为160号"]
    assert events_recorded(app) == before
    result = app.import_items(read_items(workbook(sheet[:-1]), units(web)), world.office)
    assert sorted(i.number for i in result.imported) == [7, 8, 58, 109, 110]


def test_a_wrong_header_or_a_file_that_is_not_xlsx_is_one_clear_error(web):
    assert read_items(b"not a workbook", units(web)).messages() == [
        "文件无法读取，请上传由导入模板填写的Excel文件（.xlsx）。（BadZipFile）"]
    wrong = read_items(workbook([["x"]], headers=("甲", "乙")), units(web)).messages()
    assert len(wrong) == 1 and wrong[0].startswith("表头不正确")
    missing = read_items(workbook([], headers=("督办事项", "牵头单位")), units(web)).messages()
    assert missing == ["表头不正确：第2行缺少列“事项来源”“来源依据”“决策日期”，请使用导入模板。"]


def test_the_template_has_a_drop_down_and_an_example_row_and_imports_nothing(web):
    data = import_template()
    book = load_workbook(BytesIO(data))
    ws = book["督办事项"]
    assert [c.value for c in ws[2]] == list(HEADERS)
    assert ws.freeze_panes == "A3"
    assert ws["A3"].value == "示例"
    validation = ws.data_validations.dataValidation[0]
    assert all(s.label in validation.formula1 for s in SourceKind) and "C3" in str(validation.sqref)
    assert "填写说明" in book.sheetnames
    plan = read_items(data, units(web))
    assert plan.ok and plan.rows == []
    result = web.app.import_items(plan, web.world.office)
    assert result.message == "已导入0项，跳过0项（已存在）"


def test_a_dry_run_checks_everything_and_records_nothing(web):
    before = events_recorded(web.app)
    result = web.app.import_items(read_items(workbook(GOOD), units(web)), web.world.office, dry_run=True)
    assert len(result.imported) == 3 and events_recorded(web.app) == before


# -- the pages -----------------------------------------------------------------------------------
def test_the_upload_page_imports_end_to_end(web):
    office = web.client("duchashi")
    page = office.get("/office/import")
    assert page.status_code == 200 and "/office/import/template.xlsx" in page.text and 'name="_csrf_token"' in page.text
    assert "/office/import" in office.get("/office/ledger").text
    template = office.get("/office/import/template.xlsx")
    assert template.status_code == 200 and template.headers["content-type"].startswith(XLSX)
    assert "督办事项导入模板.xlsx" in unquote(template.headers["content-disposition"])
    assert read_items(template.content, units(web)).rows == []

    answer = upload(web, office, workbook(GOOD))
    assert answer.status_code == 303, answer.text[:500]
    assert "已导入3项，跳过0项（已存在）" in unquote(answer.headers["location"])
    assert len(stored_items(web.app, web.world.district)) == 3
    again = upload(web, office, workbook(GOOD), follow=True)
    assert again.status_code == 200 and "已导入0项，跳过3项（已存在）" in again.text
    assert len(stored_items(web.app, web.world.district)) == 3


def test_the_upload_page_lists_every_error_and_records_nothing(web):
    office = web.client("duchashi")
    rows = [GOOD[0], [2, None, "区政府常务会议", "会议", "昨天", None, None, "区教育局", None, None]]
    before = events_recorded(web.app)
    answer = upload(web, office, workbook(rows))
    assert answer.status_code == 422
    for message in ("第4行 E列（决策日期）：日期格式不正确", "第4行 F列（督办事项）：不能为空",
                    "第4行 H列（牵头单位）：没有名为“区教育局”的单位", "导入文件有3处错误，全部未导入"):
        assert message in answer.text
    assert events_recorded(web.app) == before
    not_xlsx = office.post("/office/import", data=web.form(office), files={"file": ("x.xlsx", b"hello", XLSX)})
    assert not_xlsx.status_code == 422 and "文件无法读取" in not_xlsx.text
    no_file = office.post("/office/import", data=web.form(office))
    assert no_file.status_code == 422 and "请选择要导入的Excel文件" in no_file.text


def test_a_unit_user_and_the_administrator_cannot_import(web):
    unit = web.client("zhujianju")
    for url in ("/office/import", "/office/import/template.xlsx"):
        assert unit.get(url).status_code == 403
    before = events_recorded(web.app)
    assert upload(web, unit, workbook(GOOD)).status_code == 403
    admin = web.client("guanliyuan")
    refused = upload(web, admin, workbook(GOOD))
    assert refused.status_code == 403 and "管理员无权操作" in refused.text
    assert events_recorded(web.app) == before


# -- what one file may cost ------------------------------------------------------------------------
# Sheets written as XML straight into the archive, so large ones are quick to make: inline strings,
# text dates (the reader takes "2026-02-27"), and a <dimension> that may lie.
SHEET_HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
              '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
              '<dimension ref="{}"/><sheetData>')
SHEET_TAIL = "</sheetData></worksheet>"


def row_xml(row: int, values) -> str:
    cells = []
    for column, value in enumerate(values, start=1):
        ref = f"{get_column_letter(column)}{row}"
        if isinstance(value, int):
            cells.append(f'<c r="{ref}"><v>{value}</v></c>')
        elif value is not None:
            cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>')
    return f'<row r="{row}">{"".join(cells)}</row>'


def formatted_empty_row(row: int) -> str:
    """A row someone formatted (date format, style 1) and left empty; every hundredth one as a
    formatted range, with empty styled cells out to the last column XFD."""
    cells = "".join(f'<c r="{get_column_letter(c)}{row}" s="1"/>' for c in (*range(1, 11), 16384)) if row % 100 == 0 else ""
    return f'<row r="{row}" s="1" customFormat="1">{cells}</row>'


def xml_sheet(parts: Iterable[str]) -> bytes:
    """An .xlsx (made by openpyxl, so its other parts are real) whose sheet is ``parts``, streamed in."""
    base = ZipFile(BytesIO(workbook([[1, None, None, None, date(2026, 2, 27)]])))  # styles: 1 is a date format
    out = BytesIO()
    with ZipFile(out, "w", ZIP_DEFLATED) as archive:
        for info in base.infolist():
            if info.filename == "xl/worksheets/sheet1.xml":
                with archive.open(info.filename, "w") as sheet:
                    for part in parts:
                        sheet.write(part.encode("utf-8"))
            else:
                archive.writestr(info, base.read(info.filename))
    return out.getvalue()


def good_row(n: int) -> list:
    return [n, None, "区政府常务会议", f"区政府第{n}次常务会议", "2026-02-27", f"事项{n}", None, "区住建局", None, None]


def head(dimension: str) -> list[str]:
    return [SHEET_HEAD.format(dimension), row_xml(1, ["督办事项导入"]), row_xml(2, HEADERS)]


SOME_UNITS = {"区住建局": uuid4()}


def test_a_sheet_with_more_rows_than_the_limit_is_refused_with_one_error_and_read_no_further():
    """The first row over the limit stops the reading: the rows below it — and the broken XML far
    below those — are never read.  The sheet's <dimension> claims two rows; it is not believed."""
    rows = [row_xml(2 + n, good_row(n)) for n in range(1, MAX_ROWS + 2)]
    padding = [row_xml(n, ["多余的行", "x"]) for n in range(MAX_ROWS + 4, MAX_ROWS + 40_000)]
    broken = '<row r="999999"><c r="A999999" t="inlineStr"><is><t>未写完'  # never closed
    plan = read_items(xml_sheet([*head("A1:J2"), *rows, *padding, broken]), SOME_UNITS)
    assert plan.messages() == [f"表格行数超过上限：每次最多导入{MAX_ROWS}行事项（第{MAX_ROWS + 3}行已超出），"
                               "请删除多余的行或分批导入。"]
    assert plan.rows == []
    # exactly the limit is fine (the template's example row does not count)
    example = row_xml(3, ["示例", None, "区政府常务会议", "区政府第12次常务会议", "2026-03-02", "示例事项", None, "区住建局"])
    at_limit = [row_xml(3 + n, good_row(n)) for n in range(1, MAX_ROWS + 1)]
    plan = read_items(xml_sheet([*head("A1:J2"), example, *at_limit, SHEET_TAIL]), SOME_UNITS)
    assert plan.ok, plan.messages()[:3]
    assert len(plan.rows) == MAX_ROWS and plan.rows[-1].row == MAX_ROWS + 3


def test_formatted_empty_rows_below_the_data_are_skipped_without_being_kept():
    """100,000 formatted empty rows (and a <dimension> to match) after 3 good rows: the 3 rows are
    read; the reader holds one row at a time, never the sheet (before: 270 MB for this sheet)."""
    import tracemalloc

    good = [row_xml(3 + n, row) for n, row in enumerate(GOOD)]
    formatted = (formatted_empty_row(n) for n in range(6, 100_006))
    data = xml_sheet([*head("A1:XFD100005"), *good, *formatted, SHEET_TAIL])
    tracemalloc.start()
    try:
        plan = read_items(data, {name: uuid4() for name in ("区住建局", "晴川街", "区城管局")})
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert plan.ok, plan.messages()
    assert [(r.row, r.title) for r in plan.rows] == [(3, "整治背街小巷"), (4, "老旧小区改造"), (5, "增设公交线路")]
    assert peak < 10 * 1024 * 1024, f"{peak / 1024 / 1024:.0f} MiB while reading"


def test_only_the_first_columns_are_read_and_a_header_right_of_them_is_refused():
    wide = [*HEADERS, *[None] * (item_import.MAX_COLUMNS - len(HEADERS)), "备注"]  # 备注 one column too far
    assert read_items(workbook([good_row(1)], headers=wide), SOME_UNITS).messages() == [
        f"表格列数超过上限：最多{item_import.MAX_COLUMNS}列，第2行{get_column_letter(item_import.MAX_COLUMNS + 1)}列"
        "的表头超出，请删除多余的列后重新导入。"]
    # a cell out there under no header is ignored, like any column the import does not know
    plan = read_items(workbook([[*good_row(1), *[None] * 100, "随手写的备注"]]), SOME_UNITS)
    assert plan.ok and [r.title for r in plan.rows] == ["事项1"]


def test_a_zip_bomb_is_refused_before_anything_is_unpacked(monkeypatch):
    """A small file whose sheet unpacks to more than the limit: refused from the sizes the archive
    declares, before the workbook is opened."""
    spaces = " " * (1024 * 1024)
    bomb = xml_sheet([*head("A1:J5"), *(row_xml(3 + n, row) for n, row in enumerate(GOOD)),
                      *(spaces for _ in range(MAX_UNPACKED_BYTES // len(spaces) + 1)), SHEET_TAIL])
    assert len(bomb) < MAX_UNPACKED_BYTES // 100

    def must_not_open(*args, **kwargs):
        raise AssertionError("the workbook was opened")

    monkeypatch.setattr(item_import, "load_workbook", must_not_open)
    assert read_items(bomb, SOME_UNITS).messages() == [UNPACKED_TOO_LARGE]
    assert read_items(b"PK" + bytes(MAX_FILE_BYTES), SOME_UNITS).messages() == [FILE_TOO_LARGE]


def test_an_upload_over_the_size_limit_is_answered_on_the_import_page_and_records_nothing(web):
    office = web.client("duchashi")
    before = events_recorded(web.app)
    for size in (MAX_FILE_BYTES + 1, 3 * MAX_FILE_BYTES):  # just over (read, then refused); far over (not read)
        answer = upload(web, office, b"PK" + bytes(size - 2))
        assert answer.status_code == 413, (size, answer.status_code, answer.text[:300])
        assert "批量导入督办事项" in answer.text and FILE_TOO_LARGE in answer.text
        token = office.cookies.get("csrftoken")
        assert f'name="_csrf_token" value="{token}"' in answer.text  # the form on the page can be sent again
    assert events_recorded(web.app) == before
    assert upload(web, office, workbook(GOOD)).status_code == 303


def test_the_error_page_lists_the_first_problems_and_counts_the_others(web):
    """2,000 rows with 5 problems each: the page lists 50 and says how many it left out."""
    office = web.client("duchashi")
    bad = [[n, None, "开会", None, "昨天", None, None, "区教育局", None, None] for n in range(1, MAX_ROWS + 1)]
    before = events_recorded(web.app)
    answer = upload(web, office, workbook(bad))
    assert answer.status_code == 422
    total = 5 * MAX_ROWS
    assert f"导入文件有{total}处错误" in answer.text
    assert f"另有{total - MAX_LISTED}处问题未列出" in answer.text
    assert answer.text.count("<li>第") == MAX_LISTED
    assert len(answer.content) < 100_000, len(answer.content)
    assert events_recorded(web.app) == before


def test_the_file_is_read_in_a_worker_thread_not_on_the_event_loop(web, monkeypatch):
    where = []

    def reading(data, units_by_name):
        try:
            asyncio.get_running_loop()
            where.append("event loop")
        except RuntimeError:
            where.append("worker thread")
        return read_items(data, units_by_name)

    monkeypatch.setattr(office_pages, "read_items", reading)
    assert upload(web, web.client("duchashi"), workbook(GOOD)).status_code == 303
    assert where == ["worker thread"]


# -- the command line ------------------------------------------------------------------------------
def test_the_command_line_refuses_a_bad_file_whole_and_imports_a_good_one_once(tmp_path, monkeypatch):
    from builders import DistrictBuilder
    from click.testing import CliRunner

    import duban.cli as cli
    from duban.application import Duban
    from duban.clock import FixedClock

    env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(tmp_path / "events.sqlite3")}
    clock = FixedClock(date(2026, 3, 2))
    setup = Duban(env=env, clock=clock)
    world = DistrictBuilder(setup).units(A="区住建局", B="晴川街", C="区城管局").build()
    monkeypatch.setattr(cli, "_open_app", lambda today: Duban(env=env, clock=clock))
    runner = CliRunner()
    template = tmp_path / "模板.xlsx"
    assert runner.invoke(cli.main, ["import-template", str(template)]).exit_code == 0
    assert read_items(template.read_bytes(), units_of(setup, world.district)).rows == []
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(workbook([GOOD[0], [2, None, "区政府常务会议", "会议", "昨天", None, None, "区教育局", None, None]]))
    refused = runner.invoke(cli.main, ["import-items", str(bad), "--district", world.district])
    assert refused.exit_code != 0
    for message in ("第4行 E列（决策日期）", "第4行 F列（督办事项）", "第4行 H列（牵头单位）", "导入文件有3处错误"):
        assert message in refused.output, refused.output
    good = tmp_path / "good.xlsx"
    good.write_bytes(workbook(GOOD))
    dry = runner.invoke(cli.main, ["import-items", str(good), "--dry-run"])
    assert dry.exit_code == 0 and "已导入3项" in dry.output and stored_items(setup, world.district) == []
    first = runner.invoke(cli.main, ["import-items", str(good)])
    assert first.exit_code == 0 and "已导入3项，跳过0项（已存在）" in first.output, first.output
    second = runner.invoke(cli.main, ["import-items", str(good)])
    assert second.exit_code == 0 and "已导入0项，跳过3项（已存在）" in second.output, second.output
    assert len(stored_items(setup, world.district)) == 3
    setup.close()


def units_of(app, district: str) -> dict:
    return {u.name: u.id for u in app.units(district)}
