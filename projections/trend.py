"""The monthly trend (月度趋势) of supervised items: opened, signed off and overdue per month.

Every month is read from the ledger as it stood at the end of that month (``rm_ledger_history``,
the same "as of" rule as ``LedgerQueries.rows(as_of=...)``): the running month as of today.  A
past month's numbers therefore never change when later events are recorded.

Per month, counting the entries of the chosen kinds (default: 督办事项 only):

* ``opened`` (新交办) — entries whose ``opened_on`` falls in the month;
* ``signed_off`` (已销号) — entries that at the month's end are signed off (``signed_off``,
  办结销号) with ``closed_on`` in the month; one signed off and reopened within the month is not
  counted;
* ``overdue`` (逾期) — entries that at the month's end are still due (办理中, 待签收 …, see
  ``projections.rules.STILL_DUE``) and past their deadline, i.e. the ledger of that day shows them with
  ``working_days_overdue > 0``.

Optionally only the entries whose lead unit (牵头单位, as the ledger of that day names it) is in
``units``: a vice head's portfolio (分管单位).  Past months' ends read what replaced states counted
(``rm_month_end``) plus the current states, so the cost does not grow with the history.
"""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from projections.at_day import counts_at


@dataclass(frozen=True)
class MonthCounts:
    """One month of the trend: its first day, the day its ledger was read and the three counts."""

    month: date  # the first day of the month
    as_of: date  # the month's last day, or today for the running month
    opened: int
    signed_off: int
    overdue: int

    @property
    def key(self) -> str:
        """2026-03."""
        return f"{self.month.year:04d}-{self.month.month:02d}"

    @property
    def label(self) -> str:
        """3月."""
        return f"{self.month.month}月"


def month_spans(day: date, count: int = 12) -> list[tuple[date, date]]:
    """The ``count`` months ending with ``day``'s month, oldest first, each as (first day, the
    day its ledger is read: the month's last day, or ``day`` itself for ``day``'s month)."""
    if count < 1:
        raise ValueError("count must be at least 1")
    spans = []
    year, month = day.year, day.month
    for _ in range(count):
        last = date(year, month, monthrange(year, month)[1])
        spans.append((date(year, month, 1), min(last, day)))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return spans[::-1]


class TrendQueries:
    """Reads what the ledger counted at each month's end (``projections.at_day``)."""

    def __init__(self, read_models) -> None:
        self.read_models = read_models

    def monthly(self, district: str, day: date, *, months: int = 12, units: frozenset[UUID] | None = None,
                kinds: tuple[str, ...] = ("item",)) -> list[MonthCounts]:
        """The ``months`` months ending with ``day``'s month, oldest first.  ``units``: only the
        entries led by these units that day (None: the whole district; empty: nothing)."""
        spans = month_spans(day, months)
        with self.read_models.reading() as sql:
            found = counts_at(sql, district, [as_of.isoformat() for _, as_of in spans], kinds)
        leads = None if units is None else {u.hex for u in units}
        result = []
        for first, as_of in spans:
            totals = [0, 0, 0]
            for unit, counts in found[as_of.isoformat()].items():
                if leads is None or unit in leads:
                    for i in range(3):
                        totals[i] += counts[i]
            result.append(MonthCounts(first, as_of, *totals))
        return result


__all__ = ["MonthCounts", "TrendQueries", "month_spans"]
