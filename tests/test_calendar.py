"""Loading the national holiday schedule through the service: read back by a fresh service, deadlines no
longer estimated, a year loaded again, who may load it.  The calendar's own rules and the schedule
file's format: tests/test_calendar_rules.py."""
from __future__ import annotations

from datetime import date

import pytest
from eventsourcing.application import AggregateNotFoundError
from test_calendar_rules import OPERATOR, SCHEDULE_2027

from domain.actor import Actor, Role
from domain.calendar import YearSchedule, parse_schedule
from domain.errors import NotAllowed
from domain.organisation import NumberRegister, UnitKind
from domain.schedule import HolidaySchedule
from domain.sources import SourceKind
from duban.application import Duban

pytestmark = pytest.mark.stores("memory")  # rules through the service: the in-memory store (tests/conftest.py)

# The package's data, the Mon–Fri fallback, the schedule file's format and the schedule record's own
# rules: tests/test_calendar_rules.py, without a store.  Here: loading a schedule through the service.


# ---- loading a schedule ----------------------------------------------------------------------------------
CALENDAR_REGISTER = NumberRegister.id_for(HolidaySchedule.DEPLOYMENT, "calendar", None)


@pytest.fixture
def district(app, admin, office):
    app.open_district("420105", "汉阳区", admin, on=date(2026, 1, 5))
    return app


@pytest.mark.stores("sqlite", "postgres")  # needs a real store: a fresh service reads it back
def test_a_loaded_schedule_persists_and_deadlines_stop_being_estimated(district, store_env, clock, office):
    app = district
    clock.set(date(2027, 2, 5))
    before = app.register_item(source=SourceKind.LEADER_INSTRUCTION, reference="批示1", decision_date=date(2027, 2, 5),
                               title="春节保供", working_days=1, actor=office)
    assert (before.deadline, before.deadline_estimated) == (date(2027, 2, 8), True)

    loaded = app.load_calendar(parse_schedule(SCHEDULE_2027), "国办发明电〔2026〕7号", OPERATOR).schedule
    assert loaded.version == 2  # started and days loaded
    fresh = Duban(env=store_env, clock=clock)
    try:
        calendar = fresh.calendar()
        assert calendar.has_official_data(2027)
        assert not calendar.is_workday(date(2027, 2, 8)) and calendar.is_workday(date(2027, 2, 14))
        after = fresh.register_item(source=SourceKind.LEADER_INSTRUCTION, reference="批示2",
                                    decision_date=date(2027, 2, 5), title="春节值班", working_days=1, actor=office)
        assert (after.deadline, after.deadline_estimated) == (date(2027, 2, 14), False)
        unit = fresh.register_unit("U01", "晴川街", UnitKind.SUBDISTRICT, office)
        fresh.assign_item(after.id, unit.id, [], office)
        notice = fresh.issue_notice(unit=unit.id, subject_kind="item", subject_id=after.id, title="督办",
                                    tasks=[{"task": "值班", "responsible": "主任", "deadline": date(2027, 3, 1)}],
                                    actor=office)
        # Feb 14 (调休), 15, 16, 17, 18, 19, 20 (调休)
        assert (notice.reply_deadline, notice.reply_deadline_estimated) == (date(2027, 2, 20), False)
    finally:
        fresh.close()


@pytest.mark.stores("sqlite", "postgres")  # needs a real store: a fresh service reads it back
def test_loading_a_year_again_replaces_its_days(district, store_env, clock, office):
    app = district
    app.load_calendar(parse_schedule(SCHEDULE_2027), "初版", OPERATOR)
    assert not app.calendar().is_workday(date(2027, 2, 8))
    corrected = parse_schedule("2027-02-09..2027-02-12 休 春节\n2027-02-21 班 春节调休")
    app.load_calendar(corrected, "更正版", OPERATOR)
    fresh = Duban(env=store_env, clock=clock)
    for reader in (app, fresh):
        calendar = reader.calendar()
        assert calendar.is_workday(date(2027, 2, 8))  # no longer a holiday
        assert not calendar.is_workday(date(2027, 2, 9))
        assert not calendar.is_workday(date(2027, 2, 14)) and calendar.is_workday(date(2027, 2, 21))
        assert calendar.is_workday(date(2027, 10, 4))  # the first load's 国庆 days are gone too
    fresh.close()
    stored = app.store.repository.get(HolidaySchedule.id_for(2027))
    assert stored.version == 3  # both loads are kept in the history
    assert app.store.repository.get(CALENDAR_REGISTER).entries == {"2027": HolidaySchedule.id_for(2027)}


@pytest.mark.parametrize("role", [Role.OFFICE, Role.ADMIN, Role.UNIT, Role.LEADER])
def test_only_the_deployment_administrator_loads_the_national_schedule(district, office, role):
    app = district
    unit = app.register_unit("U01", "晴川街", UnitKind.SUBDISTRICT, office)
    someone = Actor(user="someone", role=role, district="420105", unit=unit.id if role is Role.UNIT else None)
    with pytest.raises(NotAllowed) as caught:
        app.load_calendar(parse_schedule(SCHEDULE_2027), "x", someone)
    assert caught.value.rule == "role.not_allowed" and "平台管理员" in caught.value.message
    for missing in (HolidaySchedule.id_for(2027), CALENDAR_REGISTER):
        with pytest.raises(AggregateNotFoundError):
            app.store.repository.get(missing)
    assert not app.calendar().has_official_data(2027)


@pytest.mark.stores("sqlite", "postgres")  # loading reviews the estimated deadlines the read side lists
def test_a_loaded_schedule_overrides_the_package_for_a_known_year(district, office):
    app = district
    correction = YearSchedule(2026, frozenset({date(2026, 10, 10)}), frozenset(), {"2026-10-10": "更正"})
    assert app.calendar().is_workday(date(2026, 10, 10))
    app.load_calendar(correction, "更正通知", OPERATOR)
    assert not app.calendar().is_workday(date(2026, 10, 10))
