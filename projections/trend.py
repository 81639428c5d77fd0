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
  ``projections.ledger.STILL_DUE``) and past their deadline, i.e. the ledger of that day shows them with
  ``working_days_overdue > 0``.

Optionally only the entries whose lead unit (牵头单位, as the ledger of that day names it) is in
``units``: a vice head's portfolio (分管单位).  One query reads all the history it needs.
"""

from __future__ import annotations

import json
from calendar import monthrange
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from projections.ledger import past_deadline

SIGNED_OFF = "signed_off"  # ItemStatus.SIGNED_OFF (and a sub-task's or rectification task's 销号)


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


@dataclass(frozen=True)
class _Version:
    version: int
    on_date: str
    state: str  # JSON, parsed only when this version is the one a month reads


def state_as_of(versions: list[_Version], day: date) -> _Version | None:
    """The entry's state at the end of ``day``: its newest version recorded on or before it."""
    found = [v for v in versions if v.on_date <= day.isoformat()]
    return max(found, key=lambda v: v.version) if found else None


def is_overdue(state: dict[str, Any], day: date) -> bool:
    """Still due and past its deadline on ``day`` (the ledger's ``working_days_overdue > 0``)."""
    deadline = date.fromisoformat(state["deadline"]) if state["deadline"] else None
    return past_deadline(state["kind"], state["status"], deadline, day)


def _in_month(value: str | None, first: date, as_of: date) -> bool:
    return value is not None and first.isoformat() <= value <= as_of.isoformat()


def tally(states: Iterable[dict[str, Any]], first: date, as_of: date) -> MonthCounts:
    """The month's counts from the entries' states at the end of ``as_of``."""
    opened = signed_off = overdue = 0
    for state in states:
        opened += _in_month(state["opened_on"], first, as_of)
        signed_off += state["status"] == SIGNED_OFF and _in_month(state["closed_on"], first, as_of)
        overdue += is_overdue(state, as_of)
    return MonthCounts(first, as_of, opened, signed_off, overdue)


class TrendQueries:
    """Reads the ledger history; call ``ReadSide.catch_up()`` first for the latest events."""

    def __init__(self, read_models) -> None:
        self.read_models = read_models

    def monthly(self, district: str, day: date, *, months: int = 12, units: frozenset[UUID] | None = None,
                kinds: tuple[str, ...] = ("item",)) -> list[MonthCounts]:
        """The ``months`` months ending with ``day``'s month, oldest first.  ``units``: only the
        entries led by these units that day (None: the whole district; empty: nothing)."""
        spans = month_spans(day, months)
        history = self._history(district, kinds, spans[-1][1])
        leads = None if units is None else {u.hex for u in units}
        parsed: dict[tuple[str, int], dict[str, Any]] = {}

        def states(as_of: date) -> list[dict[str, Any]]:
            found = []
            for entry_id, versions in history.items():
                chosen = state_as_of(versions, as_of)
                if chosen is None:
                    continue
                key = (entry_id, chosen.version)
                if key not in parsed:
                    parsed[key] = json.loads(chosen.state)
                if leads is None or parsed[key]["lead_unit"] in leads:
                    found.append(parsed[key])
            return found

        return [tally(states(as_of), first, as_of) for first, as_of in spans]

    def _history(self, district: str, kinds: tuple[str, ...], last: date) -> dict[str, list[_Version]]:
        """Every recorded version, up to ``last``, of the district's entries of ``kinds`` (an
        entry's kind never changes, so the current ledger row names it)."""
        if not kinds:
            return {}
        with self.read_models.transaction(commit=False) as sql:
            rows = sql.execute(
                "SELECT h.entry_id, h.version, h.on_date, h.state FROM rm_ledger_history h"
                " JOIN rm_ledger l ON l.entry_id = h.entry_id"
                f" WHERE h.district = ? AND h.on_date <= ? AND l.kind IN ({', '.join('?' for _ in kinds)})",
                (district, last.isoformat(), *kinds)).rows()
        history: dict[str, list[_Version]] = defaultdict(list)
        for row in rows:
            history[row["entry_id"]].append(_Version(row["version"], row["on_date"], row["state"]))
        return history


__all__ = ["MonthCounts", "TrendQueries", "month_spans", "state_as_of", "is_overdue", "tally"]
