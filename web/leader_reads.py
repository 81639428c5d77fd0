"""How the leaders' pages (领导页面) put their figures in words and pictures: the monthly trend as
bars, the ranking's choices and bars, a score explained line by line.  The figures themselves come
from the read side (``projections.leader_portfolio``), the referral proposal from the record's
history (``Duban.history``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from markupsafe import Markup

from domain.errors import InvalidInput
from duban.application import Duban
from projections.leader_portfolio import in_sight
from projections.ranking import Period, Scheme, ScoreLine, UnitScore, available_schemes
from projections.score_evidence import Evidence
from projections.timeline import TimelineEntry
from projections.trend import MonthCounts
from web.charts import Bar, Category, Series, good_to_bad, number, trend_chart
from web.context import Reads

TREND_SERIES = (  # (name, MonthCounts field, CSS class, colour)
    ("新交办", "opened", "opened", "#1565c0"),
    ("已销号", "signed_off", "signed-off", "#2e7d32"),
    ("逾期", "overdue", "overdue", "#c62828"),
)


# -- monthly trend ---------------------------------------------------------------------------------
def trend_svg(months: list[MonthCounts]) -> Markup:
    """The trend as grouped bars: 新交办, 已销号 and 逾期 per month, the year under its first month."""
    categories = [Category(m.label, f"{m.month.year}年" if i == 0 or m.month.month == 1 else "",
                           f"{m.month.year}年{m.month.month}月") for i, m in enumerate(months)]
    series = [Series(name, tuple(getattr(m, field_name) for m in months), css, colour)
              for name, field_name, css, colour in TREND_SERIES]
    span = f"{categories[0].name}至{categories[-1].name}" if categories else ""
    return trend_chart(categories, series, title=f"近{len(months)}个月督办事项趋势",
                       desc=f"{span}每月新交办、已销号的督办事项数，以及月末（本月为今日）逾期的督办事项数。")


# -- decisions waiting ------------------------------------------------------------------------------
def _last(entries: list[TimelineEntry], what: str) -> TimelineEntry | None:
    found = [e for e in entries if e.what == what]
    return found[-1] if found else None


def referral_proposal(duban: Duban, record_id: UUID) -> TimelineEntry | None:
    """The office's referral proposal (提出移交纪检监察) of a record: when, by whom, why."""
    return _last(duban.history([record_id]), "提出移交纪检监察")


# -- ranking choices --------------------------------------------------------------------------------
def period_label(period: Period) -> str:
    return period.words


def period_options(day: date, chosen: str = "") -> list[tuple[str, str]]:
    """This year, its quarters and months so far (newest first within each); the chosen one too."""
    codes = [str(day.year)]
    codes += [f"{day.year}-Q{q}" for q in range((day.month - 1) // 3 + 1, 0, -1)]
    codes += [f"{day.year}-{m:02d}" for m in range(day.month, 0, -1)]
    options = [(code, period_label(Period.parse(code))) for code in codes]
    if chosen and chosen not in codes:
        try:
            parsed = Period.parse(chosen)
            options.insert(0, (parsed.label, period_label(parsed)))
        except InvalidInput:  # kept as typed, so the page shows what was asked beside the refusal
            options.insert(0, (chosen, chosen))
    return options


def scheme_options(reads=None, district: str | None = None) -> list[tuple[str, str]]:
    """The schemes a ranking may be asked under: the shipped ones, and the district's office's (with ``reads``)."""
    options = [(version, f"{version} {Scheme.load(version).title}") for version in available_schemes()]
    if reads is not None:
        options += [(v.version, f"{v.version} {v.title}")
                    for v in reversed(reads.scheme_versions.adopted(district, "scoring"))]
    return options


def ranking_bars(scores: list[UnitScore], units: frozenset[UUID] | None) -> list[Bar]:
    """One bar per unit, coloured from green (the best score) to red (the worst): interview
    candidates (约谈候选) in class ``bottom``, the leader's own units in class ``mine`` (a vice
    head sees the whole district, their units outlined)."""
    values = [s.score for s in scores]
    best, worst = max(values, default=0.0), min(values, default=0.0)
    bars = []
    for score in scores:
        classes = ["bottom"] if score.interview_candidate else []
        if units is not None and in_sight(units, score.unit_id):
            classes.append("mine")
        bars.append(Bar(f"{score.rank}. {score.unit_name}", score.score, " ".join(classes),
                        fill=good_to_bad(score.score, best, worst)))
    return bars


# -- one score explained ----------------------------------------------------------------------------
@dataclass(frozen=True)
class ExplainedLine:
    """A score line in words: the fact, how many, the points each, the subtotal, its events."""

    line: ScoreLine
    how_many: str
    rule: str
    events: list[Evidence]

    @property
    def points(self) -> float:
        return self.line.points


def explain(reads: Reads, district: str, score: UnitScore, scheme: Scheme) -> list[ExplainedLine]:
    """Each line of ``score`` in words, with the events behind it."""
    return [ExplainedLine(line, *_words(line, scheme, events), events)
            for line, events in reads.leader_portfolios.score_events(district, score)]


def _words(line: ScoreLine, scheme: Scheme, events: list[Evidence]) -> tuple[str, str]:
    if line.fact.endswith("_inspection_score"):
        kind = line.fact.removesuffix("_inspection_score")
        rate = scheme.inspection_points.get(kind, 0.0)
        below = sum(100 - e.amount for e in events if e.fact == line.fact)
        return (f"{number(line.count)}次督查，合计低于100分{number(below)}分",
                f"每低1分扣{number(rate)}分")
    each = scheme.points.get(line.fact, 0.0)
    unit = "个" if line.fact == "inspection_problems" else "次"
    rule = "不计分" if each == 0 else (f"每{unit}加{number(each)}分" if each > 0 else f"每{unit}扣{number(-each)}分")
    return f"{number(line.count)}{unit}", rule


__all__ = ["ExplainedLine", "in_sight", "trend_svg", "referral_proposal", "period_label",
           "period_options", "scheme_options", "ranking_bars", "explain"]
