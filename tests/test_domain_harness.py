"""The given–when–then harness fails when it should: a wrong event, a wrong field, a refusal by
another rule, a command that was expected to be refused and was not."""

from __future__ import annotations

from datetime import date

import pytest

from domain.actor import Actor, Role
from domain.errors import NotAllowed
from domain.item import SupervisedItem
from domain.sources import SourceKind
from domain_harness import creating, event, given, history, when

DAY = date(2026, 3, 2)
OFFICE = Actor(user="duchashi", role=Role.OFFICE, district="420105")


def registered() -> SupervisedItem:
    return SupervisedItem.register(
        year=2026, number=1, source=SourceKind.EXECUTIVE_MEETING, reference="第1次常务会议", decision_date=DAY,
        title="推进老旧小区改造", description="", deadline=date(2026, 3, 31), deadline_basis="explicit",
        deadline_estimated=False, on=DAY, actor=OFFICE)


def urge(note="请加快"):
    return lambda item: item.urge(note, DAY, OFFICE)


def test_then_checks_names_fields_and_count_and_leaves_the_past_alone():
    item = given(registered(), lambda i: i.assign(i.id, [], DAY, OFFICE))
    version = item.version
    after = when(item, urge()).then("Urged", note="请加快")
    assert after.urges == 1 and item.urges == 0 and item.version == version  # when() ran on a copy
    with pytest.raises(AssertionError, match="expected Criticised, got Urged"):
        when(item, urge()).then("Criticised")
    with pytest.raises(AssertionError, match="expected"):
        when(item, urge()).then(event("Urged", note="别的"))
    with pytest.raises(AssertionError, match="expected events"):
        when(item, urge()).then("Urged", "Urged")
    with pytest.raises(AssertionError, match="expected a refusal"):
        when(item, urge()).refused("item.not_assigned")


def test_refused_checks_the_rule_the_error_and_the_field():
    item = given(registered())
    outcome = when(item, urge())  # not assigned yet
    error = outcome.refused("item.not_assigned")
    assert error.message
    with pytest.raises(AssertionError, match="expected rule"):
        outcome.refused("item.closed")
    with pytest.raises(AssertionError, match="expected NotAllowed"):
        outcome.refused("item.not_assigned", NotAllowed)
    with pytest.raises(AssertionError, match="the command was refused"):
        outcome.then("Urged")


def test_given_events_replays_the_same_aggregate():
    built = registered()
    built.assign(built.id, [], DAY, OFFICE)
    events = history(built)
    assert [type(e).__name__ for e in events] == ["Registered", "Assigned"]
    replayed = given(events=events)
    assert (replayed.id, replayed.version, replayed.lead_unit) == (built.id, 2, built.id)


def test_creating_gives_the_first_events_or_the_refusal_and_nothing_created():
    from domain.organisation import Unit, UnitKind

    created = creating(registered).then("Registered")
    assert (created.number_label, created.version) == ("督〔2026〕1号", 1)
    with pytest.raises(AssertionError, match="expected a refusal"):
        creating(registered).refused("item.title_required")
    refusal = creating(lambda: Unit.register("U01", " ", UnitKind.SUBDISTRICT, DAY, OFFICE))
    assert refusal.aggregate is None and refusal.events == []
    refusal.refused("unit.name_required", field="name")
