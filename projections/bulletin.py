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
from projections.behaviour import BehaviourQueries, UnitBehaviour
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
    behaviour: list[UnitBehaviour] = field(default_factory=list)  # 办理行为: the period's figures per unit

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
        ledger, items = self.ledger, {"as_of": as_of, "kinds": ("item",)}
        statuses = Counter({status: n for (_, status), n in ledger.status_counts(district, as_of, **items).items()})
        overdue = ledger.rows(district, as_of, overdue_only=True, sort="overdue", **items)
        assigned = ledger.count_by_lead_unit(district, as_of, opened_from=period.first, opened_to=as_of, **items)
        with self.read_models.reading() as sql:
            units = {u["unit_id"]: u["name"] for u in units_in_service(sql, district, period.first)}
            window = (district, period.first.isoformat(), as_of.isoformat())
            marks = ", ".join("?" for _ in COUNTED_FACTS)
            per_unit = sql.execute(
                "SELECT unit_id, fact, SUM(amount) AS amount FROM rm_unit_facts WHERE district = ? AND on_date >= ?"
                f" AND on_date <= ? AND fact IN ({marks}) GROUP BY unit_id, fact", (*window, *COUNTED_FACTS)).rows()
            mentioned = sql.execute(
                "SELECT f.fact, f.unit_id, f.on_date, l.number, l.title FROM rm_unit_facts f"
                " LEFT JOIN rm_ledger l ON l.entry_id = f.entry_id WHERE f.district = ? AND f.on_date >= ?"
                " AND f.on_date <= ? AND f.fact IN ('commended', 'criticised') ORDER BY f.on_date, f.notification_id",
                window).rows()
        counts = Counter()
        facts_of: dict[str, Counter] = defaultdict(Counter)
        for r in per_unit:
            counts[r["fact"]] += int(r["amount"])
            facts_of[r["unit_id"]][r["fact"]] += int(r["amount"])
        overdue_of = Counter(r.lead_unit_id for r in overdue if r.lead_unit_id)
        return BulletinFacts(
            district=district, district_name=district_name, period=period, as_of=as_of, scheme=scheme,
            status_counts=[(s.label, statuses[s.value]) for s in ItemStatus if statuses[s.value]],
            total_items=sum(statuses.values()),
            opened=sum(assigned.values()),
            signed_off=ledger.count(district, as_of, status=ItemStatus.SIGNED_OFF.value, closed_from=period.first,
                                    closed_to=as_of, **items),
            counts=counts,
            units=[UnitRecord(u, name, assigned[u], facts_of[u]["completed_on_time"], facts_of[u]["completed_late"],
                              overdue_of[u]) for u, name in units.items()],
            ranking=self.rankings.ranking(district, period, scheme, as_of=as_of),
            commended=_mentions(mentioned, "commended", units),
            criticised=_mentions(mentioned, "criticised", units),
            overdue_by_unit=_overdue_by_unit(overdue, units),
            behaviour=BehaviourQueries(self.read_models).units(district, Period(period.label, period.first, as_of)),
        )


def _mentions(found: list[dict], fact: str, units: dict[str, str]) -> list[Mention]:
    return [Mention(units.get(f["unit_id"], ""), f["number"] or "", f["title"] or "", date.fromisoformat(f["on_date"]))
            for f in found if f["fact"] == fact]


def _overdue_by_unit(items: list[LedgerRow], units: dict[str, str]) -> list[tuple[str, list[LedgerRow]]]:
    """Overdue items grouped by lead unit: most first, then in the district's order; each group by
    working days overdue (``items`` come sorted so)."""
    grouped: dict[str, list[LedgerRow]] = defaultdict(list)
    for r in items:
        grouped[r.lead_unit_id or ""].append(r)
    order = list(units)
    ranked = sorted(grouped.items(), key=lambda kv: (-len(kv[1]), order.index(kv[0]) if kv[0] in order else len(order)))
    return [(units.get(unit_id, "（未定）"), rows) for unit_id, rows in ranked]
