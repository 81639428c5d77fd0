"""What the ledger's states mean, for the projectors and the queries (the rules: ``domain.due``).

* still due (仍在办理时限内) — open and waiting on the unit, not on the office: the deadline runs;
* overdue on a day (逾期) — still due and the deadline passed before that day (in SQL:
  ``still_due = 1 AND deadline < day``);
* what a state counts for at the end of a month (月末) — opened in the month, signed off in the
  month, overdue at the month's end, and overdue with a missed deadline recorded in the state.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Iterator

# the rules themselves live in the domain, once, for the aggregates and the projectors alike
from domain.due import SIGNED_OFF, STILL_DUE, month_end, month_key, past_deadline, still_due


# -- month ends -------------------------------------------------------------------------------------
def month_ends_between(first: str, stop: str) -> Iterator[str]:
    """The month-end days D (ISO text) with ``first`` <= D < ``stop``."""
    if stop <= first:
        return
    day = date.fromisoformat(month_end(first[:7]))
    while True:
        text = day.isoformat()
        if text >= stop:
            return
        yield text
        day = date.fromisoformat(month_end(month_key(day + timedelta(days=1))))


def month_end_counts(state: dict[str, Any], end: str) -> tuple[int, int, int, int]:
    """What one ledger state counts for at the month's end ``end`` (ISO text), if it is the state
    of that day: (opened in the month, signed off in the month, overdue, overdue with a missed
    deadline recorded)."""
    month = end[:7]
    opened = int(state["opened_on"][:7] == month)
    signed_off = int(state["status"] == SIGNED_OFF and (state["closed_on"] or "")[:7] == month)
    overdue = int(past_deadline(state["still_due"], state["deadline"], end))
    return opened, signed_off, overdue, int(overdue and state["deadlines_missed"] > 0)


__all__ = ["STILL_DUE", "SIGNED_OFF", "still_due", "month_key", "month_end",
           "month_ends_between", "month_end_counts"]
