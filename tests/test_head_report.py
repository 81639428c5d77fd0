"""The report to the district head (督查工作情况报告): a week of the demo district, its figures
checked against the items as they stood at the end of that Friday (each item's events replayed up
to that day, not the read side), and the half-year summary with its trend."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from domain.item import ItemStatus, SupervisedItem
from projections.head_report import ReportPeriod
from projections.queries import ReadQueries
from checks import stored_items

FRIDAY = date(2026, 9, 18)  # a Friday of the demo year, long before its "today" (2026-11-24)


def test_a_week_is_monday_to_friday_and_counts_the_weekend_before():
    week = ReportPeriod.parse("2026-w38")
    assert (week.label, week.kind, week.last, week.monday) == ("2026-W38", "week", FRIDAY, date(2026, 9, 14))
    assert week.first == date(2026, 9, 12)  # the Saturday before: no day is counted twice or missed
    assert ReportPeriod.week_of(date(2026, 9, 19)).label == "2026-W39"  # a Saturday leads into the next week
    assert ReportPeriod.parse("2026-W37").last + timedelta(days=1) == week.first
    assert week.words == "2026年第38周（9月14日至9月18日）"
    assert ReportPeriod.parse("2026-H1").last == date(2026, 6, 30)


def _as_of(app, item: SupervisedItem, day: date) -> SupervisedItem | None:
    """The item as it stood at the end of ``day``: its events recorded for that day or before."""
    events = list(app.store.events.get(item.id))
    upto = [e for e in events if getattr(e, "on", date.min) <= day]
    if not upto:
        return None
    return app.store.repository.get(item.id, version=upto[-1].originator_version)


@pytest.mark.slow
def test_a_week_of_the_demo_gives_the_figures_of_the_ledger_as_of_that_friday(demo_read, seed):
    app, read_side = demo_read.app, demo_read.read_side
    report = ReadQueries(read_side.read_models).head_reports.report(seed.code, "汉阳区", "2026-W38", date(2026, 11, 24))
    assert report.as_of == FRIDAY
    week = report.period
    then = [i for i in (_as_of(app, item, FRIDAY) for item in stored_items(app, seed.code)) if i is not None]
    opened = {i.number_label for i in then if week.first <= i.registered_on <= FRIDAY}
    signed = {i.number_label for i in then
              if i.status is ItemStatus.SIGNED_OFF and week.first <= i.closed_on <= FRIDAY}
    overdue = {i.number_label for i in then if i.overdue_on(FRIDAY)}
    extensions = {i.number_label for i in then if i.pending_extension and not i.status.is_closed}
    assert opened or signed, "the week chosen should have work in it"
    assert report.opened == len(opened) and {r.number for r in report.new_items} == opened
    assert report.signed_off == len(signed) and {r.number for r in report.signed_off_items} == signed
    assert {r.number for _, rows in report.overdue for r in rows} == overdue
    assert {w.number for w in report.waiting if w.what == "延期申请"} == extensions
    # every overdue item is named under its unit, with the working days it is overdue
    units = {u.id.hex: u.name for u in app.units(seed.code)}
    for unit, rows in report.overdue:
        assert all(r.working_days_overdue > 0 for r in rows)
        if units is not None:
            assert all(units.get(r.lead_unit_id) == unit for r in rows)
    flagged = {f.name for f in report.flagged}
    assert {unit for unit, _ in report.overdue} <= flagged
    # a past week comes out the same whatever the day it is asked on
    again = ReadQueries(read_side.read_models).head_reports.report(seed.code, "汉阳区", "2026-W38", date(2026, 10, 1))
    assert (again.opened, again.signed_off, again.overdue_total) == (report.opened, report.signed_off,
                                                                    report.overdue_total)


@pytest.mark.slow
def test_the_half_year_summary_has_the_figures_of_the_half_and_its_trend(demo_read, seed):
    read_side = demo_read.read_side
    queries = ReadQueries(read_side.read_models)
    half = queries.head_reports.report(seed.code, "汉阳区", "2026-H1", date(2026, 11, 24))
    assert half.as_of == date(2026, 6, 30) and half.new_items == []  # a half year counts, it does not list
    assert [m.key for m in half.trend] == [f"2026-{m:02d}" for m in range(1, 7)]
    assert sum(m.opened for m in half.trend) == half.opened
    assert half.trend[-1].overdue == half.overdue_total
    assert sum(m.signed_off for m in half.trend) >= half.signed_off
