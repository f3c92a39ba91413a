"""Is a place open at a given moment? HSDS schedules are RFC 5545-like weekly or monthly rules.

Times are read as local time at the location (its IANA zone, from its ZIP
code) unless the data gives an explicit UTC offset. The answer is True,
False, or None when the hours are unknown: a service with no usable hours is
never claimed to be open.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, List, Optional, Sequence

DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True)
class Rule:
    """The fields of one schedule row that matter for 'open now'."""

    opens_min: Optional[int]
    closes_min: Optional[int]
    freq: Optional[str] = None
    interval: Optional[int] = None
    byday: Optional[str] = None
    bymonthday: Optional[str] = None
    valid_from: Optional[dt.date] = None
    valid_to: Optional[dt.date] = None
    dtstart: Optional[dt.date] = None
    until: Optional[dt.date] = None
    utc_offset_min: Optional[int] = None
    closed: bool = False


@lru_cache(maxsize=256)
def _zone(name: str) -> Optional[dt.tzinfo]:
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo(name)
    except Exception:  # unknown zone, or no tz database on this machine
        return None


def local_time(now: dt.datetime, tz_name: Optional[str], offset_min: Optional[int]) -> Optional[dt.datetime]:
    """`now` (aware; naive is taken as UTC) at the location; None if its zone is unknown."""
    if now.tzinfo is None:
        now = now.replace(tzinfo=dt.timezone.utc)
    if offset_min is not None:
        return now.astimezone(dt.timezone(dt.timedelta(minutes=offset_min)))
    zone = _zone(tz_name) if tz_name else None
    return now.astimezone(zone) if zone else None


def _in_range(rule: Rule, day: dt.date) -> bool:
    if rule.valid_from and day < rule.valid_from:
        return False
    if rule.valid_to and day > rule.valid_to:
        return False
    if rule.until and day > rule.until:
        return False
    if rule.dtstart and day < rule.dtstart and (rule.interval or 1) > 1:
        return False
    return True


def _nth_weekday_matches(day: dt.date, spec: str) -> bool:
    """'2MO' second Monday; '-1FR' last Friday; 'MO' any Monday."""
    code = spec[-2:]
    if code not in DAY_CODES or DAY_CODES.index(code) != day.weekday():
        return False
    nth = spec[:-2].lstrip("+")
    if not nth:
        return True
    n = int(nth)
    if n > 0:
        return (day.day - 1) // 7 + 1 == n
    days_in_month = calendar.monthrange(day.year, day.month)[1]
    return (days_in_month - day.day) // 7 + 1 == -n


def _day_matches(rule: Rule, day: dt.date) -> bool:
    if not _in_range(rule, day):
        return False
    freq = (rule.freq or "WEEKLY").upper()
    byday = [p for p in (rule.byday or "").split(",") if p]
    if freq == "MONTHLY":
        if rule.bymonthday:
            days_in_month = calendar.monthrange(day.year, day.month)[1]
            wanted = {int(x) if int(x) > 0 else days_in_month + int(x) + 1 for x in rule.bymonthday.split(",") if x}
            if day.day not in wanted:
                return False
            return not byday or any(_nth_weekday_matches(day, p[-2:]) for p in byday)
        return any(_nth_weekday_matches(day, p) for p in byday) if byday else True
    if byday and DAY_CODES[day.weekday()] not in {p[-2:] for p in byday}:
        return False
    interval = rule.interval or 1
    if interval > 1 and rule.dtstart:
        start_week = rule.dtstart - dt.timedelta(days=rule.dtstart.weekday())
        this_week = day - dt.timedelta(days=day.weekday())
        if ((this_week - start_week).days // 7) % interval:
            return False
    return True


def _open_by_rule(rule: Rule, local: dt.datetime) -> bool:
    opens, closes = rule.opens_min, rule.closes_min
    if opens is None or closes is None:
        return False
    minute = local.hour * 60 + local.minute
    today = local.date()
    if closes > opens:  # same-day hours (closes may be 1440 for "24:00")
        return _day_matches(rule, today) and opens <= minute < closes
    if closes == opens:  # 00:00–00:00 and the like: open all day
        return _day_matches(rule, today)
    # Past midnight: open from `opens` today, or until `closes` on the morning after a matching day.
    return (_day_matches(rule, today) and minute >= opens) or (
        _day_matches(rule, today - dt.timedelta(days=1)) and minute < closes
    )


def is_open(rules: Sequence[Rule], now: dt.datetime, tz_name: Optional[str]) -> Optional[bool]:
    """True/False from the rules at `now`; None when there are no usable hours or no known zone."""
    usable = [r for r in rules if r.closed or (r.opens_min is not None and r.closes_min is not None)]
    if not usable:
        return None
    unknown = False
    for rule in (r for r in usable if r.closed):
        local = local_time(now, tz_name, rule.utc_offset_min)
        if local is None:
            unknown = True
        elif _in_range(rule, local.date()):
            return False  # a holiday closure wins over regular hours
    for rule in (r for r in usable if not r.closed):
        local = local_time(now, tz_name, rule.utc_offset_min)
        if local is None:
            unknown = True
        elif _open_by_rule(rule, local):
            return True
    return None if unknown else False


def describe(rules: Iterable[Rule]) -> List[str]:
    """Short lines like 'MO,TU 09:00-17:00' for staff listings."""
    out = []
    for r in rules:
        if r.closed:
            out.append(f"closed {r.valid_from}–{r.valid_to}")
        elif r.opens_min is not None and r.closes_min is not None:
            days = r.byday or r.bymonthday or "daily"
            opens, closes = divmod(r.opens_min, 60), divmod(r.closes_min, 60)
            out.append(f"{days} {opens[0]:02d}:{opens[1]:02d}-{closes[0]:02d}:{closes[1]:02d}")
    return out
