"""When a person wants a check-in (lantern/checkins/when.py): phrasings, limits, refusals, quiet hours, DST, zones."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from typing import Optional, Tuple
from zoneinfo import ZoneInfo

import pytest

from lantern.checkins import when as when_module
from lantern.checkins.when import (
    STATE_ZONES,
    QuietHours,
    When,
    is_quiet,
    next_allowed,
    parse_quiet_hours,
    parse_timezone_answer,
    parse_when,
    timezone_for_zip,
)
from lantern.directory.zipgeo import Place

CHICAGO = ZoneInfo("America/Chicago")
NEW_YORK = ZoneInfo("America/New_York")
UTC = timezone.utc
# Wednesday Dec 9 2026, 3 pm in Chicago, given in UTC as the server has it.
NOW = datetime(2026, 12, 9, 21, 0, tzinfo=UTC)


def read(text: object, now: datetime = NOW, tz: str = "America/Chicago") -> Optional[When]:
    return parse_when(text, now, tz)


def chicago(month: int, day: int, hour: int, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=CHICAGO)


def wall(moment: datetime) -> Tuple[date, time]:
    return moment.date(), moment.time()


# ---------------------------------------------------------------- phrasings


@pytest.mark.parametrize(
    "text, expected, described, exact",
    [
        ("friday", chicago(12, 11, 12), "Friday Dec 11 (around noon)", False),
        ("tomorrow night", chicago(12, 10, 19), "tomorrow night (around 7 pm)", False),
        ("in 3 days", chicago(12, 12, 12), "Saturday Dec 12 (around noon)", False),
        ("monday at 6", chicago(12, 14, 18), "Monday Dec 14 at 6 pm", True),
        ("sat morning", chicago(12, 12, 10), "Saturday Dec 12 in the morning (around 10 am)", False),
        ("next week", chicago(12, 16, 12), "Wednesday Dec 16 (around noon)", False),
        ("tonight around 8", chicago(12, 9, 20), "tonight at 8 pm", True),
        ("in a couple of days", chicago(12, 11, 12), "Friday Dec 11 (around noon)", False),
        ("6:30pm tomorrow", chicago(12, 10, 18, 30), "tomorrow at 6:30 pm", True),
        ("day after tomorrow", chicago(12, 11, 12), "Friday Dec 11 (around noon)", False),
        ("this weekend", chicago(12, 12, 12), "Saturday Dec 12 (around noon)", False),
        ("noon on thursday", chicago(12, 10, 12), "Thursday Dec 10 at noon", True),
        ("in 2 hrs", chicago(12, 9, 17), "in 2 hours (around 5 pm)", False),
        ("tmrw", chicago(12, 10, 12), "tomorrow (around noon)", False),
        ("fri eve", chicago(12, 11, 18), "Friday Dec 11 in the evening (around 6 pm)", False),
        ("dec 12", chicago(12, 12, 12), "Saturday Dec 12 (around noon)", False),
        ("12/12 at 5pm", chicago(12, 12, 17), "Saturday Dec 12 at 5 pm", True),
        ("tonight", chicago(12, 9, 19), "tonight (around 7 pm)", False),
        ("this evening", chicago(12, 9, 18), "this evening (around 6 pm)", False),
        ("today", chicago(12, 9, 16), "later today (around 4 pm)", False),  # noon has passed
        ("tmrw am", chicago(12, 10, 10), "tomorrow morning (around 10 am)", False),
        ("lunch tomorrow", chicago(12, 10, 12), "tomorrow at lunchtime (around noon)", False),
        ("after work tomorrow", chicago(12, 10, 18), "tomorrow evening (around 6 pm)", False),
        ("morning", chicago(12, 10, 10), "tomorrow morning (around 10 am)", False),
        ("in the afternoon", chicago(12, 10, 14), "tomorrow afternoon (around 2 pm)", False),
        ("next friday", chicago(12, 18, 12), "Friday Dec 18 (around noon)", False),
        ("friday next week", chicago(12, 18, 12), "Friday Dec 18 (around noon)", False),
        ("next weekend", chicago(12, 19, 12), "Saturday Dec 19 (around noon)", False),
        ("in a week", chicago(12, 16, 12), "Wednesday Dec 16 (around noon)", False),
        ("a week from today", chicago(12, 16, 12), "Wednesday Dec 16 (around noon)", False),
        ("in a month", chicago(1, 9, 12, year=2027), "Saturday Jan 9 (around noon)", False),
        ("in 30 min", chicago(12, 9, 15, 30), "in 30 minutes (around 3:30 pm)", False),
        ("in half an hour", chicago(12, 9, 15, 30), "in 30 minutes (around 3:30 pm)", False),
        ("in an hour and a half", chicago(12, 9, 16, 30), "in 90 minutes (around 4:30 pm)", False),
        ("in 10 hours", chicago(12, 10, 1), "in 10 hours (around 1 am tomorrow)", False),
        ("the 12th", chicago(12, 12, 12), "Saturday Dec 12 (around noon)", False),
        ("the 5th", chicago(1, 5, 12, year=2027), "Tuesday Jan 5 (around noon)", False),
        ("12 december", chicago(12, 12, 12), "Saturday Dec 12 (around noon)", False),
        ("jan 5", chicago(1, 5, 12, year=2027), "Tuesday Jan 5 (around noon)", False),
        ("1/5/27", chicago(1, 5, 12, year=2027), "Tuesday Jan 5 (around noon)", False),
        ("dec 9 at 6pm", chicago(12, 9, 18), "Wednesday Dec 9 at 6 pm", True),
        ("friday dec 18", chicago(12, 18, 12), "Friday Dec 18 (around noon)", False),
        ("tomorrow thursday", chicago(12, 10, 12), "tomorrow (around noon)", False),
        ("friday 12", chicago(12, 11, 12), "Friday Dec 11 at noon", True),
        ("6 in the evening", chicago(12, 9, 18), "today at 6 pm", True),
        ("8 in the morning", chicago(12, 10, 8), "tomorrow at 8 am", True),
        ("tonight at 11", chicago(12, 9, 23), "tonight at 11 pm", True),
        ("06:30 tomorrow", chicago(12, 10, 6, 30), "tomorrow at 6:30 am", True),
        ("tomorrow at 12:30", chicago(12, 10, 12, 30), "tomorrow at 12:30 pm", True),
        ("thursday 10am", chicago(12, 10, 10), "Thursday Dec 10 at 10 am", True),
        ("on fridays", chicago(12, 11, 12), "Friday Dec 11 (around noon)", False),
        ("no, friday works", chicago(12, 11, 12), "Friday Dec 11 (around noon)", False),
    ],
)
def test_phrasings(text: str, expected: datetime, described: str, exact: bool) -> None:
    result = read(text)
    assert result is not None
    assert result.at == expected and wall(result.at) == wall(expected)
    assert result.at.tzinfo == CHICAGO  # read and returned in the person's zone, though `now` was UTC
    assert result.described == described
    assert result.exact_time is exact


@pytest.mark.parametrize(
    "text",
    [
        "6pm tomorrow",
        "6 pm tomorrow",
        "6p tmrw",
        "tmrw 18:00",
        "tomorrow at 6",
        "2moro @ 6",
        "TOMORROW 6PM",
        "tommorow 6 p.m.",
        "tmrw6pm",
        "tomorrow 6ish",
        "6 oclock tomorrow",
        "six pm tomorrow",
        "tomorrow 6",
        "6 tomorrow",
        "tmrw 6:00 PM",
        "tomorow at 6.00pm",
        "ｔｏｍｏｒｒｏｗ ６ｐｍ",  # fullwidth, as some keyboards send
        "tomorrow\x00 6pm\x07",
        "\U0001f44d tmrw 6pm \U0001f64f",
    ],
)
def test_spellings_from_cheap_phones(text: str) -> None:
    result = read(text)
    assert result is not None
    assert result.at == chicago(12, 10, 18)
    assert (result.described, result.exact_time) == ("tomorrow at 6 pm", True)


@pytest.mark.parametrize(
    "text, day",
    [
        ("wensday evning", 16),
        ("thurs eve", 10),
        ("weds evening", 16),
        ("tues evening", 15),
        ("fryday evening", 11),
        ("saterday evening", 12),
        ("munday evening", 14),
        ("thrusday evening", 10),
        ("sundays evenings", 13),
    ],
)
def test_typos_of_days_and_parts(text: str, day: int) -> None:
    result = read(text)
    assert result is not None and result.at == chicago(12, day, 18)


def test_described_never_echoes_their_words() -> None:
    result = read("friday xyzzy <b>hi</b> 'quote' \u202eevil")
    assert result is not None
    assert result.described == "Friday Dec 11 (around noon)"


# ---------------------------------------------------------------- weekdays


@pytest.mark.parametrize(
    "weekday, plain, following",
    [
        ("monday", 14, 14),
        ("tuesday", 15, 15),
        ("wednesday", 16, 16),  # today's weekday: a week on (they would say "today")
        ("thursday", 10, 17),
        ("friday", 11, 18),
        ("saturday", 12, 19),
        ("sunday", 13, 20),
    ],
)
def test_weekdays_wrap_around_the_week(weekday: str, plain: int, following: int) -> None:
    plain_result, next_result = read(weekday), read(f"next {weekday}")
    assert plain_result is not None and plain_result.at.date() == date(2026, 12, plain)
    assert next_result is not None and next_result.at.date() == date(2026, 12, following)


def test_next_weekday_said_on_a_sunday_is_the_coming_week() -> None:
    sunday = chicago(12, 13, 15)
    for text in ("friday", "next friday"):
        result = read(text, now=sunday)
        assert result is not None and result.at.date() == date(2026, 12, 18)
    monday = read("next monday", now=sunday)
    assert monday is not None and monday.at.date() == date(2026, 12, 14)


def test_this_and_todays_weekday() -> None:
    later = read("this wednesday")
    assert later is not None and later.at == chicago(12, 9, 16)  # today; its noon has passed
    evening = read("this wednesday at 6pm")
    assert evening is not None and evening.at == chicago(12, 9, 18)
    assert read("this wednesday at 2pm") is None


def test_weekend_moves_to_sunday_then_the_next_weekend() -> None:
    saturday_afternoon = chicago(12, 12, 15)
    sunday_afternoon = chicago(12, 13, 15)
    this_weekend = read("this weekend", now=saturday_afternoon)
    assert this_weekend is not None and this_weekend.at == chicago(12, 13, 12)
    assert read("this weekend", now=sunday_afternoon) is None  # over
    weekend = read("weekend", now=sunday_afternoon)
    assert weekend is not None and weekend.at == chicago(12, 19, 12)


# ---------------------------------------------------------------- today, tonight, the past


@pytest.mark.parametrize(
    "now, expected, described",
    [
        (chicago(12, 9, 1), chicago(12, 9, 19), "tonight (around 7 pm)"),  # after midnight: this coming night
        (chicago(12, 9, 18, 55), chicago(12, 9, 19, 55), "tonight (around 7:55 pm)"),  # 7 pm is too soon
        (chicago(12, 9, 19, 30), chicago(12, 9, 20, 30), "tonight (around 8:30 pm)"),
        (chicago(12, 9, 19, 32), chicago(12, 9, 20, 35), "tonight (around 8:35 pm)"),  # on a 5-minute mark
        (chicago(12, 9, 23, 30), chicago(12, 10, 0, 30), "tonight (around 12:30 am)"),
    ],
)
def test_tonight(now: datetime, expected: datetime, described: str) -> None:
    result = read("tonight", now=now)
    assert result is not None
    assert (result.at, result.described, result.exact_time) == (expected, described, False)


def test_tonight_at_a_passed_hour_is_not_moved_to_tomorrow() -> None:
    assert read("tonight at 8", now=chicago(12, 9, 20, 30)) is None


@pytest.mark.parametrize(
    "text, now, expected",
    [
        ("this evening", chicago(12, 9, 19), chicago(12, 9, 20)),
        ("this evening", chicago(12, 9, 22), None),  # the evening is over
        ("this morning", chicago(12, 9, 11), chicago(12, 9, 12)),
        ("this morning", chicago(12, 9, 15), None),
        ("today", chicago(12, 9, 9), chicago(12, 9, 12)),
        ("today", chicago(12, 9, 23, 30), None),  # an hour on is tomorrow
        ("morning", chicago(12, 9, 7), chicago(12, 9, 10)),
        ("evening", chicago(12, 9, 19), chicago(12, 10, 18)),  # a part alone: tomorrow's once today's has passed
    ],
)
def test_parts_of_today(text: str, now: datetime, expected: Optional[datetime]) -> None:
    result = read(text, now=now)
    assert (result.at if result else None) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("today at 2pm", None),  # past, and "today" cannot move
        ("dec 9 at 1pm", None),
        ("dec 1", None),  # next Dec 1 is a year away
        ("1/5/2026", None),
        ("3pm", chicago(12, 10, 15)),  # it is 3 pm now: the next 3 pm
        ("3:05pm", chicago(12, 10, 15, 5)),  # 5 minutes ahead is too soon
        ("3:10pm", chicago(12, 9, 15, 10)),  # 10 minutes is enough
        ("at 8", chicago(12, 9, 20)),  # 8 am has passed, 8 pm has not
        ("at 2", chicago(12, 10, 14)),  # 1-6 is pm; 2 pm has passed
        ("friday at 8", chicago(12, 11, 8)),
        ("the 9th", chicago(1, 9, 12, year=2027)),  # today's noon has passed: next month's 9th
        ("in 5 minutes", None),
        ("in 10 minutes", chicago(12, 9, 15, 10)),
        ("in 0 days", None),
    ],
)
def test_past_and_too_soon(text: str, expected: Optional[datetime]) -> None:
    result = read(text)
    assert (result.at if result else None) == expected


def test_at_8_in_the_morning_is_8_am() -> None:
    result = read("at 8", now=chicago(12, 9, 7))
    assert result is not None and result.at == chicago(12, 9, 8)


# ---------------------------------------------------------------- limits and refusals


@pytest.mark.parametrize(
    "text, accepted",
    [
        ("in 60 days", True),
        ("in 61 days", False),
        ("feb 7", True),  # 60 days after Dec 9
        ("feb 8", False),
        ("in 8 weeks", True),
        ("in 9 weeks", False),
        ("in 2 months", False),
        ("in 999 days", False),
        ("12/12/2027", False),
        ("in 999 hours", True),  # 41 days
    ],
)
def test_sixty_day_limit(text: str, accepted: bool) -> None:
    result = read(text)
    assert (result is not None) is accepted
    if result is not None:
        assert (result.at.date() - date(2026, 12, 9)).days <= 60


@pytest.mark.parametrize("text", ["3", "12", "45", "2026", "3 3", "0", "100", "9999999999", "1800", "friday at 6 or 7"])
def test_bare_numbers_are_not_guessed(text: str) -> None:
    assert read(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "not friday",
        "cant do tmrw",
        "don't text me tomorrow",
        "I won't be free until friday",
        "friday or saturday",
        "friday dec 12",  # Dec 12 is a Saturday
        "tonight in the morning",
        "6am tonight",
        "2 tonight",
        "tomorrow at 25",
        "25:00",
        "6:75pm",
        "13pm",
        "later",
        "later today",
        "soon",
        "now",
        "right now",
        "asap",
        "whenever",
        "sometime this week",
        "every friday",
        "next month",
        "before 5",
        "midnight",
        "christmas eve",
        "half past 6",
        "13/12",
        "24/7",
        "feb 30",
    ],
)
def test_refusals_conflicts_and_vague_times(text: str) -> None:
    assert read(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "ok",
        "sure thing",
        "yes please",
        "I'm going to call the clinic",
        "'; DROP TABLE checkins; --",
        "Robert'); DROP TABLE Students;--",
        "<script>alert('x')</script>",
        "<img src=x onerror=alert(1)>",
        "{{7*7}} ${jndi:ldap://example.org/a}",
        "\x00\x1b[31m\x7f\x08",
        "\ud800\udfff",
        "\u202e\u200b\ufeff",
        "\U0001f642" * 200,
        "x" * 100_000,
        "friday " * 20_000,
        "1/" * 5_000,
    ],
)
def test_junk_is_none_without_exceptions(text: str) -> None:
    assert read(text) is None


@pytest.mark.parametrize("value", [None, 5, 3.5, b"friday", ["friday"], {"text": "friday"}, object()])
def test_non_text_is_none(value: object) -> None:
    assert read(value) is None


def test_the_callers_mistakes_raise() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        parse_when("friday", datetime(2026, 12, 9, 15), "America/Chicago")
    with pytest.raises(ValueError, match="unknown time zone"):
        parse_when("friday", NOW, "Mars/Olympus_Mons")


def test_zone_may_be_given_as_zoneinfo_and_changes_the_reading() -> None:
    chicago_result = parse_when("at 5pm", NOW, CHICAGO)
    new_york_result = parse_when("at 5pm", NOW, NEW_YORK)  # 4 pm there: 5 pm is still today
    denver_result = parse_when("at 5pm", NOW, "America/Denver")  # 2 pm there
    assert chicago_result is not None and chicago_result.at == chicago(12, 9, 17)
    assert new_york_result is not None and new_york_result.at == datetime(2026, 12, 9, 17, tzinfo=NEW_YORK)
    assert denver_result is not None and denver_result.at.astimezone(UTC) == datetime(2026, 12, 10, 0, tzinfo=UTC)


def test_a_long_list_of_answers_reads_fast() -> None:
    import time as clock

    started = clock.perf_counter()
    for _ in range(100):
        read("tmrw eve around 6ish")
        read("z" * 299)
    assert clock.perf_counter() - started < 1.0


# ---------------------------------------------------------------- quiet hours


def test_parse_quiet_hours() -> None:
    assert parse_quiet_hours("21:00-09:00") == QuietHours(time(21, 0), time(9, 0))
    assert parse_quiet_hours(" 22:30 \u2013 7:15 ") == QuietHours(time(22, 30), time(7, 15))
    assert parse_quiet_hours("13:00-14:00") == QuietHours(time(13, 0), time(14, 0))


@pytest.mark.parametrize("setting", ["", "21-9", "21:00", "21:00 09:00", "25:00-09:00", "21:60-09:00", "9pm-9am", "x"])
def test_bad_quiet_hours_setting(setting: str) -> None:
    with pytest.raises(ValueError, match="21:00-09:00"):
        parse_quiet_hours(setting)


def test_quiet_hours_must_differ() -> None:
    with pytest.raises(ValueError, match="two different times"):
        parse_quiet_hours("21:00-21:00")


@pytest.mark.parametrize(
    "hour, minute, quiet",
    [(20, 59, False), (21, 0, True), (23, 59, True), (0, 0, True), (8, 59, True), (9, 0, False), (12, 0, False)],
)
def test_quiet_hours_wrap_past_midnight(hour: int, minute: int, quiet: bool) -> None:
    assert is_quiet(chicago(12, 9, hour, minute), parse_quiet_hours("21:00-09:00")) is quiet


def test_quiet_hours_within_a_day() -> None:
    lunch = parse_quiet_hours("13:00-14:00")
    assert [is_quiet(chicago(12, 9, h, m), lunch) for h, m in ((12, 59), (13, 0), (13, 59), (14, 0))] == [
        False,
        True,
        True,
        False,
    ]


def test_quiet_hours_are_read_on_the_clock_of_the_moments_zone() -> None:
    quiet = parse_quiet_hours("21:00-09:00")
    moment = datetime(2026, 12, 10, 2, 30, tzinfo=UTC)  # 8:30 pm in Chicago, 9:30 pm in New York
    assert is_quiet(moment.astimezone(CHICAGO), quiet) is False
    assert is_quiet(moment.astimezone(NEW_YORK), quiet) is True
    with pytest.raises(ValueError, match="timezone-aware"):
        is_quiet(datetime(2026, 12, 9, 22), quiet)


def test_next_allowed() -> None:
    quiet = parse_quiet_hours("21:00-09:00")
    assert next_allowed(chicago(12, 9, 22), quiet) == chicago(12, 10, 9)  # late evening: next morning
    assert next_allowed(chicago(12, 10, 3), quiet) == chicago(12, 10, 9)  # small hours: this morning
    noon = chicago(12, 9, 12)
    assert next_allowed(noon, quiet) is noon
    moved = next_allowed(chicago(12, 9, 21, 0), quiet)
    assert moved == chicago(12, 10, 9) and moved.tzinfo == CHICAGO
    assert next_allowed(chicago(12, 9, 13, 30), parse_quiet_hours("13:00-14:00")) == chicago(12, 9, 14)


def test_a_check_in_read_then_moved_out_of_quiet_hours() -> None:
    result = read("in 7 hours")  # 10 pm
    assert result is not None
    assert next_allowed(result.at, parse_quiet_hours("21:00-09:00")) == chicago(12, 10, 9)


# ---------------------------------------------------------------- daylight saving (New York, 2026)


def valid(moment: datetime) -> bool:
    """A real moment whose wall time survives a round trip through UTC (not a skipped or shifted time)."""
    back = moment.astimezone(UTC).astimezone(moment.tzinfo)
    return moment.tzinfo is not None and wall(back) == wall(moment) and back.utcoffset() == moment.utcoffset()


def test_quiet_hours_end_on_the_wall_clock_when_clocks_spring_forward() -> None:
    moved = next_allowed(datetime(2026, 3, 7, 23, 0, tzinfo=NEW_YORK), parse_quiet_hours("21:00-09:00"))
    assert wall(moved) == (date(2026, 3, 8), time(9, 0)) and moved.utcoffset() == timedelta(hours=-4)
    assert valid(moved)
    assert moved.astimezone(UTC) - datetime(2026, 3, 7, 23, 0, tzinfo=NEW_YORK).astimezone(UTC) == timedelta(hours=9)


def test_a_skipped_end_of_quiet_hours_moves_on_by_the_jump() -> None:
    moved = next_allowed(datetime(2026, 3, 8, 1, 10, tzinfo=NEW_YORK), parse_quiet_hours("00:00-02:30"))
    assert wall(moved) == (date(2026, 3, 8), time(3, 30)) and moved.utcoffset() == timedelta(hours=-4)
    assert valid(moved)


def test_an_end_of_quiet_hours_in_the_repeated_hour_is_after_the_time_moved() -> None:
    quiet = parse_quiet_hours("00:00-01:30")
    first_pass = datetime(2026, 11, 1, 1, 10, tzinfo=NEW_YORK)  # EDT
    second_pass = datetime(2026, 11, 1, 1, 10, fold=1, tzinfo=NEW_YORK)  # EST, an hour later
    assert is_quiet(first_pass, quiet) and is_quiet(second_pass, quiet)
    for moment, offset in ((first_pass, -4), (second_pass, -5)):
        moved = next_allowed(moment, quiet)
        assert wall(moved) == (date(2026, 11, 1), time(1, 30)) and moved.utcoffset() == timedelta(hours=offset)
        assert moved.astimezone(UTC) > moment.astimezone(UTC) and valid(moved)


def test_quiet_hours_across_fall_back() -> None:
    moved = next_allowed(datetime(2026, 10, 31, 23, 0, tzinfo=NEW_YORK), parse_quiet_hours("21:00-09:00"))
    assert wall(moved) == (date(2026, 11, 1), time(9, 0)) and moved.utcoffset() == timedelta(hours=-5)
    assert valid(moved)


def test_parse_when_across_clock_changes() -> None:
    thursday_before_spring = datetime(2026, 3, 5, 12, tzinfo=NEW_YORK)
    skipped = parse_when("sunday 2:30am", thursday_before_spring, NEW_YORK)
    assert skipped is not None and valid(skipped.at)
    assert wall(skipped.at) == (date(2026, 3, 8), time(3, 30)) and skipped.described == "Sunday Mar 8 at 3:30 am"

    thursday_before_fall = datetime(2026, 10, 29, 12, tzinfo=NEW_YORK)
    repeated = parse_when("sunday 1:30am", thursday_before_fall, NEW_YORK)
    assert repeated is not None and valid(repeated.at)
    assert wall(repeated.at) == (date(2026, 11, 1), time(1, 30)) and repeated.at.utcoffset() == timedelta(hours=-4)

    before_fall = datetime(2026, 11, 1, 0, 30, tzinfo=NEW_YORK)
    two_hours = parse_when("in 2 hours", before_fall, NEW_YORK)  # real hours, not wall-clock ones
    assert two_hours is not None and valid(two_hours.at)
    assert two_hours.at.astimezone(UTC) - before_fall.astimezone(UTC) == timedelta(hours=2)
    assert wall(two_hours.at) == (date(2026, 11, 1), time(1, 30)) and two_hours.at.utcoffset() == timedelta(hours=-5)

    before_spring = datetime(2026, 3, 8, 0, 30, tzinfo=NEW_YORK)
    spring = parse_when("in 2 hours", before_spring, NEW_YORK)
    assert spring is not None and wall(spring.at) == (date(2026, 3, 8), time(3, 30)) and valid(spring.at)

    sunday_evening = parse_when("tonight", datetime(2026, 3, 8, 12, tzinfo=NEW_YORK), NEW_YORK)
    assert sunday_evening is not None and sunday_evening.at.utcoffset() == timedelta(hours=-4)


# ---------------------------------------------------------------- time zones


@pytest.mark.parametrize(
    "zip_code, zone",
    [
        ("10001", "America/New_York"),
        ("60601", "America/Chicago"),
        ("85001", "America/Phoenix"),
        ("96813", "Pacific/Honolulu"),
        ("99501", "America/Anchorage"),
        ("00901", "America/Puerto_Rico"),
        ("79901", "America/Denver"),  # El Paso: the ZIP's own zone, not Texas's usual Central
        ("10001-1234", "America/New_York"),
    ],
)
def test_timezone_for_real_zips(zip_code: str, zone: str) -> None:
    assert timezone_for_zip(zip_code) == zone


@pytest.mark.parametrize("zip_code", ["00000", "99999", "abc", "", "1000", "34001"])  # 34001: military, no zone
def test_timezone_for_unknown_zips(zip_code: str) -> None:
    assert timezone_for_zip(zip_code) is None


def test_a_zip_record_with_a_bad_zone_in_a_split_state_gives_none() -> None:
    assert timezone_for_zip("99634") is None  # its record says "Napakiak", not a zone; Alaska has two


def test_state_zone_when_the_zip_has_none(monkeypatch: pytest.MonkeyPatch) -> None:
    def place(state: str, zone: Optional[str]) -> Place:
        return Place(label="test", lat=0.0, lon=0.0, state=state, timezone=zone, zip_code="12345")

    monkeypatch.setattr(when_module, "lookup_zip", lambda code: place("OH", None))
    assert timezone_for_zip("12345") == "America/New_York"
    monkeypatch.setattr(when_module, "lookup_zip", lambda code: place("CO", "Not/AZone"))
    assert timezone_for_zip("12345") == "America/Denver"
    monkeypatch.setattr(when_module, "lookup_zip", lambda code: place("TX", None))
    assert timezone_for_zip("12345") is None  # Central and Mountain: no guess


def test_state_zones_are_real_zones() -> None:
    for zone in set(STATE_ZONES.values()):
        assert ZoneInfo(zone).utcoffset(datetime(2026, 1, 1)) is not None


@pytest.mark.parametrize(
    "answer, zone",
    [
        ("eastern", "America/New_York"),
        ("est", "America/New_York"),
        ("EDT", "America/New_York"),
        ("ET", "America/New_York"),
        ("east coast", "America/New_York"),
        ("I'm on the East Coast!", "America/New_York"),
        ("Eastern Standard Time", "America/New_York"),
        ("estern", "America/New_York"),
        ("central", "America/Chicago"),
        ("CST", "America/Chicago"),
        ("central time", "America/Chicago"),
        ("mountain", "America/Denver"),
        ("MST", "America/Denver"),
        ("arizona", "America/Phoenix"),
        ("Arizona, mountain time", "America/Phoenix"),
        ("pacific", "America/Los_Angeles"),
        ("pacfic", "America/Los_Angeles"),
        ("west coast", "America/Los_Angeles"),
        ("PT", "America/Los_Angeles"),
        ("alaska", "America/Anchorage"),
        ("hawaii", "Pacific/Honolulu"),
        ("Hawai'i", "Pacific/Honolulu"),
        ("puerto rico", "America/Puerto_Rico"),
        ("America/Chicago", "America/Chicago"),
        ("america/los_angeles", "America/Los_Angeles"),
        ("Pacific/Honolulu", "Pacific/Honolulu"),
        ("im in America/Denver i think", "America/Denver"),
    ],
)
def test_time_zone_answers(answer: str, zone: str) -> None:
    assert parse_timezone_answer(answer) == zone


@pytest.mark.parametrize(
    "answer",
    [
        "",
        "i dont know",
        "utc",
        "eastern or central",
        "America/Chicago or America/Denver",
        "Mars/Olympus_Mons",
        "friday",
        "x" * 100_000,
        None,
        42,
        b"eastern",
    ],
)
def test_unclear_time_zone_answers(answer: object) -> None:
    assert parse_timezone_answer(answer) is None
