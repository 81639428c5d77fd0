"""Template filters."""

from datetime import date

from duban.clock import beijing_time
from web.filters import _day


def test_recorded_times_show_in_beijing_time():
    assert beijing_time("2026-11-24T17:57:00.123456+00:00") == "2026-11-25 01:57:00"
    assert beijing_time("2026-03-02T00:00:00") == "2026-03-02 08:00:00"  # naive timestamps are UTC
    assert beijing_time(None) == ""


def test_days_print_as_iso_dates():
    assert _day(date(2026, 3, 2)) == "2026-03-02" and _day(None) == ""
