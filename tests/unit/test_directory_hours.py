"""Opening hours: weekly and monthly rules, past midnight, closures, offsets, unknowns."""

from __future__ import annotations

import datetime as dt

from lantern.directory.hours import Rule, is_open
from lantern.directory.validate import parse_time

NY = "America/New_York"
UTC = dt.timezone.utc


def at(y, mo, d, h, mi=0):
    """A moment given in New York local time (June: UTC-4)."""
    return dt.datetime(y, mo, d, h, mi, tzinfo=dt.timezone(dt.timedelta(hours=-4)))


def test_weekly_hours():
    rules = [Rule(540, 1020, "WEEKLY", byday="MO,TU,WE,TH,FR")]
    assert is_open(rules, at(2026, 6, 3, 9, 0), NY) is True  # Wednesday 09:00 opens
    assert is_open(rules, at(2026, 6, 3, 16, 59), NY) is True
    assert is_open(rules, at(2026, 6, 3, 17, 0), NY) is False  # closing time is closed
    assert is_open(rules, at(2026, 6, 6, 12, 0), NY) is False  # Saturday


def test_time_zone_of_the_location_is_used():
    rules = [Rule(540, 1020, "WEEKLY", byday="WE")]
    noon_utc = dt.datetime(2026, 6, 3, 15, 0, tzinfo=UTC)  # 11:00 New York, 08:00 Los Angeles
    assert is_open(rules, noon_utc, NY) is True
    assert is_open(rules, noon_utc, "America/Los_Angeles") is False
    assert is_open(rules, noon_utc, None) is None  # zone unknown: don't guess
    assert is_open(rules, noon_utc, "Not/AZone") is None


def test_explicit_offset_wins_over_zone():
    rules = [Rule(540, 1020, "WEEKLY", byday="WE", utc_offset_min=-300)]  # 09:00-17:00 at UTC-5
    assert is_open(rules, dt.datetime(2026, 6, 3, 14, 30, tzinfo=UTC), None) is True  # 09:30 at UTC-5
    assert is_open(rules, dt.datetime(2026, 6, 3, 13, 30, tzinfo=UTC), None) is False


def test_overnight_hours():
    rules = [Rule(19 * 60, 7 * 60, "WEEKLY", byday="FR")]
    assert is_open(rules, at(2026, 6, 5, 20), NY) is True  # Friday evening
    assert is_open(rules, at(2026, 6, 6, 6, 59), NY) is True  # Saturday early morning, after Friday
    assert is_open(rules, at(2026, 6, 6, 20), NY) is False  # Saturday evening is not listed
    assert is_open(rules, at(2026, 6, 5, 6), NY) is False  # Friday morning follows Thursday


def test_all_day():
    assert is_open([Rule(0, 1440, "WEEKLY", byday="SU")], at(2026, 6, 7, 23, 59), NY) is True
    assert is_open([Rule(0, 0, "WEEKLY")], at(2026, 6, 7, 3), NY) is True


def test_monthly_rules():
    second_sat = [Rule(660, 780, "MONTHLY", byday="2SA")]
    assert is_open(second_sat, at(2026, 6, 13, 12), NY) is True
    assert is_open(second_sat, at(2026, 6, 6, 12), NY) is False
    last_fri = [Rule(600, 720, "MONTHLY", byday="-1FR")]
    assert is_open(last_fri, at(2026, 6, 26, 11), NY) is True
    assert is_open(last_fri, at(2026, 6, 19, 11), NY) is False
    first_and_last_day = [Rule(600, 720, "MONTHLY", bymonthday="1,-1")]
    assert is_open(first_and_last_day, at(2026, 6, 30, 11), NY) is True
    assert is_open(first_and_last_day, at(2026, 6, 1, 11), NY) is True
    assert is_open(first_and_last_day, at(2026, 6, 15, 11), NY) is False


def test_fortnightly_with_dtstart():
    rules = [Rule(600, 720, "WEEKLY", interval=2, byday="WE", dtstart=dt.date(2026, 6, 3))]
    assert is_open(rules, at(2026, 6, 3, 11), NY) is True
    assert is_open(rules, at(2026, 6, 10, 11), NY) is False
    assert is_open(rules, at(2026, 6, 17, 11), NY) is True


def test_validity_dates_and_closures():
    summer = [Rule(600, 720, "WEEKLY", valid_from=dt.date(2026, 6, 1), valid_to=dt.date(2026, 8, 31))]
    assert is_open(summer, at(2026, 6, 3, 11), NY) is True
    assert is_open(summer, at(2026, 9, 2, 11), NY) is False
    holiday = [
        Rule(0, 1440, "WEEKLY"),
        Rule(None, None, closed=True, valid_from=dt.date(2026, 7, 4), valid_to=dt.date(2026, 7, 4)),
    ]
    assert is_open(holiday, at(2026, 7, 4, 12), NY) is False
    assert is_open(holiday, at(2026, 7, 5, 12), NY) is True


def test_no_usable_hours_is_unknown():
    assert is_open([], at(2026, 6, 3, 12), NY) is None
    assert is_open([Rule(None, None, "WEEKLY", byday="MO")], at(2026, 6, 3, 12), NY) is None


def test_parse_time():
    assert parse_time("09:30") == (570, None)
    assert parse_time("9:30:00") == (570, None)
    assert parse_time("24:00") == (1440, None)
    assert parse_time("09:00-05:00") == (540, -300)
    assert parse_time("17:00Z") == (1020, 0)
    assert parse_time("9am") == (540, None)
    assert parse_time("12:15 PM") == (735, None)
    assert parse_time("12am") == (0, None)
    assert parse_time("25:00") == (None, None)
    assert parse_time("noon") == (None, None)
    assert parse_time(None) == (None, None)
