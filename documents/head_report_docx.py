"""The report to the district head (督查工作情况报告: the weekly report, the half-year report, the
year-end summary) as a Word document in the official layout (``documents.official``).

Sections, numbered as they come: 总体情况 (the period's figures, with the office's highlights),
新交办事项 and 办结销号事项 (listed for a week, counted for longer periods), 逾期未办结事项 (per unit, with
the working days overdue), 督办升级情况 (measures taken in the period, and what the escalation rules
propose at its end), 提请区长决定事项 (extension requests and referral proposals), 需关注单位, and for a
half year or a year 月度趋势; then the office's comments (督查室意见).  A pure function of
:class:`HeadReportFacts` and the office's words: the same figures give the same bytes.
"""

from __future__ import annotations

from documents.blocks import Blocks, render
from documents.official import LEFT, NO_INDENT, chinese_date, chinese_number
from domain.report_document import FreeText
from projections.head_report import HeadReportFacts

ADDRESSEE = "区长："
ISSUED_BY = "区人民政府督查室"
NONE = "本期无。"
ITEM_HEADERS = ("编号", "督办事项", "牵头单位", "办理时限")
ITEM_WIDTHS = (40, 58, 34, 24)
OVERDUE_HEADERS = ("编号", "督办事项", "办理时限", "逾期工作日")
OVERDUE_WIDTHS = (44, 44, 48, 20)
COUNT_HEADERS = ("措施", "次数")
COUNT_WIDTHS = (80, 40)
PROPOSED_HEADERS = ("编号", "事项", "责任单位", "建议措施")
PROPOSED_WIDTHS = (40, 58, 32, 26)
WAITING_HEADERS = ("类别", "编号", "事项", "责任单位", "说明")
WAITING_WIDTHS = (26, 34, 38, 26, 32)
FLAG_HEADERS = ("单位", "红色预警", "逾期事项", "通报批评")
FLAG_WIDTHS = (62, 30, 32, 32)
TREND_HEADERS = ("月份", "新交办", "办结销号", "月末逾期")
TREND_WIDTHS = (40, 38, 40, 38)


def head_report_title(facts: HeadReportFacts) -> str:
    if facts.period.kind == "week":
        return f"关于{facts.period.words}督查工作情况的报告"
    return f"关于{facts.period.words}督查工作情况的{'总结' if facts.period.kind == 'year' else '报告'}"


def head_report_filename(facts: HeadReportFacts) -> str:
    return f"{facts.district_name}{facts.period.words.split('（')[0]}{facts.period.report_name}.docx"


def summary(facts: HeadReportFacts) -> str:
    """The overall figures in one paragraph (also the page's opening line)."""
    taken = "、".join(f"{label}{n}次" for label, n in facts.taken_lines if n) or "未采取升级措施"
    return (f"截至{chinese_date(facts.as_of)}，本期新交办督办事项{facts.opened}件，办结销号{facts.signed_off}件；"
            f"逾期未办结{facts.overdue_total}件，涉及{len(facts.overdue)}个单位。本期{taken}；"
            f"按督办升级规则，期末建议升级督办{len(facts.proposed)}件；提请区长决定事项{len(facts.waiting)}件。")


def _date(day) -> str:
    return chinese_date(day) if day else ""


def head_report_blocks(facts: HeadReportFacts, texts: FreeText | None = None, *,
                       issued_by: str = ISSUED_BY) -> Blocks:
    texts = texts or FreeText()
    title = head_report_title(facts)
    document = Blocks(title_text=title, author=issued_by, subject=facts.period.report_name,
                      keywords=f"{facts.district_name} {facts.period.report_name} {facts.period.words}",
                      dated=facts.as_of)
    document.title(title)
    document.paragraph(ADDRESSEE, indent=NO_INDENT, align=LEFT)
    document.paragraphs(texts.foreword)
    document.paragraph(f"现将{facts.period.words}督查工作情况报告如下。")
    number = iter(range(1, 100))

    def heading(text: str) -> None:
        document.heading(f"{chinese_number(next(number))}、{text}")

    heading("总体情况")
    document.paragraph(summary(facts))
    document.paragraphs(texts.highlights)

    week = facts.period.kind == "week"
    for name, count, rows in (("新交办事项", facts.opened, facts.new_items),
                              ("办结销号事项", facts.signed_off, facts.signed_off_items)):
        heading(name)
        if not count:
            document.paragraph(NONE)
        elif week:
            document.table(ITEM_HEADERS, [(r.number, r.title, r.lead_unit, _date(r.deadline)) for r in rows],
                           ITEM_WIDTHS, left_columns=(1,))
        else:
            document.paragraph(f"本期共{count}件，逐月情况见“月度趋势”。")

    heading("逾期未办结事项")
    if not facts.overdue:
        document.paragraph(f"截至{chinese_date(facts.as_of)}，无逾期未办结事项。")
    for n, (unit, rows) in enumerate(facts.overdue, start=1):
        document.heading(f"（{chinese_number(n)}）{unit}（{len(rows)}件）", level=2)
        document.table(OVERDUE_HEADERS, [(r.number, r.title, _date(r.deadline), str(r.working_days_overdue))
                                         for r in rows], OVERDUE_WIDTHS, left_columns=(1,))

    heading("督办升级情况")
    document.paragraph("本期采取的督办措施：")
    document.table(COUNT_HEADERS, [(label, str(n)) for label, n in facts.taken_lines], COUNT_WIDTHS)
    if facts.proposed:
        document.paragraph(f"按照{facts.rules}，期末建议升级督办{len(facts.proposed)}件：")
        document.table(PROPOSED_HEADERS, [(r.number, r.title, r.unit, r.step.label) for r in facts.proposed],
                       PROPOSED_WIDTHS, left_columns=(1,))
    else:
        document.paragraph("期末无建议升级督办的事项。")

    heading("提请区长决定事项")
    if facts.waiting:
        document.table(WAITING_HEADERS, [(w.what, w.number, w.title, w.unit, w.detail) for w in facts.waiting],
                       WAITING_WIDTHS, left_columns=(2, 4))
    else:
        document.paragraph(NONE)

    heading("需关注单位")
    if facts.flagged:
        document.table(FLAG_HEADERS, [(f.name, str(f.red), str(f.overdue), str(f.criticised)) for f in facts.flagged],
                       FLAG_WIDTHS, left_columns=(0,))
    else:
        document.paragraph(NONE)

    if facts.trend:
        heading("月度趋势")
        document.table(TREND_HEADERS, [(m.label, str(m.opened), str(m.signed_off), str(m.overdue))
                                       for m in facts.trend], TREND_WIDTHS)
    if texts.comments:
        heading("督查室意见")
        document.paragraphs(texts.comments)
    document.signature(issued_by, facts.as_of)
    return document


def head_report_document(facts: HeadReportFacts, texts: FreeText | None = None) -> bytes:
    """The report's .docx bytes, dated the day its figures stand at."""
    return render(head_report_blocks(facts, texts))
