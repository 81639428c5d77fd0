"""The bulletin (通报) on a month, quarter or year as a Word document, laid out as an official document.

Sections: 一、总体情况 (counts by status, the period's new and signed-off items, on-time rates and the
escalation the period saw), 二、各单位办理情况 (a table per unit), 三、综合排名 (the ranking under the
named scoring scheme), 四、通报激励 and 五、通报批评 (the units named, with the record and the date),
六、逾期未办结事项 (a table per unit), 七、工作要求.  A pure function of :class:`BulletinFacts`: the
same figures give the same bytes.
"""

from __future__ import annotations

from documents import official
from documents.blocks import Blocks, render
from documents.official import NO_INDENT, chinese_date, chinese_number
from projections.behaviour import behaviour_summary
from domain.report_document import FreeText
from projections.bulletin import BulletinFacts, Mention

UNIT_HEADERS = ("序号", "单位", "本期交办", "按期办结", "逾期办结", "按期办结率", "逾期未办结")
UNIT_WIDTHS = (14, 36, 20, 20, 20, 24, 22)
RANKING_HEADERS = ("名次", "单位", "得分", "备注")
RANKING_WIDTHS = (18, 70, 28, 40)
STATUS_HEADERS = ("状态", "件数")
STATUS_WIDTHS = (80, 40)
OVERDUE_HEADERS = ("编号", "督办事项", "办理时限", "逾期工作日")
OVERDUE_WIDTHS = (44, 44, 48, 20)  # mm; numbers and dates stay on one line
ADDRESSEES = "各街道办事处，区人民政府各部门："
NONE_THIS_PERIOD = "本期无。"


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def bulletin_title(facts: BulletinFacts) -> str:
    return f"关于{facts.period.words}督办事项办理情况的通报"


def bulletin_filename(facts: BulletinFacts) -> str:
    return f"{facts.district_name}{facts.period.words}督办事项办理情况通报.docx"


def _summary(facts: BulletinFacts) -> str:
    c = facts.counts
    states = "、".join(f"{label}{n}件" for label, n in facts.status_counts) or "无在册事项"
    text = (f"截至{chinese_date(facts.as_of)}，全区督办台账共有督办事项{facts.total_items}件，其中{states}。"
            f"本期新交办{facts.opened}件，办结销号{facts.signed_off}件；按期办结{c['completed_on_time']}件、"
            f"逾期办结{c['completed_late']}件，按期办结率{percent(facts.on_time_rate)}。")
    if c["rectification_on_time"] or c["rectification_late"]:
        text += (f"整改任务按期销号{c['rectification_on_time']}项、逾期销号{c['rectification_late']}项，"
                 f"按期销号率{percent(facts.rectification_on_time_rate)}。")
    text += (f"本期催办{c['urged']}次，下发督办通知{c['notice_received']}份，通报批评{c['criticised']}次，"
             f"约谈{c['interviewed']}次，通报激励{c['commended']}次；期末逾期未办结事项{facts.overdue_total}件。")
    return text


def _mentions(document, mentions: list[Mention], lead: str) -> None:
    if not mentions:
        document.paragraph(NONE_THIS_PERIOD)
        return
    document.paragraph(lead)
    for n, m in enumerate(mentions, start=1):
        record = f"{m.number}“{m.title}”" if m.number else "有关事项"
        document.paragraph(f"{n}. {m.unit}：{record}（{chinese_date(m.on)}）。")


def _overdue(document, facts: BulletinFacts) -> None:
    if not facts.overdue_by_unit:
        document.paragraph(f"截至{chinese_date(facts.as_of)}，无逾期未办结事项。")
        return
    document.paragraph(f"截至{chinese_date(facts.as_of)}，逾期未办结事项{facts.overdue_total}件，按单位列示如下：")
    for n, (unit, rows) in enumerate(facts.overdue_by_unit, start=1):
        document.heading(f"（{chinese_number(n)}）{unit}（{len(rows)}件）", level=2)
        document.table(OVERDUE_HEADERS,
                       [(r.number, r.title, chinese_date(r.deadline) if r.deadline else "", str(r.working_days_overdue))
                       for r in rows], OVERDUE_WIDTHS, left_columns=(1,))


def bulletin_document(facts: BulletinFacts, *, issued_by: str = "区人民政府督查室") -> bytes:
    """The bulletin's .docx bytes, dated the day its figures stand at (``facts.as_of``)."""
    return render(bulletin_blocks(facts, issued_by=issued_by))


def bulletin_blocks(facts: BulletinFacts, *, issued_by: str = "区人民政府督查室",
                    texts: FreeText | None = None) -> Blocks:
    """What the bulletin prints, with the office's own words (``texts``: a foreword after the opening,
    highlights after the overall figures, its comments under 工作要求) when it wrote them."""
    texts = texts or FreeText()
    words = facts.period.words
    document = Blocks(title_text=bulletin_title(facts), author=issued_by, subject="督查通报",
                      keywords=f"{facts.district_name} 督查通报 {words}", dated=facts.as_of)
    document.title(bulletin_title(facts))
    document.paragraph(ADDRESSEES, indent=NO_INDENT, align=official.LEFT)
    document.paragraphs(texts.foreword)
    document.paragraph(f"根据督查工作有关规定，现将{words}全区督办事项办理情况通报如下。")

    document.heading("一、总体情况")
    document.paragraph(_summary(facts))
    document.table(STATUS_HEADERS, [(label, str(n)) for label, n in facts.status_counts]
                   + [("合计", str(facts.total_items))], STATUS_WIDTHS)
    document.paragraphs(texts.highlights)

    document.heading("二、各单位办理情况")
    active = [u for u in facts.units if not u.quiet]
    quiet = len(facts.units) - len(active)
    if active:
        document.table(UNIT_HEADERS,
                       [(str(n), u.name, str(u.assigned), str(u.on_time), str(u.late), percent(u.on_time_rate),
                         str(u.overdue_open)) for n, u in enumerate(active, start=1)],
                       UNIT_WIDTHS, left_columns=(1,))
    if quiet:
        document.paragraph(f"{'其余' if active else '全区'}{quiet}个单位本期无交办、办结及逾期未办结事项。")
    if facts.behaviour:
        document.paragraph("办理行为：" + "".join(behaviour_summary(facts.behaviour)))

    document.heading("三、综合排名")
    document.paragraph(f"按照《{facts.scheme.title}》（{facts.scheme.version}），{words}各单位综合排名如下"
                       f"（基础分{facts.scheme.base:g}分）：")
    document.table(RANKING_HEADERS,
                   [(str(s.rank), s.unit_name, f"{s.score:g}", "约谈候选" if s.interview_candidate else "")
                    for s in facts.ranking], RANKING_WIDTHS, left_columns=(1,))

    document.heading("四、通报激励")
    _mentions(document, facts.commended, "以下单位工作成效突出，予以通报激励：")
    document.heading("五、通报批评")
    _mentions(document, facts.criticised, "以下单位推诿、拖延或长期不反馈办理情况，予以通报批评：")
    document.heading("六、逾期未办结事项")
    _overdue(document, facts)

    document.heading("七、工作要求")
    document.paragraphs(texts.comments)
    document.paragraph("各单位要对照本通报，逐项梳理逾期未办结事项，明确责任人和完成时限，按月报送办理进展；"
                       "被通报批评的单位要深刻剖析原因，限期整改到位。区人民政府督查室将持续跟踪督办，"
                       "对整改不力的依规约谈、移交处理。")
    document.signature(issued_by, facts.as_of)
    return document
