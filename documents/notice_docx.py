"""The supervision notice (督办通知) as a Word document (.docx), laid out as an official document (公文).

The district's template (seed 000, 附件3; GB/T 9704 style): title in 2号方正小标宋简体 (22 pt), body in
3号仿宋_GB2312 (16 pt), first-level headings in 黑体, second-level in 楷体_GB2312, page margins top 37 mm,
bottom 35 mm, left 28 mm, right 26 mm, fixed 28 pt line spacing.  Fonts are named, not embedded: each run
names its font for both the Latin and the East-Asian script (``w:rFonts w:ascii/w:hAnsi`` and
``w:eastAsia``), otherwise Word shows Chinese text in the theme's East-Asian font.

The task, responsibility and deadline lists (任务清单、责任清单、时限清单) are one table.  Built with
python-docx; a pure function of the notice and the names the caller looks up.
"""

from __future__ import annotations

from datetime import date, datetime, time
from io import BytesIO

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from domain.notice import SupervisionNotice

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING1_FONT = "黑体"
HEADING2_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
TITLE_SIZE = 22  # 2号
BODY_SIZE = 16  # 3号
TABLE_SIZE = 14  # 4号: the table's text, so four columns fit the type area
LINE = Pt(28)
INDENT = Pt(2 * BODY_SIZE)  # 首行缩进二字
MARGINS = {"top_margin": 37, "bottom_margin": 35, "left_margin": 28, "right_margin": 26}  # mm
TABLE_HEADERS = ("序号", "任务内容", "责任人", "完成时限")
TABLE_WIDTHS = (15, 86, 30, 25)  # mm; the type area is 210 - 28 - 26 = 156 mm wide
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def chinese_date(day: date) -> str:
    """成文日期 as GB/T 9704-2012 writes it: 2026年3月2日."""
    return f"{day.year}年{day.month}月{day.day}日"


def notice_filename(notice: SupervisionNotice) -> str:
    return f"{notice.number_label}督办通知.docx"


def _name_font(run, name: str, size: int, *, bold: bool = False) -> None:
    run.font.name = name  # w:ascii and w:hAnsi
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _spacing(paragraph, *, line=LINE, indent=None, align=None) -> None:
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = line
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    if indent is not None:
        fmt.first_line_indent = indent
    if align is not None:
        paragraph.alignment = align


def _paragraph(container, text: str, font: str = BODY_FONT, size: int = BODY_SIZE, *, bold: bool = False,
               indent=INDENT, align=WD_ALIGN_PARAGRAPH.JUSTIFY, line=LINE):
    paragraph = container.add_paragraph()
    _spacing(paragraph, line=line, indent=indent, align=align)
    if text:
        _name_font(paragraph.add_run(text), font, size, bold=bold)
    return paragraph


def _page_number_footer(section) -> None:
    """— 1 — at the foot of each page (4号宋体), as official documents number their pages."""
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _name_font(paragraph.add_run("— "), PAGE_NUMBER_FONT, TABLE_SIZE)
    run = paragraph.add_run()
    _name_font(run, PAGE_NUMBER_FONT, TABLE_SIZE)
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
    _name_font(paragraph.add_run(" —"), PAGE_NUMBER_FONT, TABLE_SIZE)


def _setup(document) -> None:
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


def _cell(cell, text: str, *, header: bool = False, align=WD_ALIGN_PARAGRAPH.CENTER) -> None:
    paragraph = cell.paragraphs[0]
    _spacing(paragraph, line=Pt(22), indent=Pt(0), align=align)
    _name_font(paragraph.add_run(text), HEADING1_FONT if header else BODY_FONT, TABLE_SIZE)


def _table(document, tasks: list[dict]) -> None:
    table = document.add_table(rows=1, cols=len(TABLE_HEADERS))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for cell, text in zip(table.rows[0].cells, TABLE_HEADERS):
        _cell(cell, text, header=True)
    repeat = OxmlElement("w:tblHeader")  # the header row repeats on every page the table runs over
    repeat.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(repeat)
    for n, task in enumerate(tasks, start=1):
        cells = table.add_row().cells
        _cell(cells[0], str(n))
        _cell(cells[1], task["task"], align=WD_ALIGN_PARAGRAPH.LEFT)
        _cell(cells[2], task["responsible"])
        _cell(cells[3], chinese_date(task["deadline"]))
    for column, width in zip(table.columns, TABLE_WIDTHS):
        for cell in column.cells:
            cell.width = Mm(width)


def notice_document(notice: SupervisionNotice, *, district_name: str, unit_name: str, subject_label: str,
                    issued_by: str = "区人民政府督查室", contact: str = "", copy_to: str = "") -> bytes:
    """The notice's .docx bytes.

    ``subject_label`` names what the notice is about (e.g. 督〔2026〕7号“整治背街小巷”), ``unit_name``
    the unit it goes to (主送机关), ``issued_by`` the issuing office (落款); ``contact`` (联系人及电话)
    and ``copy_to`` (抄送) are printed when given.
    """
    tasks = sorted(notice.tasks.values(), key=lambda t: int(str(t["key"])[1:]))
    document = Document()
    _setup(document)
    core = document.core_properties
    core.title = f"{notice.number_label} {notice.title}"
    core.author = issued_by
    core.subject = "督办通知"
    core.keywords = f"{district_name} 督办通知"
    core.created = core.modified = datetime.combine(notice.issued_on, time(9))
    core.revision = 1
    core.last_modified_by = issued_by

    _paragraph(document, notice.number_label, indent=Pt(0), align=WD_ALIGN_PARAGRAPH.CENTER)  # 发文字号
    _paragraph(document, "", indent=Pt(0))
    _paragraph(document, notice.title, TITLE_FONT, TITLE_SIZE, indent=Pt(0), align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(document, "", indent=Pt(0))
    _paragraph(document, f"{unit_name}：", indent=Pt(0), align=WD_ALIGN_PARAGRAPH.LEFT)  # 主送机关
    reply_by = chinese_date(notice.reply_deadline)
    _paragraph(document, f"为推动{subject_label}落实到位，根据督查工作有关规定，现对你单位进行督办。"
                         f"请按照下列任务清单、责任清单、时限清单抓好落实，并于{reply_by}前将办理情况"
                         f"逐项书面回复{issued_by}。")
    _paragraph(document, "一、任务清单、责任清单、时限清单", HEADING1_FONT)
    _table(document, tasks)
    _paragraph(document, "二、有关要求", HEADING1_FONT)
    _paragraph(document, "（一）书面回复时限", HEADING2_FONT)
    _paragraph(document, f"请于{reply_by}前书面回复（书面回复时限）。回复须逐项说明任务完成情况、责任人落实情况，"
                         "并附相关佐证材料。")
    _paragraph(document, "（二）逾期处理", HEADING2_FONT)
    _paragraph(document, "逾期未回复或回复不符合要求的，将按照督查工作有关规定予以催办、通报，情节严重的依规依纪处理。")
    if contact:
        _paragraph(document, f"联系人：{contact}")
    for _ in range(2):
        _paragraph(document, "", indent=Pt(0))
    _paragraph(document, issued_by, indent=Pt(0), align=WD_ALIGN_PARAGRAPH.RIGHT)  # 落款
    dated = _paragraph(document, chinese_date(notice.issued_on), indent=Pt(0), align=WD_ALIGN_PARAGRAPH.RIGHT)
    dated.paragraph_format.right_indent = Pt(2 * BODY_SIZE)  # 成文日期右空四字 (approximately)
    if copy_to:
        _paragraph(document, "", indent=Pt(0))
        _paragraph(document, f"抄送：{copy_to}。", indent=Pt(0), align=WD_ALIGN_PARAGRAPH.LEFT)

    out = BytesIO()
    document.save(out)
    return out.getvalue()
