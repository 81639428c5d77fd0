"""The ledger as an .xlsx workbook (台账导出), in the columns supervision offices use.

A title row names the district, the ledger, the period and the as-of date; the header row is
frozen; dates are real date cells; column widths fit their contents (a CJK character counts
double).  Every text cell is a string cell with the text as recorded, less what XML cannot hold
(``documents.xml_text``): a title beginning with ``=`` is text, never a formula.  Built with openpyxl.

The first twelve columns are the office's ledger (序号 … 销号日期).  After them come the
registration columns the item import reads (来源依据, 决策日期, 事项内容, with the import's own
header text), so an exported open ledger can be imported again (``documents.item_import``);
rows that are not supervised items (整改任务) leave 决策日期 and 事项内容 empty.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from io import BytesIO
from typing import Iterable

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter

from documents.xml_text import cell_value, text_cell
from projections.ledger import LedgerRow

LEDGER_HEADERS = ("序号", "编号", "事项来源", "督办事项", "牵头单位", "协办单位", "分管领导", "办理时限", "办理进展",
                  "状态", "逾期工作日", "销号日期")
REGISTRATION_HEADERS = ("来源依据", "决策日期", "事项内容")  # the import's headers (documents.item_import)
HEADERS = LEDGER_HEADERS + REGISTRATION_HEADERS
DATE_FORMAT = "yyyy-mm-dd"
WIDEST = 60  # characters; longer text wraps
THIN = Side(style="thin", color="999999")


@dataclass(frozen=True)
class LedgerSheet:
    """What the title row says about the rows."""

    district: str  # 汉阳区
    ledger: str  # 督办事项台账 / 已销号台账 / 整改台账
    as_of: date
    period: str = ""  # e.g. 2026年1月1日至2026年6月30日, or "" for the whole ledger

    @property
    def title(self) -> str:
        period = f" · {self.period}" if self.period else ""
        return f"{self.district}{self.ledger}{period}（截至{self.as_of.year}年{self.as_of.month}月{self.as_of.day}日）"


def _progress(row: LedgerRow) -> str:
    text = f"{row.progress}%"
    if row.progress_text:
        text += f"：{row.progress_text}"
    if row.progress_on:
        text += f"（{row.progress_on.isoformat()}）"
    return text


def _values(number: int, row: LedgerRow) -> list:
    return [number, row.number, row.source, row.title, row.lead_unit, row.co_units, row.leader, row.deadline,
            _progress(row), row.status_label, row.working_days_overdue or None, row.closed_on,
            row.reference, row.decision_date, row.description or None]


def _display_width(value) -> int:
    if value is None:
        return 0
    if isinstance(value, date):
        return 10
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in str(value))


def ledger_workbook(rows: Iterable[LedgerRow], sheet: LedgerSheet) -> bytes:
    """The workbook's bytes: one sheet, a title row, the frozen header row, one row per entry."""
    book = Workbook()
    ws = book.active
    ws.title = sheet.ledger[:31]
    ws.append([cell_value(sheet.title)])
    text_cell(ws["A1"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 28
    ws.append(list(HEADERS))
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="EDEDED")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = Border(top=THIN, bottom=THIN, left=THIN, right=THIN)
    widths = [_display_width(h) for h in HEADERS]
    # one named style per kind of cell, registered once: styling each cell with new Border and
    # Alignment objects makes openpyxl compare them with every style it holds (seconds per 1000 rows)
    text_style = NamedStyle("台账正文", border=Border(top=THIN, bottom=THIN, left=THIN, right=THIN),
                            alignment=Alignment(vertical="top", wrap_text=True))
    date_style = NamedStyle("台账日期", border=text_style.border, alignment=text_style.alignment,
                            number_format=DATE_FORMAT)
    book.add_named_style(text_style)
    book.add_named_style(date_style)
    for number, row in enumerate(rows, start=1):
        values = [cell_value(v) for v in _values(number, row)]
        ws.append(values)
        for column, value in enumerate(values, start=1):
            cell = ws.cell(row=number + 2, column=column)  # (ws.max_row would scan every cell: quadratic)
            cell.style = date_style.name if isinstance(value, date) else text_style.name
            text_cell(cell)  # a title typed as "=HYPERLINK(…)" stays text, never a live formula
            widths[column - 1] = max(widths[column - 1], _display_width(value))
    for column, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(column)].width = min(width, WIDEST) + 2
    ws.freeze_panes = "A3"  # title and header rows stay in view
    ws.print_title_rows = "2:2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True  # printed one page wide, as many pages long as it takes
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    out = BytesIO()
    book.save(out)
    return out.getvalue()
