"""The read rules on deadlines, monthly reports and progress (``domain.due``), store-free: given
plain values, the answer.  The aggregates and the projectors both use these, so the item page, the
ledger, the trend and the daily watch agree on what "overdue" or "owed a report" means."""

from __future__ import annotations

from datetime import date

import pytest

from domain.due import (DONE_PERCENT, item_progress, month_after, month_end, month_key, months_owed, overdue_on,
                        past_deadline, roll_up, still_due, working_days_overdue)
from domain.item import ItemStatus
from domain.rectification import RectificationStatus


@pytest.mark.parametrize(("kind", "status", "due"), [
    ("item", "assigned", True), ("item", "in_progress", True), ("item", "cannot_implement_reported", True),
    ("item", "completion_reported", False), ("item", "signed_off", False), ("item", "terminated", False),
    ("item", "registered", False),
    ("subtask", "in_progress", True), ("subtask", "signed_off", False),
    ("rectification", "recorded", True), ("rectification", "rectifying", True),
    ("rectification", "reported", False), ("rectification", "verified", False),
    ("notice", "issued", True), ("notice", "closed", False),
])
def test_a_record_is_still_due_only_while_the_work_is_with_the_unit(kind, status, due):
    assert still_due(kind, status) is due


def test_the_aggregates_statuses_are_judged_as_their_stored_values():
    assert still_due("item", ItemStatus.IN_PROGRESS) and not still_due("item", ItemStatus.COMPLETION_REPORTED)
    assert still_due("rectification", RectificationStatus.RECTIFYING)
    assert not still_due("item", None)  # no status yet on that day (not registered)


def test_overdue_starts_the_day_after_the_deadline_and_only_while_still_due():
    deadline = date(2026, 3, 31)
    assert not overdue_on("item", "in_progress", deadline, date(2026, 3, 31))  # the deadline day itself
    assert overdue_on("item", "in_progress", deadline, date(2026, 4, 1))
    assert not overdue_on("item", "completion_reported", deadline, date(2026, 4, 1))  # waiting on the office
    assert not overdue_on("item", "in_progress", None, date(2026, 4, 1))  # no deadline (not yet assigned)


def test_overdue_reads_dates_and_their_iso_text_alike():
    assert past_deadline(1, "2026-03-31", "2026-04-01") and past_deadline(True, date(2026, 3, 31), date(2026, 4, 1))
    assert not past_deadline(0, "2026-03-31", "2026-04-30")


def test_months_are_keyed_by_year_and_month_and_end_on_their_last_day():
    assert month_key(date(2026, 3, 9)) == month_key("2026-03-31") == "2026-03"
    assert month_end("2026-02") == "2026-02-28" and month_end("2028-02") == "2028-02-29"
    assert month_after("2026-03") == date(2026, 4, 1) and month_after("2026-12") == date(2027, 1, 1)


def _status(changes: dict[date, str]):
    """A status history: the status at the end of a day is the last change on or before it."""
    def at(day: date) -> str | None:
        found = None
        for on in sorted(changes):
            if on <= day:
                found = changes[on]
        return found
    return at


def test_each_whole_month_with_the_unit_and_without_a_report_is_owed():
    in_progress = _status({date(2026, 1, 20): "assigned", date(2026, 1, 22): "in_progress"})
    # assigned in January: February, March and April are whole months before May
    assert months_owed(date(2026, 1, 20), date(2026, 5, 6), in_progress, reported=["2026-03"], recorded=[]) \
        == ["2026-02", "2026-04"]
    # a month already recorded as missed is not owed again; the running month never is
    assert months_owed(date(2026, 1, 20), date(2026, 5, 6), in_progress, ["2026-03"], ["2026-02"]) == ["2026-04"]
    assert months_owed(date(2026, 1, 20), date(2026, 2, 27), in_progress, [], []) == []


def test_a_month_ending_with_the_work_on_the_offices_desk_or_closed_is_not_owed():
    history = _status({date(2026, 1, 5): "in_progress", date(2026, 2, 26): "completion_reported",
                       date(2026, 3, 3): "in_progress", date(2026, 4, 10): "signed_off"})
    assert months_owed(date(2026, 1, 5), date(2026, 6, 1), history, [], []) == ["2026-03"]
    assert months_owed(None, date(2026, 6, 1), history, [], []) == []  # never assigned
    # across the year's end
    december = _status({date(2025, 11, 3): "in_progress"})
    assert months_owed(date(2025, 11, 3), date(2026, 2, 2), december, [], []) == ["2025-12", "2026-01"]


def test_progress_rolls_up_from_the_subtasks_and_is_done_once_signed_off():
    assert roll_up([40, 60, 75]) == 58 and roll_up([]) == 0
    assert item_progress("in_progress", [40, 60, 75], lead_percent=90) == 58  # split: the sub-tasks answer
    assert item_progress("in_progress", [], lead_percent=90) == 90
    assert item_progress("assigned", [], lead_percent=None) == 0
    assert item_progress("signed_off", [40], lead_percent=70) == DONE_PERCENT


def test_an_overdue_record_is_at_least_one_working_day_late_from_its_first_overdue_day():
    # deadline Friday 2026-03-20: Saturday and Sunday add no working day, Monday is the first
    assert working_days_overdue(True, 0) == 1  # Saturday: overdue, so one working day late already
    assert working_days_overdue(True, 1) == 1  # Monday
    assert working_days_overdue(True, 2) == 2  # Tuesday
    assert working_days_overdue(False, 3) == 0  # signed off, or waiting on the office: not late
