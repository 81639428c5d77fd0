"""Importing supervised items (督办事项批量导入) from an .xlsx workbook made from the template.

``import_template()`` gives the workbook offices fill in: a title row, the frozen header row, one
example row (序号 ``示例``, skipped on import), a drop-down of the sources (事项来源) and an
instructions sheet (填写说明).  The example names units of the district the template is made for
(and the instructions list them), so an example kept as a row imports; a template made without
units holds ``UNIT_PLACEHOLDER`` instead, which the import refuses with a message saying so.  ``read_items()`` reads a filled-in workbook and checks EVERY row —
required cells, dates, known sources and units, the number's format, numbers repeated within the
file — and lists every problem with its Excel row and column ("第5行 D列（决策日期）：日期格式不正确").
It records nothing: the application (``Duban.import_items``) registers the rows, all or nothing.

Columns are found by their header text, so their order may change; 序号 and the optional columns
may be left out, and columns with any other header are ignored.  Blank rows are skipped.

An exported ledger (台账导出, ``documents.ledger_xlsx``) is read the same way: its title row sits
above the header row, its numbers (督〔2026〕12号) are kept, and its deadline cells are dates.  Of
its ledger-only columns 分管领导, 办理进展 and 逾期工作日 are ignored (the leader follows the lead
unit's portfolio in the importing district).  Every row is registered afresh and assigned, so it
starts as 待签收: the units sign for it and report again; progress is not carried over.  A row
still 已登记 (registered, no lead unit yet: 状态 ``ItemStatus.REGISTERED``) may leave 牵头单位
and 协办单位 empty: it is registered and left unassigned, as it was (filled in, it is assigned).  What
cannot be carried over without changing its meaning is refused, never dropped quietly:

- a closed row — 状态 已办结销号 or 终止办理 (``ItemStatus.is_closed``), or a filled 销号日期 — is an
  error on that cell: importing it would reopen a finished item (and soon count it overdue), so
  the office deletes the row; the closed ledger stays the archive;
- a sub-task row (编号 督〔2026〕12号-S1) is an error on 编号: sub-tasks are created by splitting the
  item (分解交办) after it is imported.

What one file may ask of the reader is bounded, so a huge or hostile file costs little: at most
``MAX_FILE_BYTES`` (5 MB) as uploaded and ``MAX_UNPACKED_BYTES`` unpacked — the sizes the archive
declares for its parts are checked before anything is unpacked (a zip bomb is refused unopened);
the sheet is streamed (openpyxl's read-only parser, each row let go once read), never loaded
whole, and the size it records is not trusted: rows are read until they end, the first
``MAX_COLUMNS`` columns of each (a header right of them is one error, 表格列数超过上限; other cells
there are ignored like any column without a known header); empty rows (formatted or not) are
skipped without being kept or counted; the ``MAX_ROWS + 1``-th row with content stops the reading
with one error (表格行数超过上限).  A page lists at most ``MAX_LISTED`` problems and says how many
more there are (``listed``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from io import BytesIO
from typing import Collection, Iterator, Sequence
from uuid import UUID
from zipfile import BadZipFile, ZipFile
from zlib import error as ZlibError

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._reader import WorkSheetParser
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import iterparse

from documents.xml_text import text_cell
from domain.errors import InvalidInput
from domain.item import ItemStatus
from domain.sources import REFERENCE_HINTS, SourceKind
from domain.text import clean_text

EXAMPLE = "示例"
UNIT_PLACEHOLDER = "（请填写本区单位全称）"  # the example's unit when the template knows no unit of the district
EXAMPLE_CO_UNITS = 2  # co-units the example names, when the district has them
# header -> (required, what the instructions sheet says about it)
COLUMNS: dict[str, tuple[bool, str]] = {
    "序号": (False, "可不填；填“示例”的行导入时跳过。"),
    "编号": (False, "可不填，系统按本年度顺序编号；填写时为本年度编号，如“督〔2026〕12号”或“12”。"),
    "事项来源": (True, "从下拉列表选择：" + "、".join(s.label for s in SourceKind) + "。"),
    "来源依据": (True, "会议名称及届次、批示件编号、建议提案编号或文件文号等。"),
    "决策日期": (True, "会议召开、批示或交办的日期，日期格式或“2026-03-02”“2026/3/2”。"),
    "督办事项": (True, "事项标题。"),
    "事项内容": (False, "具体要求，可不填。"),
    "牵头单位": (True, "单位全称，须与系统中的单位名称一致。"),
    "协办单位": (False, "可不填；多个单位用“、”或“，”分隔。"),
    "办理时限": (False, "可不填：会议议定事项为会议后一个月、人大建议和政协提案为交办后三个月；其他来源须填写。"),
}
HEADERS = tuple(COLUMNS)
# columns only an exported ledger has, read to refuse what cannot be imported (see the docstring)
CHECKED = ("状态", "销号日期")
CLOSED_STATUSES = frozenset(s.label for s in ItemStatus if s.is_closed)
REQUIRED = tuple(h for h, (required, _) in COLUMNS.items() if required)
TITLE = "督办事项导入模板"
SHEET = "督办事项"
FIRST_DATA_ROW = 3  # title row, header row, then the rows
NUMBER = re.compile(r"^\s*(?:督\s*[〔\[(（【]\s*(\d{4})\s*[〕\])）】]\s*)?(\d+)\s*号?\s*$")
DATE_TEXT = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")
SUBTASK_NUMBER = re.compile(r"^\s*督\s*[〔\[(（【].*号\s*-\s*\w+\s*$")  # 督〔2026〕12号-S1
SPLIT = re.compile(r"[、，,；;\n]+")

# what one file may ask of the reader (see the docstring)
MAX_FILE_BYTES = 5 * 1024 * 1024  # as uploaded; a filled-in template of MAX_ROWS rows is far smaller
MAX_UNPACKED_BYTES = 40 * 1024 * 1024  # every part of the archive, unpacked, as the archive declares it
MAX_ROWS = 2000  # rows with content below the header; an office imports a few hundred items at most
MAX_COLUMNS = 50  # columns read (the template has 10, an exported ledger 15)
HEADER_ROWS = 5  # the header row is one of the first five
MAX_LISTED = 50  # problems a page lists; the others are counted
FILE_TOO_LARGE = (f"文件过大：导入文件不能超过{MAX_FILE_BYTES // (1024 * 1024)} MB。请只保留要导入的事项"
                  f"（每次最多{MAX_ROWS}行），删除多余的工作表、图片后重新导入。")
UNPACKED_TOO_LARGE = (f"文件内容过大：解压后超过{MAX_UNPACKED_BYTES // (1024 * 1024)} MB，请只保留要导入的事项"
                      f"（每次最多{MAX_ROWS}行），删除多余的工作表、空行格式和图片后重新导入。")
# errors a damaged or hostile file raises while it is opened or streamed
UNREADABLE = (BadZipFile, OSError, KeyError, ValueError, TypeError, IndexError, SyntaxError, EOFError, ZlibError)


@dataclass(frozen=True)
class ImportProblem:
    """One problem with one cell (or the whole file when ``row`` is None)."""

    message: str
    row: int | None = None
    column: int | None = None
    header: str | None = None
    sheet: str | None = None  # a workbook of several sheets (the roster's) names the sheet too

    def __str__(self) -> str:
        where = f"工作表“{self.sheet}” " if self.sheet else ""
        if self.row is None:
            return f"{where}{self.message}" if where else self.message
        if self.column is None:
            return f"{where}第{self.row}行：{self.message}"
        return f"{where}第{self.row}行 {get_column_letter(self.column)}列（{self.header}）：{self.message}"


RowError = ImportProblem


@dataclass(frozen=True)
class ImportRow:
    """One row to register, as read and checked."""

    row: int
    number: int | None
    year: int | None  # the year a 督〔2026〕12号 names
    source: SourceKind
    reference: str
    decision_date: date
    title: str
    description: str
    lead_unit: UUID | None  # None: a 已登记 row of an exported ledger, registered and left unassigned
    co_units: tuple[UUID, ...]
    deadline: date | None


@dataclass
class ImportPlan:
    """What a workbook asks for: the rows, or every problem found."""

    rows: list[ImportRow] = field(default_factory=list)
    errors: list[ImportProblem] = field(default_factory=list)
    columns: dict[str, int] = field(default_factory=dict)  # header -> column number, for later errors

    def problem(self, row: ImportRow, header: str | None, message: str) -> ImportProblem:
        """An error about ``row`` found later (by the application), placed like the reader's."""
        column = self.columns.get(header) if header else None
        return ImportProblem(message, row.row, column, header if column else None)

    @property
    def ok(self) -> bool:
        return not self.errors

    def messages(self) -> list[str]:
        return [str(e) for e in self.errors]


def listed(problems: Sequence[ImportProblem], limit: int = MAX_LISTED) -> tuple[list[str], int]:
    """The first ``limit`` problems as text, and how many more there are: what a page shows, so
    its size does not grow with the file."""
    return [str(p) for p in problems[:limit]], max(0, len(problems) - limit)


# ------------------------------------------------------------------------------ the template
def import_template(unit_names: Sequence[str] = ()) -> bytes:
    """The template for a district whose active units are ``unit_names`` (in the district's order):
    the example row is led by the first and co-handled by the next ones, and the instructions list
    them all; with none, the example holds ``UNIT_PLACEHOLDER``."""
    lead = unit_names[0] if unit_names else UNIT_PLACEHOLDER
    co_units = "、".join(unit_names[1:1 + EXAMPLE_CO_UNITS])
    book = Workbook()
    ws = book.active
    ws.title = SHEET
    ws.append([TITLE + "（第3行为示例，导入时跳过；请从第4行起填写）"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 28
    ws.append(list(HEADERS))
    for cell in ws[2]:
        required = COLUMNS[cell.value][0]
        cell.font = Font(bold=True, color="C00000" if required else "000000")
        cell.fill = PatternFill("solid", fgColor="EDEDED")
        cell.alignment = Alignment(horizontal="center", vertical="center")
    ws.append([EXAMPLE, "", SourceKind.EXECUTIVE_MEETING.label, "区政府第12次常务会议", date(2026, 3, 2),
               "整治背街小巷环境卫生", "6月底前完成主城区背街小巷整治", lead, co_units or None, None])
    for cell in ws[3]:
        cell.font = Font(italic=True, color="808080")
    ws.cell(row=3, column=HEADERS.index("决策日期") + 1).number_format = "yyyy-mm-dd"
    widths = {"序号": 6, "编号": 16, "事项来源": 16, "来源依据": 26, "决策日期": 12, "督办事项": 30,
              "事项内容": 40, "牵头单位": 16, "协办单位": 24, "办理时限": 12}
    for index, header in enumerate(HEADERS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = widths[header]
    source_column = get_column_letter(HEADERS.index("事项来源") + 1)
    choices = DataValidation(type="list", formula1='"' + ",".join(s.label for s in SourceKind) + '"',
                             allow_blank=True, showErrorMessage=True, errorTitle="事项来源",
                             error="请从下拉列表选择事项来源。")
    ws.add_data_validation(choices)
    choices.add(f"{source_column}{FIRST_DATA_ROW}:{source_column}1000")
    for header in ("决策日期", "办理时限"):
        letter = get_column_letter(HEADERS.index(header) + 1)
        for row in range(FIRST_DATA_ROW, 1001):
            ws[f"{letter}{row}"].number_format = "yyyy-mm-dd"
    ws.freeze_panes = "A3"
    notes = book.create_sheet("填写说明")
    notes.append(["列", "是否必填", "填写说明"])
    for cell in notes[1]:
        cell.font = Font(bold=True)
    for header, (required, text) in COLUMNS.items():
        notes.append([header, "必填" if required else "选填", text])
    notes.append([])
    notes.append(["来源依据示例"])
    for kind in SourceKind:
        notes.append([kind.label, "", REFERENCE_HINTS.get(kind, "")])
    if unit_names:
        notes.append([])
        notes.append(["本区单位", "", "牵头单位、协办单位须填写下列单位全称之一："])
        for name in unit_names:
            notes.append(["", "", name])
    notes.append([])
    notes.append(["导入规则", "", ("整份文件有任何一处错误，全部不导入，并列出错误；同一文件重复导入不会重复登记。"
                                  f"文件不超过{MAX_FILE_BYTES // (1024 * 1024)} MB，每次最多导入{MAX_ROWS}行，更多事项请分批导入。")])
    notes.column_dimensions["A"].width = 16
    notes.column_dimensions["B"].width = 10
    notes.column_dimensions["C"].width = 90
    for cells in (*ws.iter_rows(max_row=FIRST_DATA_ROW), *notes.iter_rows()):
        for cell in cells:
            text_cell(cell)  # text stays text, never a formula (see documents.xml_text)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


# ------------------------------------------------------------------------------ reading
def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _day(value) -> date | None:
    """A date cell, or YYYY-MM-DD / YYYY/M/D text; raises ValueError otherwise."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    found = DATE_TEXT.match(_text(value))
    if not found:
        raise ValueError(value)
    return date(int(found[1]), int(found[2]), int(found[3]))


class Unreadable(Exception):
    """The file broke while it was streamed (a damaged part, a cell openpyxl cannot read)."""


ROW_TAG = f"{{{SHEET_MAIN_NS}}}row"
TABLE_TAG = f"{{{SHEET_MAIN_NS}}}sheetData"


class _RowStream(WorkSheetParser):
    """The parser openpyxl's read-only sheets use (its cells: shared and inline strings, numbers,
    dates by their number format), made to forget each row once it is read.  ``iter_rows`` of a
    read-only sheet keeps the attributes of every formatted row and every row element it has
    passed: some 400 bytes a row, 380 MB for 900,000 formatted empty rows."""

    def rows(self) -> Iterator[tuple[int, list[dict]]]:
        table = None
        for event, element in iterparse(self.source, events=("start", "end")):
            if event == "start":
                if element.tag == TABLE_TAG:
                    table = element
            elif element.tag == ROW_TAG:
                found = self.parse_row(element)
                self.row_dimensions.clear()
                (element if table is None else table).clear()  # the row, and the rows before it, let go
                yield found
            elif element.tag == TABLE_TAG:
                return  # the rows end here; what follows is the sheet's looks


def _unreadable(error: BaseException) -> ImportProblem:
    return ImportProblem(f"文件无法读取，请上传由导入模板填写的Excel文件（.xlsx）。（{type(error).__name__}）")


def _size_problem(data: bytes) -> ImportProblem | None:
    """A file too large to read, judged before anything is unpacked: its own size, and the sizes
    its archive declares for its parts (zipfile never unpacks more than a part declares)."""
    if len(data) > MAX_FILE_BYTES:
        return ImportProblem(FILE_TOO_LARGE)
    try:
        with ZipFile(BytesIO(data)) as archive:
            unpacked = sum(part.file_size for part in archive.infolist())
    except UNREADABLE as error:
        return _unreadable(error)
    if unpacked > MAX_UNPACKED_BYTES:
        return ImportProblem(UNPACKED_TOO_LARGE)
    return None


def _rows(book, ws) -> Iterator[tuple[int, list, int]]:
    """(row number, values of the first MAX_COLUMNS columns, the first column right of them that
    holds something or 0) of each row the sheet's XML holds, streamed until its rows end: the size
    the sheet records (<dimension>) is not consulted, rows missing from the file are not made up,
    and cells right of MAX_COLUMNS are dropped as they are read."""
    try:
        with ws._get_source() as source:  # what ReadOnlyWorksheet.iter_rows reads, with the same parser
            parser = _RowStream(source, ws._shared_strings, data_only=True, epoch=book.epoch,
                                date_formats=book._date_formats, timedelta_formats=book._timedelta_formats)
            for number, cells in parser.rows():
                values = [None] * MAX_COLUMNS
                wider = 0
                for cell in cells:
                    column = cell["column"]
                    if column <= MAX_COLUMNS:
                        values[column - 1] = cell["value"]
                    elif (not wider or column < wider) and _text(cell["value"]):
                        wider = column
                yield number, values, wider
    except UNREADABLE as error:
        raise Unreadable(type(error).__name__) from error


def _header_columns(values: list, known: Collection[str] = (*COLUMNS, *CHECKED)) -> dict[str, int]:
    """Each known header in ``values`` and its column (the first, if repeated)."""
    columns: dict[str, int] = {}
    for column, value in enumerate(values, start=1):
        text = _text(value).replace("*", "").replace("＊", "")
        if text in known and text not in columns:
            columns[text] = column
    return columns


def open_workbook(data: bytes, errors: list[ImportProblem]):
    """The uploaded workbook opened for streaming, or None with the reason added to ``errors`` (too
    large, packed too large, or not a readable .xlsx): the first step of every import."""
    refused = _size_problem(data)
    if refused is not None:
        errors.append(refused)
        return None
    try:
        return load_workbook(BytesIO(data), read_only=True, data_only=True)
    except UNREADABLE as error:
        errors.append(_unreadable(error))
        return None


def read_items(data: bytes, units_by_name: dict[str, UUID]) -> ImportPlan:
    """Every row of the workbook checked; nothing recorded."""
    plan = ImportPlan()
    book = open_workbook(data, plan.errors)
    if book is None:
        return plan
    try:
        try:
            ws = book[SHEET] if SHEET in book.sheetnames else book.worksheets[0]
        except UNREADABLE as error:
            plan.errors.append(_unreadable(error))
            return plan
        rows = _rows(book, ws)
        try:
            _read_sheet(rows, units_by_name, plan)
        except Unreadable as error:
            plan.rows.clear()
            plan.errors[:] = [_unreadable(error.__cause__ or error)]
        finally:
            rows.close()
    finally:
        book.close()
    return plan  # an empty file (or only the example) imports nothing


def _read_sheet(rows: Iterator[tuple[int, list, int]], units_by_name: dict[str, UUID], plan: ImportPlan) -> None:
    header_row = None
    columns: dict[str, int] = {}
    for number, values, wider in rows:
        if number > HEADER_ROWS:
            break
        columns = _header_columns(values)
        if "督办事项" in columns and "牵头单位" in columns:
            header_row = number
            break
    if header_row is None:
        plan.errors.append(ImportProblem(
            f"表头不正确：前{HEADER_ROWS}行、前{MAX_COLUMNS}列中没有找到“督办事项”“牵头单位”等列，请使用导入模板。"))
        return
    if wider:  # a column the reader would not read has a header: refused, never dropped quietly
        plan.errors.append(ImportProblem(
            f"表格列数超过上限：最多{MAX_COLUMNS}列，第{header_row}行{get_column_letter(wider)}列的表头超出，"
            "请删除多余的列后重新导入。"))
        return
    plan.columns = columns
    missing = [h for h in REQUIRED if h not in columns]
    if missing:
        plan.errors.append(ImportProblem(f"表头不正确：第{header_row}行缺少列“{'”“'.join(missing)}”，请使用导入模板。"))
        return
    numbers: dict[int, int] = {}
    read = 0
    for row, values, _ in rows:  # the rows below the header, from the same stream
        if values.count(None) == len(values) or not any(_text(v) for v in values):
            continue  # empty, or formatted but empty: neither kept nor counted
        cells = {h: values[c - 1] for h, c in columns.items()}
        if _text(cells.get("序号")) == EXAMPLE:
            continue
        read += 1
        if read > MAX_ROWS:  # stop reading: what was found so far no longer matters
            plan.rows.clear()
            plan.errors[:] = [ImportProblem(f"表格行数超过上限：每次最多导入{MAX_ROWS}行事项（第{row}行已超出），"
                                            "请删除多余的行或分批导入。")]
            return
        if all(_text(v) == "" for v in cells.values()):
            continue  # only columns the import does not use have content
        start = len(plan.errors)
        found, number = _read_row(row, cells, columns, units_by_name, plan.errors)
        if number is not None:  # a repeated number is reported even on a row with other errors
            if number in numbers:
                plan.errors.insert(start, ImportProblem(f"编号与第{numbers[number]}行重复", row, columns["编号"], "编号"))
                continue
            numbers[number] = row
        if found is not None:
            plan.rows.append(found)


def _read_row(row: int, cells: dict, columns: dict[str, int], units: dict[str, UUID],
              errors: list[ImportProblem]) -> tuple[ImportRow | None, int | None]:
    before = len(errors)

    def fail(header: str, message: str) -> None:
        errors.append(ImportProblem(message, row, columns[header], header))

    def required(header: str) -> str:
        text = _text(cells.get(header))
        if not text:
            fail(header, "不能为空")
        return text

    def cleaned(header: str, field: str, value: str) -> str:
        """The cell's text as a command would record it (domain.text), or an error on the cell."""
        try:
            return clean_text(value, field, label=header)
        except InvalidInput as error:
            fail(header, error.message.rstrip("。"))
            return value

    number = year = None
    number_text = _text(cells.get("编号"))
    if number_text:
        found = NUMBER.match(number_text)
        if SUBTASK_NUMBER.match(number_text):
            fail("编号", f"“{number_text}”是子任务，不能单独导入：请删除该行，所属事项导入后再分解交办")
        elif not found or int(found[2]) <= 0:
            fail("编号", f"编号格式不正确（“{number_text}”），应为“督〔2026〕12号”或正整数")
        else:
            year = int(found[1]) if found[1] else None
            number = int(found[2])
    source = None
    source_text = required("事项来源")
    if source_text:
        try:
            source = SourceKind.parse(source_text, rule="item.bad_source", what="事项来源", field="source")
        except InvalidInput as error:
            fail("事项来源", error.message.rstrip("。"))
    reference = cleaned("来源依据", "reference", required("来源依据"))
    decision_date = None
    if required("决策日期"):
        try:
            decision_date = _day(cells.get("决策日期"))
        except ValueError:
            fail("决策日期", "日期格式不正确，应为日期或“2026-03-02”“2026/3/2”")
    title = cleaned("督办事项", "title", required("督办事项"))
    if len(title) > 200:
        fail("督办事项", "不能超过200字")
    lead = None
    # an exported ledger's 已登记 row has no lead unit yet: it is imported unassigned
    unassigned = _text(cells.get("状态")) == ItemStatus.REGISTERED.label
    lead_name = _text(cells.get("牵头单位")) if unassigned else required("牵头单位")
    if lead_name == UNIT_PLACEHOLDER:
        fail("牵头单位", f"请把示例中的“{UNIT_PLACEHOLDER}”换成本区承办单位的全称")
    elif lead_name:
        lead = units.get(lead_name)
        if lead is None:
            fail("牵头单位", f"没有名为“{lead_name}”的单位")
    co_units: list[UUID] = []
    if "协办单位" in columns:
        for name in (n.strip() for n in SPLIT.split(_text(cells.get("协办单位")))):
            if not name:
                continue
            unit = units.get(name)
            if name == UNIT_PLACEHOLDER:
                fail("协办单位", f"请把示例中的“{UNIT_PLACEHOLDER}”换成本区承办单位的全称")
            elif unit is None:
                fail("协办单位", f"没有名为“{name}”的单位")
            elif unit == lead:
                fail("协办单位", f"“{name}”已是牵头单位，不能同时协办")
            elif unit in co_units:
                fail("协办单位", f"“{name}”重复")
            else:
                co_units.append(unit)
    if unassigned and not lead_name and co_units:
        fail("协办单位", "未填写牵头单位的事项（已登记）不能填写协办单位")
    deadline = None
    if "办理时限" in columns and _text(cells.get("办理时限")):
        try:
            deadline = _day(cells.get("办理时限"))
        except ValueError:
            fail("办理时限", "日期格式不正确，应为日期或“2026-03-02”“2026/3/2”")
    if decision_date and deadline and deadline <= decision_date:
        fail("办理时限", "办理时限必须晚于决策日期")
    description = cleaned("事项内容", "description", _text(cells.get("事项内容")))
    closed = _closed_problem(cells)
    if closed is not None:
        fail(*closed)
    key = number  # a year other than this one is refused later, so the number alone is the key
    if len(errors) > before:
        return None, key
    assert source is not None and decision_date is not None and (lead is not None or unassigned)
    return ImportRow(row=row, number=number, year=year, source=source, reference=reference,
                     decision_date=decision_date, title=title, description=description,
                     lead_unit=lead, co_units=tuple(co_units), deadline=deadline), key


def _closed_problem(cells: dict) -> tuple[str, str] | None:
    """(header, message) when the row is closed in the ledger it was exported from (已办结销号,
    终止办理, or a 销号日期): importing it would reopen a finished item, so it is refused."""
    status = _text(cells.get("状态"))
    if status in CLOSED_STATUSES:
        return "状态", f"“{status}”的事项已办结，不能作为新事项导入，请删除该行"
    if _text(cells.get("销号日期")):
        return "销号日期", "已销号的事项不能作为新事项导入，请删除该行"
    return None
