"""The report to the district head (督查工作情况报告): what the head must know about a week, a half
year (半年检查) or a year (全年总结), read from the as-of read models.

A week is the working week Monday–Friday (周督导: the seeds' supervision cadence runs on working
days, and the executive meeting meets weekly on a working day), reported as the ledger stood at the
end of its Friday.  What happened on the weekend before counts in the week it leads into, so the
weeks count every day once: a week's facts run from the Saturday before to its Friday.  A half year
runs from 1 January (or 1 July) to 30 June (31 December), the year from 1 January to 31 December,
each reported as of its last day (or today, for a period not over yet), with the year's monthly
trend (``projections.trend``).

Everything comes from the ledger as it stood at ``as_of`` (``LedgerQueries`` with ``as_of``) and the
facts by their business date, so a past period's report comes out the same however many events
are recorded since.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from domain.errors import InvalidInput
from domain.escalation import EscalationRules
from projections.bulletin import _overdue_by_unit
from projections.escalation import EscalationQueries, Recommendation
from projections.scheme_versions import SchemeVersionQueries
from projections.ledger import LedgerQueries, LedgerRow
from projections.ranking import units_in_service
from projections.trend import MonthCounts, TrendQueries

ESCALATION_FACTS = ("urged", "notice_received", "criticised", "interviewed", "commended")
ESCALATION_LABELS = {"urged": "催办", "notice_received": "督办通知", "criticised": "通报批评", "interviewed": "约谈",
                     "commended": "通报激励"}
ITEMS = ("item",)
CASES = ("item", "rectification")


@dataclass(frozen=True)
class ReportPeriod:
    """A week (2026-W12), a half year (2026-H1, 2026-H2) or a year (2026) of the head's report."""

    label: str
    kind: str  # week | half | year
    first: date  # the first day whose facts count
    last: date  # the day the figures stand at: the week's Friday, 30 June, 31 December

    @classmethod
    def parse(cls, text: str) -> "ReportPeriod":
        text = (text or "").strip().upper()
        if m := re.fullmatch(r"(\d{4})-W(\d{1,2})", text):
            try:
                monday = date.fromisocalendar(int(m[1]), int(m[2]), 1)
            except ValueError:
                monday = None
            if monday is not None:
                return cls.week_of(monday)
        if m := re.fullmatch(r"(\d{4})-H([12])", text):
            year, half = int(m[1]), int(m[2])
            return cls(text, "half", date(year, 1 if half == 1 else 7, 1), date(year, 6, 30) if half == 1
                       else date(year, 12, 31))
        if re.fullmatch(r"\d{4}", text):
            return cls(text, "year", date(int(text), 1, 1), date(int(text), 12, 31))
        raise InvalidInput("report.period_bad", f"报告期间“{text}”无效，应为2026-W12（周）、2026-H1（半年）或2026（全年）。",
                           field="period")

    @classmethod
    def week_of(cls, day: date) -> "ReportPeriod":
        """The working week ``day`` falls in (a Saturday or Sunday: the week it leads into)."""
        monday = day - timedelta(days=day.weekday()) + (timedelta(days=7) if day.weekday() >= 5 else timedelta())
        year, week, _ = monday.isocalendar()
        return cls(f"{year}-W{week:02d}", "week", monday - timedelta(days=2), monday + timedelta(days=4))

    @property
    def monday(self) -> date:
        return self.last - timedelta(days=4)

    @property
    def words(self) -> str:
        """2026年第12周（3月16日至3月20日）, 2026年上半年, 2026年."""
        if self.kind == "week":
            year, week = self.label.split("-W")
            m = self.monday
            return f"{year}年第{int(week)}周（{m.month}月{m.day}日至{self.last.month}月{self.last.day}日）"
        if self.kind == "half":
            return f"{self.first.year}年{'上' if self.first.month == 1 else '下'}半年"
        return f"{self.first.year}年"

    @property
    def report_name(self) -> str:
        """What the document is called after its period: 督查工作周报, （上半年）督查工作情况报告, 全年督查工作总结."""
        return {"week": "督查工作周报", "half": "督查工作情况报告", "year": "全年督查工作总结"}[self.kind]


@dataclass(frozen=True)
class Waiting:
    """A request waiting on the district head: an extension (延期申请) or a referral (移交建议)."""

    what: str  # 延期申请 | 移交纪检监察建议
    number: str
    title: str
    unit: str
    since: date | None
    detail: str


@dataclass(frozen=True)
class UnitFlag:
    """A unit the head should know about: red warnings, overdue items or criticism in the period."""

    name: str
    red: int
    overdue: int
    criticised: int


@dataclass
class HeadReportFacts:
    """The figures of one report to the district head."""

    district: str
    district_name: str
    period: ReportPeriod
    as_of: date
    opened: int  # items assigned (交办) in the period
    signed_off: int  # items signed off (办结销号) in the period
    new_items: list[LedgerRow]  # a week's: every one; longer periods count them only
    signed_off_items: list[LedgerRow]
    overdue: list[tuple[str, list[LedgerRow]]]  # (unit, items overdue at as_of, most working days first)
    taken: Counter  # escalation facts in the period: urged, notice_received, criticised, interviewed, commended
    proposed: list[Recommendation]  # what the escalation rules propose at as_of
    rules: str  # the escalation rules' title and version
    waiting: list[Waiting]
    flagged: list[UnitFlag]
    trend: list[MonthCounts] = field(default_factory=list)  # half year and year: month by month

    @property
    def overdue_total(self) -> int:
        return sum(len(rows) for _, rows in self.overdue)

    @property
    def proposed_by_step(self) -> list[tuple[str, int]]:
        counted = Counter(r.step.label for r in self.proposed)
        return [(label, n) for label, n in counted.most_common()]

    @property
    def taken_lines(self) -> list[tuple[str, int]]:
        return [(ESCALATION_LABELS[f], self.taken[f]) for f in ESCALATION_FACTS]


class HeadReportQueries:
    def __init__(self, read_models, ledger: LedgerQueries, escalation: EscalationQueries,
                 trend: TrendQueries) -> None:
        self.read_models = read_models
        self.ledger = ledger
        self.escalation = escalation
        self.trend = trend

    def report(self, district: str, district_name: str, period: ReportPeriod | str, today: date,
               rules: str | None = None) -> HeadReportFacts:
        """The report on ``period`` as the record stood at its end (or ``today``)."""
        period = ReportPeriod.parse(period) if isinstance(period, str) else period
        if period.first > today:
            raise InvalidInput("report.future", f"报告期间{period.words}尚未开始，不能生成报告。", field="period")
        as_of = min(period.last, today)
        ledger, at = self.ledger, {"as_of": as_of}
        window = {"opened_from": period.first, "opened_to": as_of}
        closed = {"status": "signed_off", "closed_from": period.first, "closed_to": as_of}
        week = period.kind == "week"
        opened = ledger.count(district, as_of, kinds=ITEMS, **window, **at)
        signed_off = ledger.count(district, as_of, kinds=ITEMS, **closed, **at)
        overdue = ledger.rows(district, as_of, kinds=ITEMS, overdue_only=True, sort="overdue", **at)
        with self.read_models.reading() as sql:
            units = {u["unit_id"]: u["name"] for u in units_in_service(sql, district, period.first)}
            marks = ", ".join("?" for _ in ESCALATION_FACTS)
            facts = sql.execute(
                "SELECT unit_id, fact, SUM(amount) AS amount FROM rm_unit_facts WHERE district = ? AND on_date >= ?"
                f" AND on_date <= ? AND fact IN ({marks}) GROUP BY unit_id, fact",
                (district, period.first.isoformat(), as_of.isoformat(), *ESCALATION_FACTS)).rows()
        taken, criticised = Counter(), Counter()
        for r in facts:
            taken[r["fact"]] += int(r["amount"])
            if r["fact"] == "criticised":
                criticised[r["unit_id"]] += int(r["amount"])
        if rules:
            loaded, source = EscalationRules.load(rules), "随系统提供"
        else:  # the rule set in force at the period's end: the office's (SchemeBook), else the newest shipped
            loaded, source = SchemeVersionQueries(self.read_models).rules_for(district, as_of)
        return HeadReportFacts(
            district=district, district_name=district_name, period=period, as_of=as_of,
            opened=opened, signed_off=signed_off,
            new_items=ledger.rows(district, as_of, kinds=ITEMS, **window, **at) if week else [],
            signed_off_items=ledger.rows(district, as_of, kinds=ITEMS, sort="closed", **closed, **at) if week else [],
            overdue=_overdue_by_unit(overdue, units), taken=taken,
            proposed=self.escalation.queue(district, as_of, loaded, as_of=as_of),
            rules=f"{loaded.title}（{loaded.version}，{source}）",
            waiting=self._waiting(district, as_of),
            flagged=self._flagged(district, as_of, units, overdue, criticised),
            trend=[] if week else self.trend.monthly(district, as_of, months=as_of.month),
        )

    def _waiting(self, district: str, as_of: date) -> list[Waiting]:
        """Extension requests and referral proposals waiting at ``as_of``: the head decides them."""
        ledger, at = self.ledger, {"as_of": as_of}
        found = [Waiting("延期申请", r.number, r.title, r.lead_unit, r.extension_on,
                         f"申请将时限由{_words(r.deadline)}延至{_words(r.extension_to)}")
                 for r in ledger.rows(district, as_of, kinds=ITEMS, open_only=True, asking_extension=True, **at)]
        found += [Waiting("移交纪检监察建议", r.number, r.title, r.lead_unit, r.referral_on, r.referral_reasons)
                  for r in ledger.rows(district, as_of, kinds=CASES, referral="proposed", **at)]
        found.sort(key=lambda w: (w.since or date.min, w.number))
        return found

    def _flagged(self, district: str, as_of: date, units: dict[str, str], overdue: list[LedgerRow],
                 criticised: Counter) -> list[UnitFlag]:
        """Units with a red warning at ``as_of``, an item overdue, or criticised in the period: most
        red first, then most overdue, then the district's order."""
        warnings = self.ledger.warning_counts(district, as_of, as_of=as_of, by="unit", open_only=True, kinds=CASES)
        red = Counter({u: sum(n for rule, n in rules.items() if rule and rule.startswith("red."))
                       for u, rules in warnings.items()})
        late = Counter(r.lead_unit_id for r in overdue if r.lead_unit_id)
        order = list(units)
        flagged = [(u, red[u], late[u], criticised[u]) for u in {*red, *late, *criticised}
                   if u in units and (red[u] or late[u] or criticised[u])]
        flagged.sort(key=lambda f: (-f[1], -f[2], -f[3], order.index(f[0])))
        return [UnitFlag(units[u], r, o, c) for u, r, o, c in flagged]


def _words(day: date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else "—"


__all__ = ["HeadReportFacts", "HeadReportQueries", "ReportPeriod", "UnitFlag", "Waiting"]
