"""A leader's view (领导视图) for a date: the units in their portfolio that day, those units'
items open that day (as they stood at its end: status, deadline, warning colour) and the overdue
ones among them, and their ranking positions.  The district head sees every unit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from projections.ledger import IN_CHARGE, LedgerQueries, LedgerRow
from projections.ranking import RankingQueries, UnitScore


@dataclass(frozen=True)
class LeaderView:
    leader_id: str
    label: str
    day: date
    units: list[str]  # unit names, in code order
    open_items: list[LedgerRow]
    overdue_items: list[LedgerRow]
    rankings: list[UnitScore]  # the district ranking, restricted to these units (district ranks kept)


class LeaderViews:
    def __init__(self, ledger: LedgerQueries, rankings: RankingQueries, read_models) -> None:
        self.ledger = ledger
        self.rankings = rankings
        self.read_models = read_models

    def view(self, district: str, leader_id: str, day: date, *, period: str, scheme: str) -> LeaderView:
        with self.read_models.reading() as sql:
            leader = sql.execute("SELECT label, title FROM rm_leaders WHERE leader_id = ? AND district = ?",
                                 (leader_id, district)).row()
            if leader is None:
                raise LookupError(leader_id)
            head = leader["title"] == "district_head"
            mine = sql.execute(
                "SELECT u.unit_id, u.name FROM rm_units u" + ("" if head else f" JOIN ({IN_CHARGE}) pc ON pc.unit_id = u.unit_id")
                + " WHERE u.district = ?" + ("" if head else " AND pc.leader_id = ?") + " ORDER BY u.code",
                (district,) if head else (district, day.isoformat(), day.isoformat(), district, leader_id)).rows()
        ids = [u["unit_id"] for u in mine]
        # the items as they stood at the end of ``day`` (state, deadline, colour), like the units and ranking
        items = self.ledger.rows(district, day, as_of=day, open_only=True, kinds=("item",), lead_units=ids)
        ranking = [s for s in self.rankings.ranking(district, period, scheme, as_of=day) if s.unit_id in set(ids)]
        return LeaderView(leader_id, leader["label"], day, [u["name"] for u in mine], items,
                          [r for r in items if r.working_days_overdue > 0], ranking)
