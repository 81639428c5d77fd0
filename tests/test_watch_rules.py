"""The daily watch's record (每日巡查记录), given–when–then on the aggregate (``domain_harness``: no store, no
service): only the system records a watched day, each business day of the record's year once and in
order, so a restarted worker never watches a day twice.

What the worker and the service add — which days are caught up at start, the facts found, one record
per district and year, two workers — stays in tests/test_watcher.py and tests/test_worker.py.
"""

from __future__ import annotations

from datetime import date

import pytest

from domain.actor import Actor, Role, system_actor
from domain.errors import NotAllowed, RuleViolation
from domain.watch import DailyWatch
from domain_harness import creating, event, given, when

D = "420105"
SYSTEM = system_actor(D)
MAR2, MAR3 = date(2026, 3, 2), date(2026, 3, 3)


def watched(day: date, recorded: int = 0, actor: Actor = SYSTEM):
    return lambda watch: watch.record_day(day, recorded, actor)


def started() -> DailyWatch:
    """The watch record of 420105 for 2026, started on 1 January."""
    return given(DailyWatch.start(D, 2026, date(2026, 1, 1)))


def test_a_record_is_started_per_district_and_year():
    watch = creating(lambda: DailyWatch.start(D, 2026, date(2026, 1, 1))).then(event("Started", district=D, year=2026))
    assert (watch.id, watch.last_day, watch.days) == (DailyWatch.id_for(D, 2026), None, 0)
    assert DailyWatch.id_for(D, 2026) not in (DailyWatch.id_for(D, 2027), DailyWatch.id_for("420106", 2026))


def test_each_day_is_watched_once_and_in_order():
    watch = when(started(), watched(MAR2, 3)).then(event("DayWatched", day=MAR2, recorded=3, on=MAR2))
    assert (watch.last_day, watch.days) == (MAR2, 1)
    when(watch, watched(MAR2)).refused("watch.day_done", RuleViolation)
    when(watch, watched(date(2026, 2, 27))).refused("watch.day_done", RuleViolation)  # an earlier day too
    after = when(watch, watched(MAR3)).then("DayWatched", day=MAR3, recorded=0)
    assert (after.last_day, after.days) == (MAR3, 2)


def test_a_day_of_another_year_is_not_in_this_record():
    when(started(), watched(date(2027, 1, 4))).refused("watch.other_year", RuleViolation)
    when(started(), watched(date(2025, 12, 31))).refused("watch.other_year", RuleViolation)


@pytest.mark.parametrize("role", [Role.OFFICE, Role.ADMIN])
def test_only_the_system_records_a_watched_day(role):
    when(started(), watched(MAR2, actor=Actor("someone", role, D))).refused("role.not_allowed", NotAllowed)
