"""The monthly trend (月度趋势) of supervised items, on both stores: opened (新交办), signed off
(已销号) and overdue at each month's end (逾期), read from the ledger as it stood then.

The scenario (units A 区住建局 and B 晴川街 under V1, C 区城管局 under V2), worked out by hand:

| item | lead | opened | deadline | what happens | overdue at the end of |
| i1 | A | 01-12 | 01-30 | completed 02-05, signed off 02-05 | January (01-31 > 01-30) |
| i2 | C | 01-12 | 02-27 | nothing | February (02-28), March |
| i3 | B | 02-05 | 02-28 | nothing | not February (due that day); March (03-02) |
| i4 | A | 01-12 | 01-20 | completion reported 01-15, the office never checks | never (waits on the office) |
| i5 | — | 03-02 | 03-31 | registered, not yet assigned | never |

and a rectification task of A, recorded 01-12, due 01-20 (not an item: counted only when asked).
"""

from __future__ import annotations

from datetime import date

import pytest
from builders import DistrictBuilder

from domain.rectification import ProblemSource, Severity
from projections.ledger import LedgerQueries
from projections.read_side import ReadSide
from projections.trend import TrendQueries, month_spans

JAN12, JAN15, JAN20, JAN30 = date(2026, 1, 12), date(2026, 1, 15), date(2026, 1, 20), date(2026, 1, 30)
FEB05, FEB27, FEB28 = date(2026, 2, 5), date(2026, 2, 27), date(2026, 2, 28)
MAR02, MAR05, MAR31, APR30 = date(2026, 3, 2), date(2026, 3, 5), date(2026, 3, 31), date(2026, 4, 30)


def counts(months) -> list[tuple[str, int, int, int]]:
    return [(m.key, m.opened, m.signed_off, m.overdue) for m in months]


@pytest.fixture
def scenario(app, clock):
    clock.set(MAR02)
    world = (DistrictBuilder(app).units(A="区住建局", B="晴川街", C="区城管局")
             .leaders(V1="vice_head", V2="vice_head").place(A="V1", B="V1", C="V2").build())
    i1 = world.item(lead="A", sign=True, title="雨污分流改造", deadline=JAN30, on=JAN12)
    world.i2 = world.item(lead="C", sign=True, title="占道经营整治", deadline=FEB27, on=JAN12)
    i4 = world.item(lead="A", sign=True, title="背街小巷整治", deadline=JAN20, on=JAN12)
    app.report_completion(i4, "已完成", world.unit("A"), on=JAN15)
    app.record_rectification(unit=world.unit_ids["A"], source=ProblemSource.AUDIT, problem="专项资金拨付滞后",
                             severity=Severity.GENERAL, deadline=JAN20, actor=world.office, on=JAN12)
    world.item(lead="B", sign=True, title="老旧小区改造", deadline=FEB28, on=FEB05)
    app.report_completion(i1, "已完成", world.unit("A"), on=FEB05)
    app.sign_off_item(i1, world.office, on=FEB05)
    world.i5 = world.item(lead=None, title="待交办的事项", deadline=MAR31, on=MAR02)
    world.read_side = ReadSide(app.store)
    world.read_side.catch_up()
    world.trend = TrendQueries(world.read_side.read_models)
    return world


def test_months_are_counted_from_the_ledger_at_each_months_end(scenario):
    months = scenario.trend.monthly(scenario.district, MAR02, months=3)
    assert counts(months) == [("2026-01", 3, 0, 1), ("2026-02", 1, 1, 1), ("2026-03", 1, 0, 2)]
    assert [m.as_of for m in months] == [date(2026, 1, 31), FEB28, MAR02]  # the running month: today
    assert [m.label for m in months] == ["1月", "2月", "3月"]


def test_twelve_months_by_default_the_older_ones_empty(scenario):
    months = scenario.trend.monthly(scenario.district, MAR02)
    assert [m.key for m in months] == [f"2025-{n:02d}" for n in range(4, 13)] + ["2026-01", "2026-02", "2026-03"]
    assert all((m.opened, m.signed_off, m.overdue) == (0, 0, 0) for m in months[:9])
    assert counts(months[9:]) == [("2026-01", 3, 0, 1), ("2026-02", 1, 1, 1), ("2026-03", 1, 0, 2)]


def test_overdue_matches_what_the_ledger_of_that_day_shows(scenario, app):
    ledger = LedgerQueries(scenario.read_side.read_models, app.calendar())
    for month in scenario.trend.monthly(scenario.district, MAR02, months=3):
        overdue = ledger.rows(scenario.district, month.as_of, as_of=month.as_of, kinds=("item",), overdue_only=True)
        assert month.overdue == len(overdue), month.key


def test_a_portfolio_counts_only_the_items_its_units_lead(scenario):
    ids, d = scenario.unit_ids, scenario.district
    v1 = scenario.trend.monthly(d, MAR02, months=3, units=frozenset({ids["A"], ids["B"]}))
    assert counts(v1) == [("2026-01", 2, 0, 1), ("2026-02", 1, 1, 0), ("2026-03", 0, 0, 1)]
    v2 = scenario.trend.monthly(d, MAR02, months=3, units=frozenset({ids["C"]}))
    assert counts(v2) == [("2026-01", 1, 0, 0), ("2026-02", 0, 0, 1), ("2026-03", 0, 0, 1)]
    nobody = scenario.trend.monthly(d, MAR02, months=3, units=frozenset())
    assert counts(nobody) == [("2026-01", 0, 0, 0), ("2026-02", 0, 0, 0), ("2026-03", 0, 0, 0)]


def test_rectification_tasks_are_counted_only_when_asked_for(scenario):
    tasks = scenario.trend.monthly(scenario.district, MAR02, months=3, kinds=("rectification",))
    assert counts(tasks) == [("2026-01", 1, 0, 1), ("2026-02", 0, 0, 1), ("2026-03", 0, 0, 1)]


def test_past_months_do_not_change_when_later_events_are_recorded(scenario, app, clock):
    d, world = scenario.district, scenario
    before = scenario.trend.monthly(d, MAR02, months=3)
    clock.set(MAR05)
    app.report_completion(world.i2, "已完成", world.unit("C"), on=MAR05)
    app.sign_off_item(world.i2, world.office, on=MAR05)
    world.item(lead="A", sign=True, title="三月新交办的事项", deadline=APR30, on=MAR05)
    app.assign_item(world.i5, world.unit_ids["B"], [], world.office, on=MAR05)
    world.read_side.catch_up()
    assert scenario.trend.monthly(d, MAR02, months=3) == before  # the same day asked again: the same answer
    later = scenario.trend.monthly(d, MAR31, months=3)
    assert later[:2] == before[:2]  # January and February as they were
    # March to its end: i5 and the new item opened, i2 signed off, i3 still overdue
    assert counts(later)[2] == ("2026-03", 2, 1, 1)
    # i5, assigned to B in March, now counts for V1 in March only (it was nobody's in February)
    v1 = scenario.trend.monthly(d, MAR31, months=3, units=frozenset({world.unit_ids["A"], world.unit_ids["B"]}))
    assert counts(v1) == [("2026-01", 2, 0, 1), ("2026-02", 1, 1, 0), ("2026-03", 2, 0, 1)]


def test_month_spans_cross_the_year_and_end_today():
    spans = month_spans(date(2026, 3, 2), 12)
    assert spans[0] == (date(2025, 4, 1), date(2025, 4, 30))
    assert (date(2025, 12, 1), date(2025, 12, 31)) in spans and (date(2026, 2, 1), FEB28) in spans
    assert spans[-1] == (date(2026, 3, 1), date(2026, 3, 2)) and len(spans) == 12
    assert month_spans(date(2024, 2, 29), 1) == [(date(2024, 2, 1), date(2024, 2, 29))]
    with pytest.raises(ValueError):
        month_spans(MAR02, 0)
