"""What the leaders' pages (领导页面) read: the portfolio with its counts and monthly trend, the
decisions waiting on a leader, the ranking choices and a score explained line by line.

Only application calls and projection queries: no SQL here.  Which units a leader sees comes
from ``Duban.visible_units`` (portfolio that day, AB-role cover included; the district head
all), so the pages follow the same rule as the service.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from uuid import UUID

from markupsafe import Markup

from domain.actor import Actor
from domain.errors import InvalidInput
from duban.application import Duban
from projections.ranking import Period, Scheme, ScoreLine, UnitScore, available_schemes
from projections.score_evidence import Evidence, ScoreEvidence
from projections.directory import LeaderEntry
from projections.timeline import TimelineEntry
from projections.trend import MonthCounts
from web.charts import Bar, Category, Series, number, trend_chart
from web.context import Reads

TREND_MONTHS = 12
TREND_SERIES = (  # (name, MonthCounts field, CSS class, colour)
    ("新交办", "opened", "opened", "#1565c0"),
    ("已销号", "signed_off", "signed-off", "#2e7d32"),
    ("逾期", "overdue", "overdue", "#c62828"),
)


# -- who and which units ------------------------------------------------------------------------------
def leader_post(reads: Reads, actor: Actor) -> LeaderEntry | None:
    """The actor's leader post (区长, 副区长 …), if it exists in their district."""
    return reads.directory.leader(actor.district, actor.leader)


def in_sight(units: frozenset[UUID] | None, unit: UUID | str | None) -> bool:
    """Whether ``unit`` is among ``units`` (None: every unit)."""
    if unit is None:
        return False
    if units is None:
        return True
    key = unit if isinstance(unit, UUID) else UUID(unit)
    return key in units


@dataclass
class PortfolioUnit:
    """One unit of the portfolio (分管单位) with its open work."""

    id: UUID
    name: str
    open: int = 0
    overdue: int = 0
    colours: Counter = field(default_factory=Counter)  # red/yellow/blue -> open entries


def portfolio(reads: Reads, actor: Actor, day: date, units: frozenset[UUID] | None) -> list[PortfolioUnit]:
    """The active units the leader sees today (``units``: ``Duban.visible_units``), each with open
    and overdue items and rectification tasks it leads, and its open entries per warning colour
    (三色预警): counted in the database."""
    mine = [PortfolioUnit(u.id, u.name) for u in reads.directory.units(actor.district)
            if u.active and in_sight(units, u.id)]
    by_hex = {u.id.hex: u for u in mine}
    within = {} if units is None else {"lead_units": list(by_hex)}
    opened = reads.ledger.count_by_lead_unit(actor.district, day, open_only=True, **within)
    overdue = reads.ledger.count_by_lead_unit(actor.district, day, open_only=True, overdue_only=True, **within)
    for key, unit in by_hex.items():
        unit.open, unit.overdue = opened.get(key, 0), overdue.get(key, 0)
    for key, tally in reads.warnings.by_unit(actor.district, day, **within).items():
        if key in by_hex:
            by_hex[key].colours = Counter({c.value: n for c, n in tally.counts.items()})
    return mine


# -- monthly trend ---------------------------------------------------------------------------------
def portfolio_trend(reads: Reads, actor: Actor, units: frozenset[UUID] | None, day: date) -> list[MonthCounts]:
    """The last twelve months (近12个月) of the items led by ``units`` (None: the whole district):
    opened, signed off, and overdue at each month's end (the running month: today)."""
    return reads.trend.monthly(actor.district, day, months=TREND_MONTHS, units=units)


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
@dataclass(frozen=True)
class PendingDecision:
    """A request waiting on the leader: an extension (延期申请) or a referral proposal (移交建议)."""

    kind: str  # extension | referral | rectification_referral
    what: str
    number: str
    title: str
    unit: str
    since: date | None
    detail: str
    href: str


def _last(entries: list[TimelineEntry], what: str) -> TimelineEntry | None:
    found = [e for e in entries if e.what == what]
    return found[-1] if found else None


def referral_proposal(duban: Duban, record_id: UUID) -> TimelineEntry | None:
    """The office's referral proposal (提出移交纪检监察) of a record: when, by whom, why."""
    return _last(duban.history([record_id]), "提出移交纪检监察")


def pending_decisions(reads: Reads, actor: Actor, day: date, units: frozenset[UUID] | None) -> list[PendingDecision]:
    """Extension requests and referral proposals on items and rectification tasks of the units
    the leader decides for today (``units``; the lead unit decides whose leader approves): from the
    ledger."""
    within = {} if units is None else {"lead_units": list(units)}
    ledger, district = reads.ledger, actor.district
    found: list[PendingDecision] = []
    for row in ledger.rows(district, day, kinds=("item",), open_only=True, asking_extension=True, **within):
        found.append(PendingDecision(
            "extension", "延期申请", row.number, row.title, row.lead_unit, row.extension_on,
            f"申请将时限由{row.deadline.isoformat()}延至{row.extension_to.isoformat()}；理由：{row.extension_reasons}",
            f"/leader/items/{row.entry_id}"))
    for row in ledger.rows(district, day, kinds=("item", "rectification"), referral="proposed", **within):
        item = row.kind == "item"
        found.append(PendingDecision(
            "referral" if item else "rectification_referral", "移交纪检监察建议" if item else "整改任务移交纪检监察建议",
            row.number, row.title, row.lead_unit, row.referral_on,
            f"理由：{row.referral_reasons}" if row.referral_reasons else "",
            f"/leader/{'items' if item else 'rectifications'}/{row.entry_id}"))
    found.sort(key=lambda d: (d.since or date.min, d.number))
    return found


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


def scheme_options() -> list[tuple[str, str]]:
    return [(version, f"{version} {Scheme.load(version).title}") for version in available_schemes()]


def ranking_bars(scores: list[UnitScore], units: frozenset[UUID] | None) -> list[Bar]:
    """One bar per unit: interview candidates (约谈候选) in class ``bottom``, the leader's own
    units in class ``mine`` (a vice head sees the whole district, their units highlighted)."""
    bars = []
    for score in scores:
        classes = ["bottom"] if score.interview_candidate else []
        if units is not None and in_sight(units, score.unit_id):
            classes.append("mine")
        bars.append(Bar(f"{score.rank}. {score.unit_name}", score.score, " ".join(classes)))
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
    evidence = ScoreEvidence(reads.read_side.read_models).events(
        district, score.unit_id, [n for line in score.lines for n in line.notification_ids])
    by_id: dict[int, list[Evidence]] = {}
    for found in evidence:
        by_id.setdefault(found.notification_id, []).append(found)
    explained = []
    for line in score.lines:
        events = []
        for notification in line.notification_ids:
            facts = by_id.get(notification, [])
            same = [f for f in facts if f.fact == line.fact]
            events.extend(same or facts[:1])  # 期末仍逾期 points at the deadline-missed event
        explained.append(ExplainedLine(line, *_words(line, scheme, events), events))
    return explained


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


__all__ = ["PortfolioUnit", "PendingDecision", "ExplainedLine", "leader_post", "in_sight",
           "portfolio", "portfolio_trend", "trend_svg", "pending_decisions", "referral_proposal", "period_label",
           "period_options", "scheme_options", "ranking_bars", "explain"]
