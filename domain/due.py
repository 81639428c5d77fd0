"""The read rules on deadlines, monthly reports and progress (办理时限、按月报送、完成进度), said once
on plain values for the aggregates and the projectors alike.

* still due (仍在办理时限内) — open and waiting on the unit, not on the office: the deadline runs;
* overdue on a day (逾期) — still due and the deadline passed before that day (the read models'
  SQL says the same: ``still_due = 1 AND deadline < day``);
* working days overdue (逾期工作日) — the working days after the deadline up to and including the
  day, and at least one from the first overdue day on, rest day or not: a record overdue is never
  "0 working days" late (the ledger's SQL says the same with the working-day ordinals);
* a month owed a monthly report (按月专报) — a whole month after the one of assignment at whose end
  the item was with the lead unit (待签收 or 办理中), in which the lead unit reported nothing;
  its miss happened on the first day of the next month;
* the progress roll-up (完成进度) — the lead unit's latest percent; an item split into sub-tasks
  rolls up from them (their average, rounded); a signed-off item is done (``DONE_PERCENT``).

Statuses are their stored values (``ItemStatus.IN_PROGRESS.value`` is ``"in_progress"``); days are
dates or their ISO text (both order the same way).
"""

from __future__ import annotations

from calendar import monthrange
from datetime import date, timedelta
from typing import Callable, Iterable

STILL_DUE = {
    "item": frozenset({"assigned", "in_progress", "cannot_implement_reported"}),
    "subtask": frozenset({"in_progress"}),
    "rectification": frozenset({"recorded", "rectifying"}),
    "notice": frozenset({"issued", "acknowledged"}),
}
OWES_MONTHLY_REPORT = frozenset({"assigned", "in_progress"})  # with the lead unit at the month's end
SIGNED_OFF = "signed_off"  # 办结销号 (items), 销号 (rectification tasks), a finished sub-task
DONE_PERCENT = 100  # the progress of a signed-off item: it is done


# -- still due, overdue ---------------------------------------------------------------------------------
def still_due(kind: str, status: str) -> bool:
    """Whether a ``kind`` record (item, subtask, rectification, notice) in ``status`` is with the unit."""
    return status in STILL_DUE[kind]


def past_deadline(due: bool, deadline: date | str | None, day: date | str) -> bool:
    """Overdue on ``day``: still due (``due``) and the deadline passed before that day."""
    return bool(due) and deadline is not None and deadline < day


def overdue_on(kind: str, status: str, deadline: date | str | None, day: date | str) -> bool:
    """Whether a ``kind`` record in ``status`` with ``deadline`` is overdue (逾期) on ``day``."""
    return past_deadline(still_due(kind, status), deadline, day)


def working_days_overdue(overdue: bool, working_days_since_deadline: int) -> int:
    """How many working days an ``overdue`` record is late, given the working days counted after its
    deadline up to the day (``WorkingDayCalendar.working_days_between(deadline, day)``, or the
    difference of the two days' working-day ordinals): at least 1 once overdue — a deadline on a
    Friday makes the record one working day late on the Saturday, and still one on the Monday — and
    0 while it is not overdue.  The escalation ladder, the ledger and the pages all count so."""
    return max(working_days_since_deadline, 1) if overdue else 0


# -- months ---------------------------------------------------------------------------------------------
def month_key(day: date | str) -> str:
    """2026-03 for any day of March 2026 (a date or its ISO text)."""
    return (day.isoformat() if isinstance(day, date) else day)[:7]


def month_end(key: str) -> str:
    """The last day of month ``2026-03``, as ISO text."""
    year, month = int(key[:4]), int(key[5:7])
    return f"{key}-{monthrange(year, month)[1]:02d}"


def month_after(key: str) -> date:
    """The first day of the month after ``2026-03`` (2026-04-01)."""
    return date.fromisoformat(month_end(key)) + timedelta(days=1)


def months_owed(assigned_on: date | None, today: date, status_at: Callable[[date], str],
                reported: Iterable[str], recorded: Iterable[str]) -> list[str]:
    """The months (``2026-03``) owed a monthly report and not yet recorded as missed: each whole month
    after the month of ``assigned_on`` and before ``today``'s, whose last day ended with the status
    ``status_at(that day)`` in ``OWES_MONTHLY_REPORT``, with no report of the lead unit in it
    (``reported``: the months it reported in) and not in ``recorded``."""
    if assigned_on is None:
        return []
    done, skip, owed = set(reported), set(recorded), []
    key, now = month_key(assigned_on), month_key(today)
    while True:
        key = month_key(month_after(key))
        if key >= now:
            return owed
        if status_at(date.fromisoformat(month_end(key))) in OWES_MONTHLY_REPORT and key not in done | skip:
            owed.append(key)


# -- progress -------------------------------------------------------------------------------------------
def roll_up(percents: Iterable[int]) -> int:
    """The progress of a whole split into parts: their average, rounded (0 for no parts)."""
    found = list(percents)
    return round(sum(found) / len(found)) if found else 0


def item_progress(status: str, subtask_percents: Iterable[int], lead_percent: int | None) -> int:
    """An item's progress: done once signed off; else rolled up from its sub-tasks, if split; else
    the lead unit's latest percent (0 before any report)."""
    if status == SIGNED_OFF:
        return DONE_PERCENT
    parts = list(subtask_percents)
    if parts:
        return roll_up(parts)
    return lead_percent or 0


__all__ = ["STILL_DUE", "OWES_MONTHLY_REPORT", "SIGNED_OFF", "DONE_PERCENT", "still_due", "past_deadline", "working_days_overdue",
           "overdue_on", "month_key", "month_end", "month_after", "months_owed", "roll_up", "item_progress"]
