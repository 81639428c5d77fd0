"""Automatic urging (自动催办): off by default; when the office turns it on, the watcher records
the urges the escalation rules call for — at most one a working day — and nothing else."""

from __future__ import annotations

from datetime import date

import pytest
from builders import DistrictBuilder

from domain.errors import InvalidInput, NotAllowed, RuleViolation

pytestmark = pytest.mark.stores("sqlite", "postgres")  # the watch reads its candidates from the read side


@pytest.fixture
def late(app, clock):
    clock.set(date(2026, 3, 2))
    world = DistrictBuilder(app).units(A="区住建局").build()
    item = world.item(lead="A", sign=True, deadline=date(2026, 3, 20))
    on_time = world.item(lead="A", sign=True, deadline=date(2026, 4, 30))
    return world, item, on_time


def test_off_by_default_and_switched_only_by_the_office(app, clock, late):
    world, item, _ = late
    clock.set(date(2026, 3, 23))
    assert app.tick().automatic_urges == 0
    with pytest.raises(NotAllowed):
        app.switch_auto_urging(True, world.unit("A"))
    with pytest.raises(InvalidInput):
        app.switch_auto_urging(True, world.office, rules="1999-v0")
    app.switch_auto_urging(True, world.office)
    with pytest.raises(RuleViolation):
        app.switch_auto_urging(True, world.office)


def test_urges_once_a_working_day_until_the_rules_want_a_notice(app, clock, late):
    world, item, on_time = late
    app.switch_auto_urging(True, world.office)
    clock.set(date(2026, 3, 23))  # Monday, one working day late
    first = app.tick()
    assert first.automatic_urges == 1 and app.tick().automatic_urges == 0  # once per day however often
    urged = app.item(item, world.office)
    assert (urged.urges, urged.last_urged_on) == (1, date(2026, 3, 23))
    assert app.item(on_time, world.office).urges == 0
    clock.set(date(2026, 3, 24))
    assert app.tick().automatic_urges == 1
    clock.set(date(2026, 3, 25))  # urged twice: the next step is a notice, which the office decides
    assert app.tick().automatic_urges == 0
    assert app.item(item, world.office).urges == 2
    note = [e for e in app.store.events.get(item) if type(e).__name__ == "Urged"][0]
    assert "urge.overdue" in note.note and note.actor["role"] == "system"


def test_switched_off_it_stops(app, clock, late):
    world, item, _ = late
    app.switch_auto_urging(True, world.office)
    app.switch_auto_urging(False, world.office)
    clock.set(date(2026, 3, 23))
    assert app.tick().automatic_urges == 0


def test_a_rest_day_after_the_deadline_counts_one_working_day_late_but_urges_wait_for_a_working_day(app, clock, late):
    world, item, _ = late  # deadline Friday 2026-03-20
    app.switch_auto_urging(True, world.office)
    clock.set(date(2026, 3, 21))  # Saturday: the missed deadline is recorded, nobody is urged
    saturday = app.tick()
    assert (saturday.deadlines_missed, saturday.automatic_urges) == (1, 0)
    clock.set(date(2026, 3, 22))
    assert app.tick().automatic_urges == 0
    clock.set(date(2026, 3, 23))  # Monday: one working day late, as the ledger has said since Saturday
    assert app.tick().automatic_urges == 1
    assert app.item(item, world.office).last_urged_on == date(2026, 3, 23)
