"""The working-day calendar's rules (工作日, 调休) and the holiday schedule's (节假日安排), without any store:
given the official data, a loaded schedule or neither, when a date is counted, then the day and whether
it is an estimate; given a schedule file, when it is read, then its days or every bad line at once;
given a schedule record, when the deployment administrator loads a year, then the events.

What the service adds — a loaded schedule read back by a fresh service, deadlines no longer estimated,
loading a year again, who may load it and nothing stored when refused — stays in tests/test_calendar.py.
"""
from __future__ import annotations

import uuid
from datetime import date

import pytest
from structlog.testing import capture_logs

from domain.actor import Actor, Role, deployment_actor
from domain.calendar import WorkingDayCalendar, YearSchedule, parse_schedule
from domain.deadlines import item_deadline, notice_reply_deadline
from domain.errors import InvalidInput, NotAllowed
from domain.schedule import HolidaySchedule
from domain.sources import SourceKind
from domain_harness import creating, event, given, when

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
OPERATOR = deployment_actor("ops")  # the deployment administrator (平台管理员): the schedule is national
DAY = date(2026, 12, 1)


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


def test_a_schedule_file_takes_chinese_colons_and_ranges_and_keeps_its_dates_in_its_year():
    schedule = parse_schedule("年份：2027\n2027-05-01至2027-05-05 休 劳动节\n2027-04-25 班 劳动节调休")
    assert schedule.year == 2027 and len(schedule.holidays) == 5 and schedule.workdays == {date(2027, 4, 25)}
    with pytest.raises(InvalidInput) as caught:
        parse_schedule("year: 2027\n2026-12-31 休 元旦")
    assert caught.value.rule == "calendar.bad_schedule" and "第2行" in caught.value.message


# ---- a year's schedule and the calendar's arithmetic ------------------------------------------------------
def test_a_year_schedule_says_holidays_adjusted_working_days_and_otherwise_monday_to_friday():
    schedule = parse_schedule(SCHEDULE_2027)
    assert not schedule.is_workday(date(2027, 2, 8))  # Monday, 春节
    assert schedule.is_workday(date(2027, 2, 14))  # Sunday, 调休
    assert schedule.is_workday(date(2027, 3, 1)) and not schedule.is_workday(date(2027, 3, 6))  # Mon, Sat


def test_a_loaded_schedule_overrides_the_packages_data_and_the_calendar_it_was_added_to_stays():
    # given the package's 2026, where Saturday 10 October is a 调休 working day
    calendar = WorkingDayCalendar()
    correction = YearSchedule(2026, frozenset({date(2026, 10, 10)}), frozenset(), {"2026-10-10": "更正"})
    # when a correction of the year is added
    corrected = calendar.with_schedule(correction)
    # then the correction answers, and the calendar it was added to still answers as before
    assert not corrected.is_workday(date(2026, 10, 10)) and calendar.is_workday(date(2026, 10, 10))
    assert corrected.is_workday(date(2026, 10, 12))  # the rest of the year: Monday to Friday
    next_year = calendar.with_schedule(parse_schedule(SCHEDULE_2027))
    assert next_year.has_official_data(2027)
    assert next_year.add_working_days(date(2027, 2, 5), 1) == next_year.add_working_days(date(2027, 2, 13), 1)
    assert next_year.add_working_days(date(2027, 2, 5), 1).day == date(2027, 2, 14)  # not estimated
    assert next_year.add_working_days(date(2027, 2, 5), 1).estimated is False


def test_counting_zero_days_is_the_start_and_a_negative_count_or_an_empty_span_is_nothing():
    calendar = WorkingDayCalendar()
    assert calendar.add_working_days(date(2026, 10, 1), 0).day == date(2026, 10, 1)
    assert calendar.working_days_between(date(2026, 3, 10), date(2026, 3, 10)) == 0
    assert calendar.working_days_between(date(2026, 3, 10), date(2026, 3, 2)) == 0
    with pytest.raises(ValueError):
        calendar.add_working_days(date(2026, 3, 2), -1)


# ---- the schedule record (节假日安排) ----------------------------------------------------------------------
def load(actor: Actor = OPERATOR, schedule: YearSchedule | None = None):
    return lambda: HolidaySchedule.load(schedule or parse_schedule(SCHEDULE_2027), "国办发明电〔2026〕7号", DAY, actor)


def replace(text: str, source: str = "更正版", on: date = DAY, actor: Actor = OPERATOR):
    return lambda record: record.replace_days(parse_schedule(text), source, on, actor)


@pytest.mark.parametrize("role", [Role.OFFICE, Role.ADMIN, Role.UNIT, Role.LEADER, Role.SYSTEM])
def test_only_the_deployment_administrator_loads_the_national_schedule(role):
    someone = Actor(user="someone", role=role, district="420105", unit=uuid.uuid4() if role is Role.UNIT else None)
    error = creating(load(someone)).refused("role.not_allowed", NotAllowed)
    assert "平台管理员" in error.message
    record = given(load()())
    when(record, replace("2027-02-09 休 春节", actor=someone)).refused("role.not_allowed", NotAllowed)


def test_a_year_is_started_once_for_the_whole_deployment_and_its_days_loaded():
    record = creating(load()).then(event("Started", year=2027, district="*"))
    assert record.id == HolidaySchedule.id_for(2027) and record.holidays == []
    schedule = parse_schedule(SCHEDULE_2027)
    loaded = when(record, lambda r: r.replace_days(schedule, "国办发明电〔2026〕7号", DAY, OPERATOR)).then(
        event("DaysLoaded", holidays=sorted(schedule.holidays), workdays=sorted(schedule.workdays),
              source="国办发明电〔2026〕7号", on=DAY))
    assert loaded.as_schedule() == schedule


def test_loading_a_year_again_replaces_its_days_and_never_goes_back_in_time():
    record = given(load()(), replace(SCHEDULE_2027, "初版"))
    corrected = when(record, replace("2027-02-09..2027-02-12 休 春节\n2027-02-21 班 春节调休",
                                     on=date(2026, 11, 1))).then(event("DaysLoaded", source="更正版", on=DAY))
    calendar = WorkingDayCalendar([corrected.as_schedule()])
    assert calendar.is_workday(date(2027, 2, 8)) and not calendar.is_workday(date(2027, 2, 9))
    assert calendar.is_workday(date(2027, 10, 4))  # the first load's 国庆 days are gone
    assert not calendar.is_workday(date(2027, 2, 14)) and calendar.is_workday(date(2027, 2, 21))
