"""The ledger as an .xlsx workbook: the office's columns, a title row, frozen header, real dates."""

from __future__ import annotations

from datetime import date, datetime
from io import BytesIO

from builders import ledger_row
from openpyxl import load_workbook
from web_world import web  # noqa: F401  (fixture)

from documents.ledger_xlsx import HEADERS, LEDGER_HEADERS, LedgerSheet, ledger_workbook


def test_the_workbook_has_a_title_row_frozen_headers_real_dates_and_fitting_columns():
    data = ledger_workbook([ledger_row(), ledger_row(number="督〔2026〕4号", closed_on=date(2026, 4, 1), working_days_overdue=0)],
                           LedgerSheet(district="汉阳区", ledger="督办事项台账", as_of=date(2026, 4, 2),
                                       period="2026年第一季度"))
    sheet = load_workbook(BytesIO(data)).active
    assert sheet["A1"].value == "汉阳区督办事项台账 · 2026年第一季度（截至2026年4月2日）"
    assert tuple(c.value for c in sheet[2]) == HEADERS
    # the office's twelve columns first, then what the item import needs to read the file again
    assert HEADERS == LEDGER_HEADERS + ("来源依据", "决策日期", "事项内容") and len(LEDGER_HEADERS) == 12
    assert sheet.freeze_panes == "A3"
    first = [c.value for c in sheet[3]]
    assert first[0] == 1 and first[1] == "督〔2026〕3号" and first[5] == "晴川街" and first[6] == "副区长"
    assert isinstance(sheet["H3"].value, datetime) and sheet["H3"].value.date() == date(2026, 3, 27)
    assert sheet["H3"].number_format == "yyyy-mm-dd"
    assert first[8].startswith("60%：正在施工") and first[9] == "办理中" and first[10] == 3
    assert sheet["L3"].value is None and sheet["L4"].value.date() == date(2026, 4, 1)
    assert sheet["K4"].value is None  # not overdue: an empty cell, not 0
    assert sheet["M3"].value == "第3次常务会议" and sheet["O3"].value == "6月底前完工"
    assert sheet["N3"].value.date() == date(2026, 2, 27) and sheet["N3"].number_format == "yyyy-mm-dd"
    # the title column is wide enough for the Chinese title (two units per character)
    assert sheet.column_dimensions["D"].width >= 2 * len("改造月湖片区口袋公园")
    assert sheet.column_dimensions["A"].width < sheet.column_dimensions["D"].width


def test_the_office_downloads_the_filtered_ledger_it_sees(web):
    web.item("改造月湖片区口袋公园", lead="A")
    web.item("整治背街小巷环境", lead="C")
    office = web.client("duchashi")
    page = office.get("/office/ledger", params={"unit": web.world.unit_ids["A"].hex})
    assert "导出Excel" in page.text
    answer = office.get("/office/ledger.xlsx", params={"unit": web.world.unit_ids["A"].hex})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert "attachment" in answer.headers["content-disposition"]
    sheet = load_workbook(BytesIO(answer.content)).active
    titles = [r[3] for r in sheet.iter_rows(min_row=3, values_only=True)]
    assert titles == ["改造月湖片区口袋公园"]
    assert sheet["A1"].value.startswith("汉阳区督办事项台账")
    assert office.get("/office/ledger.xlsx", params={"as_of": "yesterday"}).status_code == 422
    assert web.client("zhujianju").get("/office/ledger.xlsx").status_code == 403


def test_the_office_downloads_the_rectification_ledger(web):
    from datetime import date as day

    from domain.rectification import ProblemSource, Severity

    world = web.world
    for unit, problem in (("A", "工地扬尘防控不到位"), ("C", "占道经营反弹")):
        web.app.record_rectification(unit=world.unit_ids[unit], source=ProblemSource.AUDIT, problem=problem,
                                     severity=Severity.GENERAL, deadline=day(2026, 6, 30), actor=world.office)
    office = web.client("duchashi")
    assert "导出Excel" in office.get("/office/rectifications").text
    answer = office.get("/office/rectifications/ledger.xlsx", params={"unit": world.unit_ids["C"].hex})
    assert answer.status_code == 200 and "filename*=UTF-8''" in answer.headers["content-disposition"]
    sheet = load_workbook(BytesIO(answer.content)).active
    assert sheet["A1"].value.startswith("汉阳区整改台账")
    assert [r[3] for r in sheet.iter_rows(min_row=3, values_only=True)] == ["占道经营反弹"]
    assert office.get("/office/rectifications/ledger.xlsx", params={"ledger": "bogus"}).status_code == 422
