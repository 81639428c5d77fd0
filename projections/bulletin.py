"""What a bulletin (通报) on a month, quarter or year says, read from the as-of read models.

Everything is taken as the record stood at the end of the period (or today, for a period not yet
over): the ledger from its history, the facts by their business date, the ranking with facts up to
that day.  So a bulletin for a past period comes out the same however many events have been
recorded since — it can be produced again at any time and compared.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from domain.errors import InvalidInput
from domain.item import ItemStatus
from projections.ledger import LedgerQueries, LedgerRow
from projections.ranking import Period, RankingQueries, Scheme, UnitScore, units_in_service

COUNTED_FACTS = ("completed_on_time", "completed_late", "rectification_on_time", "rectification_late", "urged",
                 "notice_received", "criticised", "interviewed", "commended")


@dataclass(frozen=True)
class UnitRecord:
    """One unit's lines in the bulletin's table (各单位办理情况)."""

    unit_id: str
    name: str
    assigned: int  # items it leads, assigned in the period
    on_time: int  # 按期办结
    late: int  # 逾期办结
    overdue_open: int  # 逾期未办结 at the end of the period

    @property
    def on_time_rate(self) -> float | None:
        done = self.on_time + self.late
        return self.on_time / done if done else None

    @property
    def quiet(self) -> bool:
        """Nothing assigned, finished or overdue in the period."""
        return not (self.assigned or self.on_time or self.late or self.overdue_open)


@dataclass(frozen=True)
class Mention:
    """A unit named for one record: criticised (通报批评) or commended (通报激励)."""

    unit: str
    number: str
    title: str
    on: date


@dataclass
class BulletinFacts:
    """The figures of one bulletin (通报)."""

    district: str
    district_name: str
    period: Period
    as_of: date
    scheme: Scheme
    status_counts: list[tuple[str, int]]  # (状态, 件数) for every item in the ledger at as_of
    total_items: int
    opened: int  # items assigned in the period
    signed_off: int  # items signed off (办结销号) in the period
    counts: Counter  # facts in the period: completed_on_time, urged, criticised, …
    units: list[UnitRecord]
    ranking: list[UnitScore]
    commended: list[Mention]
    criticised: list[Mention]
    overdue_by_unit: list[tuple[str, list[LedgerRow]]] = field(default_factory=list)

    @property
    def on_time_rate(self) -> float | None:
        done = self.counts["completed_on_time"] + self.counts["completed_late"]
        return self.counts["completed_on_time"] / done if done else None

    @property
    def rectification_on_time_rate(self) -> float | None:
        done = self.counts["rectification_on_time"] + self.counts["rectification_late"]
        return self.counts["rectification_on_time"] / done if done else None

    @property
    def overdue_total(self) -> int:
        return sum(len(rows) for _, rows in self.overdue_by_unit)


class BulletinQueries:
    def __init__(self, read_models, ledger: LedgerQueries, rankings: RankingQueries) -> None:
        self.read_models = read_models
        self.ledger = ledger
        self.rankings = rankings

    def bulletin(self, district: str, district_name: str, period: Period | str, scheme: Scheme | str,
                 today: date) -> BulletinFacts:
        """The bulletin's figures for ``period``, as the record stood at its end (or ``today``)."""
        period = Period.parse(period) if isinstance(period, str) else period
        scheme = Scheme.load(scheme) if isinstance(scheme, str) else scheme
        if period.first > today:
            raise InvalidInput("bulletin.future", f"统计期间{period.words}尚未开始，不能生成通报。", field="period")
        as_of = min(period.last, today)
        rows = self.ledger.rows(district, as_of, as_of=as_of, kinds=("item", "rectification"))
        items = [r for r in rows if r.kind == "item"]
        by_entry = {r.entry_id: r for r in rows}
        facts = self._facts(district, period.first, as_of)
        units = self._units(district, period.first)
        return BulletinFacts(
            district=district, district_name=district_name, period=period, as_of=as_of, scheme=scheme,
            status_counts=_status_counts(items), total_items=len(items),
            opened=sum(1 for r in items if r.opened_on and period.first <= r.opened_on <= as_of),
            signed_off=sum(1 for r in items if r.status == ItemStatus.SIGNED_OFF.value and r.closed_on
                           and period.first <= r.closed_on <= as_of),
            counts=Counter(f["fact"] for f in facts for _ in range(int(f["amount"]))),
            units=_unit_records(units, items, facts, period.first, as_of),
            ranking=self.rankings.ranking(district, period, scheme, as_of=as_of),
            commended=_mentions(facts, "commended", units, by_entry),
            criticised=_mentions(facts, "criticised", units, by_entry),
            overdue_by_unit=_overdue_by_unit(items, units),
        )

    def _facts(self, district: str, first: date, last: date) -> list[dict]:
        marks = ", ".join("?" for _ in COUNTED_FACTS)
        with self.read_models.transaction(commit=False) as sql:
            return sql.execute(
                f"SELECT fact, unit_id, entry_id, on_date, amount, notification_id FROM rm_unit_facts"
                f" WHERE district = ? AND on_date >= ? AND on_date <= ? AND fact IN ({marks})"
                f" ORDER BY on_date, notification_id",
                (district, first.isoformat(), last.isoformat(), *COUNTED_FACTS)).rows()

    def _units(self, district: str, first: date) -> dict[str, str]:
        """The units in service during the period, by id, in the district's order (by code)."""
        with self.read_models.transaction(commit=False) as sql:
            return {u["unit_id"]: u["name"] for u in units_in_service(sql, district, first)}


def _status_counts(items: list[LedgerRow]) -> list[tuple[str, int]]:
    counts = Counter(r.status for r in items)
    return [(status.label, counts[status.value]) for status in ItemStatus if counts[status.value]]


def _unit_records(units: dict[str, str], items: list[LedgerRow], facts: list[dict], first: date,
                  last: date) -> list[UnitRecord]:
    per_unit: dict[str, Counter] = defaultdict(Counter)
    for f in facts:
        per_unit[f["unit_id"]][f["fact"]] += int(f["amount"])
    for r in items:
        if r.lead_unit_id and r.opened_on and first <= r.opened_on <= last:
            per_unit[r.lead_unit_id]["assigned"] += 1
        if r.lead_unit_id and r.working_days_overdue > 0:
            per_unit[r.lead_unit_id]["overdue_open"] += 1
    return [UnitRecord(unit_id, name, per_unit[unit_id]["assigned"], per_unit[unit_id]["completed_on_time"],
                       per_unit[unit_id]["completed_late"], per_unit[unit_id]["overdue_open"])
            for unit_id, name in units.items()]


def _mentions(facts: list[dict], fact: str, units: dict[str, str], by_entry: dict[str, LedgerRow]) -> list[Mention]:
    found = []
    for f in facts:
        if f["fact"] != fact:
            continue
        row = by_entry.get(f["entry_id"])
        found.append(Mention(units.get(f["unit_id"], ""), row.number if row else "", row.title if row else "",
                             date.fromisoformat(f["on_date"])))
    return found


def _overdue_by_unit(items: list[LedgerRow], units: dict[str, str]) -> list[tuple[str, list[LedgerRow]]]:
    grouped: dict[str, list[LedgerRow]] = defaultdict(list)
    for r in items:
        if r.working_days_overdue > 0:
            grouped[r.lead_unit_id or ""].append(r)
    order = list(units)
    ranked = sorted(grouped.items(), key=lambda kv: (-len(kv[1]), order.index(kv[0]) if kv[0] in order else len(order)))
    return [(units.get(unit_id, "（未定）"), sorted(rows, key=lambda r: -r.working_days_overdue))
            for unit_id, rows in ranked]
