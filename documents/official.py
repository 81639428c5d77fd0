"""The layout every official document (公文) the office produces shares: supervision notices and bulletins.

The district's template (seed 000, 附件3; GB/T 9704 style): title in 2号方正小标宋简体 (22 pt), body in
3号仿宋_GB2312 (16 pt), first-level headings in 黑体, second-level in 楷体_GB2312, page margins top 37 mm,
bottom 35 mm, left 28 mm, right 26 mm, fixed 28 pt line spacing, page numbers "— 1 —" in 4号宋体.  Fonts
are named, not embedded: each run names its font for both the Latin and the East-Asian script
(``w:rFonts w:ascii/w:hAnsi`` and ``w:eastAsia``), otherwise Word shows Chinese text in the theme's font.

:func:`save` writes the package with fixed timestamps, so the same document built twice gives the same
bytes (a bulletin for a past period can be produced again and compared).  Every text written passes
``documents.xml_text`` first, so a character XML cannot hold (one recorded before commands cleaned their
text) is dropped rather than failing the document.  Built with python-docx.
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from datetime import date, datetime, time
from io import BytesIO

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from documents.xml_text import xml_text

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING1_FONT = "黑体"
HEADING2_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
TITLE_SIZE = 22  # 2号
BODY_SIZE = 16  # 3号
TABLE_SIZE = 14  # 4号: table text, so several columns fit the type area
DENSE_TABLE_SIZE = 12  # 小四: tables with many columns or long text (the dossier's history)
LINE = Pt(28)
INDENT = Pt(2 * BODY_SIZE)  # 首行缩进二字
NO_INDENT = Pt(0)
MARGINS = {"top_margin": 37, "bottom_margin": 35, "left_margin": 28, "right_margin": 26}  # mm
TYPE_AREA_WIDTH = 210 - 28 - 26  # mm
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CENTER, LEFT, RIGHT, JUSTIFY = (WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.RIGHT,
                                WD_ALIGN_PARAGRAPH.JUSTIFY)
_DIGITS = "零一二三四五六七八九"


def chinese_date(day: date) -> str:
    """成文日期 as GB/T 9704-2012 writes it: 2026年3月2日."""
    return f"{day.year}年{day.month}月{day.day}日"


def chinese_number(n: int) -> str:
    """一, 二, …, 十, 十一, …, 二十, …, 九十九: the numbers headings are counted with."""
    if not 0 < n < 100:
        raise ValueError(f"heading numbers run from 1 to 99, not {n}")
    tens, ones = divmod(n, 10)
    return (("" if tens == 1 else _DIGITS[tens]) + "十" if tens else "") + (_DIGITS[ones] if ones else "")


def name_font(run, name: str, size: int, *, bold: bool = False) -> None:
    run.font.name = name  # w:ascii and w:hAnsi
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def spacing(paragraph, *, line=LINE, indent=None, align=None) -> None:
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = line
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    if indent is not None:
        fmt.first_line_indent = indent
    if align is not None:
        paragraph.alignment = align


def paragraph(container, text: str, font: str = BODY_FONT, size: int = BODY_SIZE, *, bold: bool = False,
              indent=INDENT, align=JUSTIFY, line=LINE):
    """A paragraph of body text (3号仿宋, indented two characters) unless told otherwise."""
    p = container.add_paragraph()
    spacing(p, line=line, indent=indent, align=align)
    if text:
        name_font(p.add_run(xml_text(text)), font, size, bold=bold)
    return p


def title(document, text: str) -> None:
    """The title (标题), 2号方正小标宋简体 centred, with a blank line after it."""
    paragraph(document, text, TITLE_FONT, TITLE_SIZE, indent=NO_INDENT, align=CENTER)
    paragraph(document, "", indent=NO_INDENT)


def heading(document, text: str, level: int = 1) -> None:
    """一、… in 黑体 (level 1) or （一）… in 楷体_GB2312 (level 2)."""
    paragraph(document, text, HEADING1_FONT if level == 1 else HEADING2_FONT)


def blank(document, lines: int = 1) -> None:
    for _ in range(lines):
        paragraph(document, "", indent=NO_INDENT)


def signature(document, issued_by: str, on: date) -> None:
    """落款 and 成文日期, right-aligned below two blank lines."""
    blank(document, 2)
    paragraph(document, issued_by, indent=NO_INDENT, align=RIGHT)
    dated = paragraph(document, chinese_date(on), indent=NO_INDENT, align=RIGHT)
    dated.paragraph_format.right_indent = Pt(2 * BODY_SIZE)  # 成文日期右空四字 (approximately)


def _page_number_footer(section) -> None:
    """— 1 — at the foot of each page (4号宋体), as official documents number their pages."""
    p = section.footer.paragraphs[0]
    p.alignment = CENTER
    name_font(p.add_run("— "), PAGE_NUMBER_FONT, TABLE_SIZE)
    run = p.add_run()
    name_font(run, PAGE_NUMBER_FONT, TABLE_SIZE)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text == "1":
            element = OxmlElement("w:t")
            element.text = text
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._element.append(element)
    name_font(p.add_run(" —"), PAGE_NUMBER_FONT, TABLE_SIZE)


def new_document(*, title_text: str, author: str, subject: str, keywords: str, dated: date):
    """An empty A4 document with the template's margins, body style and page numbers, and its
    properties (title, author, dates) set from the arguments only."""
    document = Document()
    normal = document.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = Pt(BODY_SIZE)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    normal.paragraph_format.line_spacing = LINE
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(0)
    section = document.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)  # A4
    for side, mm in MARGINS.items():
        setattr(section, side, Mm(mm))
    section.header_distance = Mm(15)
    section.footer_distance = Mm(25)
    _page_number_footer(section)
    core = document.core_properties  # each at most 255 characters (the package format's limit)
    core.title = _property(title_text)
    core.author = core.last_modified_by = _property(author)
    core.subject = _property(subject)
    core.keywords = _property(keywords)
    core.created = core.modified = datetime.combine(dated, time(9))
    core.revision = 1
    return document


def _property(text: str) -> str:
    """A document property: what XML can hold, cut to 255 characters with an ellipsis."""
    clean = xml_text(text)
    return clean if len(clean) <= 255 else clean[:254] + "…"


def cell(target, text: str, *, header: bool = False, align=CENTER, size: int = TABLE_SIZE) -> None:
    p = target.paragraphs[0]
    spacing(p, line=Pt(size + 8), indent=NO_INDENT, align=align)
    name_font(p.add_run(xml_text(text)), HEADING1_FONT if header else BODY_FONT, size)


def table(document, headers: Sequence[str], rows: Sequence[Sequence[str]], widths_mm: Sequence[int],
          *, left_columns: Sequence[int] = (), size: int = TABLE_SIZE) -> None:
    """A ruled table: a 黑体 header row that repeats on every page, 仿宋 cells (4号, or ``size`` points:
    小四 12 for dense tables), fixed column widths; the columns numbered in ``left_columns`` are
    left-aligned (long text), the rest centred."""
    grid = document.add_table(rows=1, cols=len(headers))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    for target, text in zip(grid.rows[0].cells, headers):
        cell(target, text, header=True, size=size)
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    grid.rows[0]._tr.get_or_add_trPr().append(repeat)
    for values in rows:
        for column, (target, text) in enumerate(zip(grid.add_row().cells, values)):
            cell(target, text, align=LEFT if column in left_columns else CENTER, size=size)
    for column, width in zip(grid.columns, widths_mm):
        column.width = Mm(width)  # w:gridCol, which LibreOffice lays out by
        for target in column.cells:
            target.width = Mm(width)  # w:tcW, which Word lays out by


def save(document, dated: date) -> bytes:
    """The .docx bytes, every package part stamped with ``dated``: the same document gives the same bytes."""
    raw = BytesIO()
    document.save(raw)
    out = BytesIO()
    stamp = (dated.year, dated.month, dated.day, 9, 0, 0)
    with zipfile.ZipFile(BytesIO(raw.getvalue())) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(zipfile.ZipInfo(info.filename, date_time=stamp), source.read(info.filename),
                            compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()
