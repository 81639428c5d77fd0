"""Importing a district's roster (花名册导入) — its units and its leaders' portfolios — from an .xlsx
workbook made from the template.

``roster_template()`` gives the workbook: a sheet of units (单位: 单位名称, 类别 街道/区直部门/直属机构,
简称, and an optional 单位代码), a sheet of leaders (领导分工: 职务 such as 区长/副区长, 姓名, and
分管单位 — unit names separated by 、 or ，), each with a title row, a frozen header row, an example
row (序号 ``示例``, skipped on import) and drop-downs, and an instructions sheet (填写说明).

``read_roster()`` reads a filled-in workbook and checks EVERY row of both sheets — required cells,
known kinds and titles, names repeated within the file, a unit put under two leaders, a 分管单位 that
is neither on the units sheet nor one of the district's units — and lists every problem with its
sheet, Excel row and column (工作表“单位” 第5行 C列（类别）：…).  It records nothing: the application
(``Duban.import_roster``) records the rows, all or nothing, and an import of the same roster again
records nothing.

The reading is the item import's (``documents.item_import``), with its limits: the file's size and
its unpacked size are judged before anything is unpacked, each sheet is streamed row by row, at most
``MAX_ROWS`` rows with content per sheet and ``MAX_COLUMNS`` columns are read, the header row is one
of the first ``HEADER_ROWS``; columns are found by their header text, any other column is ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from io import BytesIO
from typing import Collection, Iterator, TypeVar

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from documents.item_import import (EXAMPLE, HEADER_ROWS, MAX_COLUMNS, MAX_FILE_BYTES, MAX_ROWS, SPLIT, UNREADABLE,
                                   ImportProblem, Unreadable, _header_columns, _rows, _text, open_workbook,
                                   _unreadable)
from documents.xml_text import text_cell
from domain.errors import InvalidInput
from domain.labels import Labelled
from domain.leadership import Leader, LeaderTitle
from domain.organisation import Unit, UnitKind
from domain.text import clean_text

L = TypeVar("L", bound=Labelled)

UNITS_SHEET = "单位"
LEADERS_SHEET = "领导分工"
NOTES_SHEET = "填写说明"
TITLE = "花名册导入模板"
FIRST_DATA_ROW = 3  # title row, header row, then the rows
NAME_MAX = 50  # a unit's full name (区城市管理执法局 …)
CODE_PATTERN = r"[A-Za-z0-9_-]{1,32}"  # as domain.organisation.Unit.register

# sheet -> header -> (required, what the instructions sheet says about it)
UNIT_COLUMNS: dict[str, tuple[bool, str]] = {
    "序号": (False, "可不填；填“示例”的行导入时跳过。"),
    "单位名称": (True, f"单位全称，不超过{NAME_MAX}字；系统中已有同名单位的，保留原单位，不重复登记。"),
    "类别": (True, "从下拉列表选择：" + "、".join(k.label for k in UnitKind) + "。"),
    "简称": (False, f"可不填，不超过{Unit.SHORT_NAME_MAX}字。"),
    "单位代码": (False, "可不填，系统自动编码；填写时只能由字母、数字、-、_组成，且不能重复。"),
}
LEADER_COLUMNS: dict[str, tuple[bool, str]] = {
    "序号": (False, "可不填；填“示例”的行导入时跳过。"),
    "职务": (True, "从下拉列表选择：" + "、".join(t.label for t in LeaderTitle) + "。"),
    "姓名": (True, f"担任该职务的领导姓名，不超过{Leader.HOLDER_MAX}字；系统中已有同一职务、同一姓名的领导的，不重复登记。"),
    "分管单位": (False, "可不填；多个单位用“、”或“，”分隔，须为“单位”表或系统中已有的单位名称；"
                       "一个单位只能由一位领导分管。"),
}
SHEETS = {UNITS_SHEET: UNIT_COLUMNS, LEADERS_SHEET: LEADER_COLUMNS}


@dataclass(frozen=True)
class UnitRow:
    """A unit to register (or keep, when the district already has a unit of that name)."""

    row: int
    name: str
    kind: UnitKind
    short_name: str
    code: str  # "" when the system is to give one


@dataclass(frozen=True)
class LeaderRow:
    """A leader post and its holder, with the units in their charge (by name)."""

    row: int
    title: LeaderTitle
    holder: str
    units: tuple[str, ...]


@dataclass
class RosterPlan:
    """What a roster workbook asks for: the rows of both sheets, or every problem found."""

    units: list[UnitRow] = field(default_factory=list)
    leaders: list[LeaderRow] = field(default_factory=list)
    errors: list[ImportProblem] = field(default_factory=list)
    columns: dict[str, dict[str, int]] = field(default_factory=dict)  # sheet -> header -> column

    def problem(self, sheet: str, row: int, header: str | None, message: str) -> ImportProblem:
        """A problem with a row found later (by the application), placed like the reader's."""
        column = self.columns.get(sheet, {}).get(header) if header else None
        return ImportProblem(message, row, column, header if column else None, sheet)

    @property
    def ok(self) -> bool:
        return not self.errors


# ------------------------------------------------------------------------------ the template
def _sheet(book: Workbook, ws, title: str, columns: dict[str, tuple[bool, str]], example: list,
           widths: dict[str, int], choices: dict[str, list[str]]) -> None:
    headers = list(columns)
    ws.append([f"{title}（第3行为示例，导入时跳过；请从第4行起填写）"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 28
    ws.append(headers)
    for cell in ws[2]:
        cell.font = Font(bold=True, color="C00000" if columns[cell.value][0] else "000000")
        cell.fill = PatternFill("solid", fgColor="EDEDED")
        cell.alignment = Alignment(horizontal="center", vertical="center")
    ws.append(example)
    for cell in ws[3]:
        cell.font = Font(italic=True, color="808080")
    for index, header in enumerate(headers, start=1):
        ws.column_dimensions[get_column_letter(index)].width = widths.get(header, 12)
    for header, values in choices.items():
        letter = get_column_letter(headers.index(header) + 1)
        validation = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True,
                                    showErrorMessage=True, errorTitle=header, error=f"请从下拉列表选择{header}。")
        ws.add_data_validation(validation)
        validation.add(f"{letter}{FIRST_DATA_ROW}:{letter}1000")
    ws.freeze_panes = "A3"
    for cells in ws.iter_rows(max_row=FIRST_DATA_ROW):
        for cell in cells:
            text_cell(cell)


def roster_template() -> bytes:
    """The workbook offices fill in: 单位, 领导分工 and 填写说明."""
    book = Workbook()
    units = book.active
    units.title = UNITS_SHEET
    _sheet(book, units, "单位名单", UNIT_COLUMNS, [EXAMPLE, "晴川街道办事处", UnitKind.SUBDISTRICT.label, "晴川街", ""],
           {"序号": 6, "单位名称": 30, "类别": 12, "简称": 14, "单位代码": 12},
           {"类别": [k.label for k in UnitKind]})
    leaders = book.create_sheet(LEADERS_SHEET)
    _sheet(book, leaders, "领导分工", LEADER_COLUMNS, [EXAMPLE, LeaderTitle.VICE_HEAD.label, "张三", "晴川街道办事处、区住建局"],
           {"序号": 6, "职务": 14, "姓名": 12, "分管单位": 60}, {"职务": [t.label for t in LeaderTitle]})
    notes = book.create_sheet(NOTES_SHEET)
    notes.append(["工作表", "列", "是否必填", "填写说明"])
    for cell in notes[1]:
        cell.font = Font(bold=True)
    for sheet, columns in SHEETS.items():
        for header, (required, text) in columns.items():
            notes.append([sheet, header, "必填" if required else "选填", text])
    notes.append([])
    notes.append(["导入规则", "", "", (
        "整份文件有任何一处错误，全部不导入，并列出每处错误所在的工作表、行和列；同一花名册重复导入不会重复登记。"
        "分管单位自导入时填写的生效日期起由该领导分管；单位原由其他领导分管的，自该日起改由新领导分管。"
        f"文件不超过{MAX_FILE_BYTES // (1024 * 1024)} MB，每张工作表最多{MAX_ROWS}行。")])
    for letter, width in zip("ABCD", (10, 10, 10, 90)):
        notes.column_dimensions[letter].width = width
    for cells in notes.iter_rows():
        for cell in cells:
            text_cell(cell)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


# ------------------------------------------------------------------------------ reading
def read_roster(data: bytes, district_units: Collection[str] = ()) -> RosterPlan:
    """Every row of both sheets checked; nothing recorded.  ``district_units``: the names of the
    district's active units, which a 分管单位 may name besides the units sheet's."""
    plan = RosterPlan()
    book = open_workbook(data, plan.errors)
    if book is None:
        return plan
    try:
        missing = [s for s in SHEETS if s not in book.sheetnames]
        if missing:
            plan.errors.append(ImportProblem(
                f"缺少工作表“{'”“'.join(missing)}”，请使用花名册导入模板（工作表名不要修改）。"))
            return plan
        for sheet, read in ((UNITS_SHEET, _read_unit), (LEADERS_SHEET, _read_leader)):
            try:
                rows = _rows(book, book[sheet])
            except UNREADABLE as error:
                plan.errors.append(_unreadable(error))
                return plan
            try:
                for row, cells in _sheet_rows(rows, sheet, plan):
                    read(plan, row, cells)
            except Unreadable as error:
                _only(plan, _unreadable(error.__cause__ or error))
                return plan
            except _TooManyRows as error:
                _only(plan, error.problem)  # what was found so far no longer matters
                return plan
            finally:
                rows.close()
    finally:
        book.close()
    _check_portfolios(plan, set(district_units))
    plan.errors.sort(key=lambda p: (list(SHEETS).index(p.sheet) if p.sheet in SHEETS else -1, p.row or 0,
                                    p.column or 0))
    return plan


class _TooManyRows(Exception):
    """A sheet holds more rows than one import reads: the reading stops with this one problem."""

    def __init__(self, problem: ImportProblem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def _only(plan: RosterPlan, problem: ImportProblem) -> None:
    plan.units.clear()
    plan.leaders.clear()
    plan.errors[:] = [problem]


def _sheet_rows(rows: Iterator[tuple[int, list, int]], sheet: str,
                plan: RosterPlan) -> Iterator[tuple[int, dict]]:
    """The cells by header of each row with content below the sheet's header row (the example and
    empty rows skipped); a wrong header or too many rows is one problem, and no row is given."""
    columns_known = SHEETS[sheet]
    required = [h for h, (needed, _) in columns_known.items() if needed]
    header_row, columns, wider = None, {}, 0
    for number, values, wider in rows:
        if number > HEADER_ROWS:
            break
        columns = _header_columns(values, columns_known)
        if all(h in columns for h in required):
            header_row = number
            break
    if header_row is None:
        plan.errors.append(ImportProblem(
            f"表头不正确：前{HEADER_ROWS}行中没有找到“{'”“'.join(required)}”列，请使用花名册导入模板。", sheet=sheet))
        return
    if wider:
        plan.errors.append(ImportProblem(
            f"表格列数超过上限：最多{MAX_COLUMNS}列，第{header_row}行{get_column_letter(wider)}列的表头超出，"
            "请删除多余的列后重新导入。", sheet=sheet))
        return
    plan.columns[sheet] = columns
    read = 0
    for row, values, _ in rows:
        if not any(_text(v) for v in values):
            continue
        cells = {h: values[c - 1] for h, c in columns.items()}
        if _text(cells.get("序号")) == EXAMPLE:
            continue
        read += 1
        if read > MAX_ROWS:
            raise _TooManyRows(ImportProblem(f"表格行数超过上限：每张工作表最多{MAX_ROWS}行（第{row}行已超出），"
                                             "请删除多余的行或分批导入。", sheet=sheet))
        if all(_text(cells.get(h)) == "" for h in columns if h != "序号"):
            continue  # only columns the import does not use have content
        yield row, cells


def _cell_reader(plan: RosterPlan, sheet: str, row: int, cells: dict):
    """(fail, text, choice, failed) for one row: ``fail(header, message)`` records a problem on a cell;
    ``text(header, required, longest)`` the cell's text as a command would record it; ``choice(header,
    kind, what)`` the member of a labelled kind a required cell names; ``failed()`` whether the row
    has a problem."""
    before = len(plan.errors)

    def fail(header: str, message: str) -> None:
        plan.errors.append(plan.problem(sheet, row, header, message))

    def text(header: str, *, required: bool = False, longest: int = NAME_MAX) -> str:
        value = _text(cells.get(header))
        if not value:
            if required:
                fail(header, "不能为空")
            return ""
        try:
            value = clean_text(value, "name", label=header)
        except InvalidInput as error:
            fail(header, error.message.rstrip("。"))
            return value
        if len(value) > longest:
            fail(header, f"不能超过{longest}字")
        return value

    def choice(header: str, kind: type[L], what: str) -> L | None:
        """The member a required cell names by its label (or value), as ``Labelled.parse`` reads it."""
        value = text(header, required=True)
        if not value:
            return None
        try:
            return kind.parse(value, rule="roster.bad_choice", what=what, field=header)
        except InvalidInput as error:
            fail(header, error.message.rstrip("。"))
            return None

    return fail, text, choice, lambda: len(plan.errors) > before


def _read_unit(plan: RosterPlan, row: int, cells: dict) -> None:
    fail, text, choice, failed = _cell_reader(plan, UNITS_SHEET, row, cells)
    name = text("单位名称", required=True)
    kind = choice("类别", UnitKind, "单位类别")
    short_name = text("简称", longest=Unit.SHORT_NAME_MAX)
    code = text("单位代码", longest=32)
    if code and not _is_code(code):
        fail("单位代码", f"单位代码“{code}”只能由字母、数字、-、_组成")
    earlier = next((u for u in plan.units if u.name == name), None) if name else None
    if earlier is not None:
        fail("单位名称", f"与第{abs(earlier.row)}行的单位重名")
    same_code = next((u for u in plan.units if code and u.code == code), None)
    if same_code is not None:
        fail("单位代码", f"与第{same_code.row}行的单位代码重复")
    if not failed():
        assert kind is not None
        plan.units.append(UnitRow(row, name, kind, short_name, code))
    elif name and earlier is None:  # kept for the checks of the leaders sheet, which then name it known
        plan.units.append(UnitRow(-row, name, kind or UnitKind.DEPARTMENT, short_name, ""))


def _read_leader(plan: RosterPlan, row: int, cells: dict) -> None:
    fail, text, choice, failed = _cell_reader(plan, LEADERS_SHEET, row, cells)
    title = choice("职务", LeaderTitle, "领导职务")
    holder = text("姓名", required=True, longest=Leader.HOLDER_MAX)
    if title is not None and holder:
        earlier = next((l for l in plan.leaders if (l.title, l.holder) == (title, holder)), None)
        if earlier is not None:
            fail("姓名", f"与第{abs(earlier.row)}行是同一位领导（职务、姓名相同）")
    units: list[str] = []
    listed = _text(cells.get("分管单位"))
    for name in (n.strip() for n in SPLIT.split(listed)):
        if not name:
            continue
        if name in units:
            fail("分管单位", f"“{name}”重复")
        else:
            units.append(name)
    if not failed():
        assert title is not None
        plan.leaders.append(LeaderRow(row, title, holder, tuple(units)))
    else:  # kept (negative row) for the checks of its 分管单位 below, not to be recorded
        plan.leaders.append(LeaderRow(-row, title or LeaderTitle.VICE_HEAD, holder, tuple(units)))


def _check_portfolios(plan: RosterPlan, district_units: set[str]) -> None:
    """Each 分管单位 is a unit of the file or of the district, and in one leader's charge only."""
    known = {u.name for u in plan.units} | district_units
    charged: dict[str, int] = {}
    for leader in plan.leaders:  # a row with a problem of its own too: every problem at once
        row = abs(leader.row)
        for name in leader.units:
            if name not in known:
                plan.errors.append(plan.problem(LEADERS_SHEET, row, "分管单位",
                                                f"没有名为“{name}”的单位（“单位”表中和系统中都没有）"))
            elif name in charged:
                plan.errors.append(plan.problem(LEADERS_SHEET, row, "分管单位",
                                                f"“{name}”已由第{charged[name]}行的领导分管，一个单位只能由一位领导分管"))
            else:
                charged[name] = row
    # the rows kept only for these checks (a problem on their own row) are not to be recorded
    plan.units[:] = [u for u in plan.units if u.row > 0]
    plan.leaders[:] = [l for l in plan.leaders if l.row > 0]


def _is_code(text: str) -> bool:
    return re.fullmatch(CODE_PATTERN, text) is not None


__all__ = ["LEADERS_SHEET", "LeaderRow", "RosterPlan", "UNITS_SHEET", "UnitRow", "read_roster", "roster_template"]
