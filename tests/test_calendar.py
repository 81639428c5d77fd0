"""Working days on the official Chinese calendar (调休 included), the Mon–Fri fallback for an unknown
year, the published-schedule file format, and loading a schedule as events."""
from __future__ import annotations

from datetime import date

import pytest
from eventsourcing.application import AggregateNotFoundError
from structlog.testing import capture_logs

from domain.actor import Actor, Role, deployment_actor
from domain.calendar import WorkingDayCalendar, YearSchedule, parse_schedule
from domain.deadlines import item_deadline, notice_reply_deadline
from domain.errors import InvalidInput, NotAllowed
from domain.organisation import NumberRegister, UnitKind
from domain.schedule import HolidaySchedule
from domain.sources import SourceKind
from duban.application import Duban

pytestmark = pytest.mark.stores("memory")  # rules through the service: the in-memory store (tests/conftest.py)

SCHEDULE_2027 = """\
# 国务院办公厅关于2027年部分节假日安排的通知（示例）
year: 2027
2027-01-01 休 元旦
2027-02-06..2027-02-13 休 春节   # 除夕至初七
2027-02-14 班 春节调休
2027-02-20 班 春节调休

2027-10-01~2027-10-07 holiday 国庆节
2027-10-09 workday 国庆调休
"""


# ---- the package's data and the fallback -------------------------------------------------------------
@pytest.mark.parametrize("day, working", [
    (date(2026, 10, 1), False), (date(2026, 10, 7), False),  # 国庆
    (date(2026, 10, 8), True),
    (date(2026, 10, 10), True),  # Saturday, 调休 working day
    (date(2026, 10, 11), False),  # Sunday
    (date(2026, 3, 2), True),
])
def test_2026_follows_the_official_calendar(day, working):
    assert WorkingDayCalendar().is_workday(day) is working


def test_2026_counts_are_not_estimated():
    calendar = WorkingDayCalendar()
    assert calendar.has_official_data(2026)
    assert calendar.add_working_days(date(2026, 9, 30), 7).day == date(2026, 10, 15)
    assert calendar.add_working_days(date(2026, 9, 30), 7).estimated is False
    assert calendar.next_working_day_on_or_after(date(2026, 10, 1)).day == date(2026, 10, 8)
    assert calendar.working_days_between(date(2026, 9, 30), date(2026, 10, 10)) == 3  # Oct 8, 9, 10


def test_an_unknown_year_falls_back_to_monday_to_friday_with_a_warning():
    calendar = WorkingDayCalendar()
    with capture_logs() as logs:
        assert not calendar.has_official_data(2027)
        assert calendar.add_working_days(date(2027, 2, 5), 1).day == date(2027, 2, 8)  # Fri → Mon
        assert calendar.add_working_days(date(2027, 2, 5), 1).estimated is True
        assert calendar.next_working_day_on_or_after(date(2027, 2, 6)) == calendar.add_working_days(date(2027, 2, 5), 1)
        assert calendar.is_workday(date(2027, 2, 10)) and not calendar.is_workday(date(2027, 2, 13))
        assert calendar.working_days_between(date(2027, 2, 5), date(2027, 2, 12)) == 5
        crossing = calendar.add_working_days(date(2026, 12, 30), 3)  # Dec 31, Jan 1 (guessed), Jan 4
        meeting = item_deadline(calendar, SourceKind.EXECUTIVE_MEETING, date(2027, 3, 6))  # one month: Tue Apr 6
        reply = notice_reply_deadline(calendar, date(2027, 3, 1))
    assert (crossing.day, crossing.estimated) == (date(2027, 1, 4), True)
    assert (meeting.day, meeting.basis, meeting.estimated) == (date(2027, 4, 6), "meeting_one_month", True)
    assert (reply.day, reply.estimated) == (date(2027, 3, 10), True)
    missing = [e for e in logs if e["event"] == "calendar.year_missing"]
    assert len(missing) == 1  # warned once per year, not once per day counted
    assert (missing[0]["log_level"], missing[0]["year"]) == ("warning", 2027)


def test_counting_inside_a_known_year_is_not_estimated_and_does_not_warn():
    with capture_logs() as logs:
        answer = WorkingDayCalendar().add_working_days(date(2026, 12, 28), 2)
    assert (answer.day, answer.estimated) == (date(2026, 12, 30), False)
    assert [e for e in logs if e["event"] == "calendar.year_missing"] == []


# ---- the schedule file -------------------------------------------------------------------------------
def test_parse_schedule_reads_ranges_single_days_and_comments():
    schedule = parse_schedule(SCHEDULE_2027)
    assert schedule.year == 2027
    assert len(schedule.holidays) == 1 + 8 + 7
    assert {date(2027, 2, 6), date(2027, 2, 13), date(2027, 10, 7)} <= schedule.holidays
    assert schedule.workdays == {date(2027, 2, 14), date(2027, 2, 20), date(2027, 10, 9)}
    assert schedule.names["2027-02-10"] == "春节"  # the trailing comment is not part of the name
    assert schedule.names["2027-02-14"] == "春节调休"
    calendar = WorkingDayCalendar([schedule])
    assert not calendar.is_workday(date(2027, 2, 8)) and calendar.is_workday(date(2027, 2, 14))


def test_parse_schedule_year_comes_from_the_first_date():
    assert parse_schedule("2027-02-14 班 春节调休").year == 2027


def test_parse_schedule_reports_every_bad_line_together():
    text = "\n".join([
        "# 2027年",  # 1
        "2027-02-06..2027-02-13 休 春节",  # 2 fine
        "2027-02-14 上班",  # 3 unknown kind
        "",  # 4
        "2027-02-30 休 春节",  # 5 no such date
        "2027-05-05..2027-05-01 休 劳动节",  # 6 end before start
        "2028-01-01 休 元旦",  # 7 other year
        "2027-02-10 班 春节调休",  # 8 already a holiday
        "2027-10-09 班 国庆调休",  # 9 fine
    ])
    with pytest.raises(InvalidInput) as caught:
        parse_schedule(text)
    error = caught.value
    assert (error.rule, error.field) == ("calendar.bad_schedule", "file")
    for number in (3, 5, 6, 7, 8):
        assert f"第{number}行" in error.message
    for number in (1, 2, 4, 9):
        assert f"第{number}行" not in error.message


@pytest.mark.parametrize("text", ["", "# 只有注释\n\n", "year: 二〇二七"])
def test_parse_schedule_refuses_a_file_without_dates(text):
    with pytest.raises(InvalidInput) as caught:
        parse_schedule(text)
    assert caught.value.rule == "calendar.bad_schedule"


# ---- loading a schedule ----------------------------------------------------------------------------------
CALENDAR_REGISTER = NumberRegister.id_for(HolidaySchedule.DEPLOYMENT, "calendar", None)
OPERATOR = deployment_actor("ops")  # the deployment administrator (平台管理员): the schedule is national


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


def test_a_loaded_schedule_overrides_the_package_for_a_known_year(district, office):
    app = district
    correction = YearSchedule(2026, frozenset({date(2026, 10, 10)}), frozenset(), {"2026-10-10": "更正"})
    assert app.calendar().is_workday(date(2026, 10, 10))
    app.load_calendar(correction, "更正通知", OPERATOR)
    assert not app.calendar().is_workday(date(2026, 10, 10))
