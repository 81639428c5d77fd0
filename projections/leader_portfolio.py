"""What a leader's pages read (领导页面): the portfolio with its counts and monthly trend, the
decisions waiting on the leader, and the events behind each line of a unit's score.

Which units a leader sees is the application's rule (``Duban.visible_units``: the portfolio that
day, AB-role cover included; the district head every unit); the caller passes its answer as
``units`` (None: every unit of the district).  Everything here is counted in the database.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from uuid import UUID

from projections.directory import Directory, LeaderEntry
from projections.ledger import LedgerQueries
from projections.ranking import ScoreLine, UnitScore
from projections.score_evidence import Evidence, ScoreEvidence
from projections.trend import MonthCounts, TrendQueries
from projections.warnings import WarningQueries

TREND_MONTHS = 12


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


class LeaderPortfolios:
    def __init__(self, ledger: LedgerQueries, warnings: WarningQueries, directory: Directory, trend: TrendQueries,
                 evidence: ScoreEvidence) -> None:
        self.ledger, self.warnings, self.directory, self.evidence = ledger, warnings, directory, evidence
        self.trend_queries = trend

    def post(self, district: str, leader: UUID | None) -> LeaderEntry | None:
        """The leader's post (区长, 副区长 …), if it exists in the district."""
        return self.directory.leader(district, leader)

    def units(self, district: str, day: date, units: frozenset[UUID] | None) -> list[PortfolioUnit]:
        """The active units the leader sees today, each with open and overdue items and rectification
        tasks it leads, and its open entries per warning colour (三色预警)."""
        mine = [PortfolioUnit(u.id, u.name) for u in self.directory.units(district) if u.active and in_sight(units, u.id)]
        by_hex = {u.id.hex: u for u in mine}
        within = {} if units is None else {"lead_units": list(by_hex)}
        opened = self.ledger.count_by_lead_unit(district, day, open_only=True, **within)
        overdue = self.ledger.count_by_lead_unit(district, day, open_only=True, overdue_only=True, **within)
        for key, unit in by_hex.items():
            unit.open, unit.overdue = opened.get(key, 0), overdue.get(key, 0)
        for key, tally in self.warnings.by_unit(district, day, **within).items():
            if key in by_hex:
                by_hex[key].colours = Counter({c.value: n for c, n in tally.counts.items()})
        return mine

    def trend(self, district: str, day: date, units: frozenset[UUID] | None) -> list[MonthCounts]:
        """The last twelve months (近12个月) of the items led by ``units``: opened, signed off, and
        overdue at each month's end (the running month: today)."""
        return self.trend_queries.monthly(district, day, months=TREND_MONTHS, units=units)

    def pending(self, district: str, day: date, units: frozenset[UUID] | None) -> list[PendingDecision]:
        """Extension requests and referral proposals on items and rectification tasks of the units the
        leader decides for today (the lead unit decides whose leader approves): from the ledger."""
        within = {} if units is None else {"lead_units": list(units)}
        found: list[PendingDecision] = []
        for row in self.ledger.rows(district, day, kinds=("item",), open_only=True, asking_extension=True, **within):
            found.append(PendingDecision(
                "extension", "延期申请", row.number, row.title, row.lead_unit, row.extension_on,
                f"申请将时限由{row.deadline.isoformat()}延至{row.extension_to.isoformat()}；理由：{row.extension_reasons}",
                f"/leader/items/{row.entry_id}"))
        for row in self.ledger.rows(district, day, kinds=("item", "rectification"), referral="proposed", **within):
            item = row.kind == "item"
            found.append(PendingDecision(
                "referral" if item else "rectification_referral", "移交纪检监察建议" if item else "整改任务移交纪检监察建议",
                row.number, row.title, row.lead_unit, row.referral_on,
                f"理由：{row.referral_reasons}" if row.referral_reasons else "",
                f"/leader/{'items' if item else 'rectifications'}/{row.entry_id}"))
        found.sort(key=lambda d: (d.since or date.min, d.number))
        return found

    def score_events(self, district: str, score: UnitScore) -> list[tuple[ScoreLine, list[Evidence]]]:
        """Each line of ``score`` with the events that produced it (记分依据)."""
        evidence = self.evidence.events(district, score.unit_id, [n for line in score.lines for n in line.notification_ids])
        by_id: dict[int, list[Evidence]] = {}
        for found in evidence:
            by_id.setdefault(found.notification_id, []).append(found)
        lines = []
        for line in score.lines:
            events = []
            for notification in line.notification_ids:
                facts = by_id.get(notification, [])
                same = [f for f in facts if f.fact == line.fact]
                events.extend(same or facts[:1])  # 期末仍逾期 points at the deadline-missed event
            lines.append((line, events))
        return lines


__all__ = ["LeaderPortfolios", "PortfolioUnit", "PendingDecision", "in_sight", "TREND_MONTHS"]
