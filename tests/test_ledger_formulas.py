"""Formula injection (issue 10, point 10): text typed as ``=HYPERLINK(…)`` is exported as text.

openpyxl takes any string beginning with ``=`` for a formula, so a title or a reference typed that
way was written into the ledger export as a live formula (a link, DDE).  Every text cell the .xlsx
writers write is a string cell holding exactly the text typed, and the sheet has no formula.
"""

from __future__ import annotations

import re
import zipfile
from datetime import date
from io import BytesIO

from builders import DistrictBuilder, ledger_row
from openpyxl import load_workbook

from documents.item_import import import_template, read_items
from documents.ledger_xlsx import HEADERS, LedgerSheet, ledger_workbook
from domain.sources import SourceKind
from projections.ledger import LedgerQueries
from projections.read_side import ReadSide
from checks import stored_items

TODAY = date(2026, 3, 2)
FORMULA = '=HYPERLINK("http://x","y")'
CELL_FORMULA = re.compile(r"<(\w+:)?f[\s>/]")  # <f>…</f> in a cell (not <formula1> of a drop-down)


def _sheets_xml(data: bytes) -> str:
    with zipfile.ZipFile(BytesIO(data)) as package:
        return "".join(package.read(name).decode("utf-8") for name in package.namelist()
                       if name.startswith("xl/worksheets/") and name.endswith(".xml"))


def test_text_typed_as_a_formula_is_exported_as_that_text_in_a_string_cell():
    typed = {"督办事项": FORMULA, "来源依据": "=1+2", "事项内容": "@SUM(A1:A2)", "协办单位": "-2+3", "分管领导": "+cmd|' /C calc'!A0"}
    data = ledger_workbook(
        [ledger_row(title=FORMULA, reference="=1+2", description="@SUM(A1:A2)", co_units="-2+3", leader="+cmd|' /C calc'!A0"),
         ledger_row(number="督〔2026〕4号", title="#N/A", reference="\t=1+2")],
        LedgerSheet(district="=汉阳区", ledger="督办事项台账", as_of=TODAY))
    assert not CELL_FORMULA.search(_sheets_xml(data))
    for data_only in (False, True):  # as Excel shows it, and as the import reads it
        sheet = load_workbook(BytesIO(data), data_only=data_only).active
        for header, text in typed.items():
            cell = sheet.cell(row=3, column=HEADERS.index(header) + 1)
            assert (cell.value, cell.data_type) == (text, "s"), header
        title = sheet.cell(row=4, column=HEADERS.index("督办事项") + 1)
        assert (title.value, title.data_type) == ("#N/A", "s")  # text, not an error value
        assert sheet.cell(row=4, column=HEADERS.index("来源依据") + 1).value == "\t=1+2"
        assert sheet["A1"].value.startswith("=汉阳区督办事项台账") and sheet["A1"].data_type == "s"


def test_the_import_template_has_no_formula_and_its_text_cells_are_strings():
    data = import_template()
    assert not CELL_FORMULA.search(_sheets_xml(data))
    book = load_workbook(BytesIO(data))
    for sheet in book.worksheets:
        for row in sheet.iter_rows(max_row=40):
            for cell in row:
                assert cell.data_type != "f", cell.coordinate


def test_a_title_typed_as_a_formula_survives_export_and_import(app):
    here = DistrictBuilder(app).units(A="区住建局").build()
    there = DistrictBuilder(app, district="420199", name="外区").units(A="区住建局").build()
    item = app.register_item(source=SourceKind.EXECUTIVE_MEETING, reference="=常务会议!A1", decision_date=date(2026, 2, 27),
                             title=FORMULA, deadline=date(2026, 4, 30), actor=here.office)
    app.assign_item(item.id, here.unit_ids["A"], [], here.office)
    read_side = ReadSide(app.store)
    read_side.catch_up()
    rows = LedgerQueries(read_side.read_models, app.calendar()).rows(here.district, TODAY, kinds=("item", "subtask"),
                                                                     open_only=True)
    data = ledger_workbook(rows, LedgerSheet(district="汉阳区", ledger="督办事项台账", as_of=TODAY))

    plan = read_items(data, {u.name: u.id for u in app.units(there.district)})
    assert plan.ok, plan.messages()
    assert [(r.title, r.reference) for r in plan.rows] == [(FORMULA, "=常务会议!A1")]
    result = app.import_items(plan, there.office)
    assert [(i.title, i.reference) for i in result.imported] == [(FORMULA, "=常务会议!A1")]
    assert [(i.title, i.reference) for i in stored_items(app, there.district)] == [(FORMULA, "=常务会议!A1")]
