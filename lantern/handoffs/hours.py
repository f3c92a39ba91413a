"""Staffed hours: when a person from the organisation can take a conversation over (LANTERN_STAFFED_HOURS).

The setting lists days and times on one clock (LANTERN_STAFFED_TZ), e.g. ``Mon-Fri 09:00-17:00, Sat
10:00-14:00``. Empty means nobody is on duty: the bot then never says a person will come. A range
may cross midnight (``Fri 22:00-02:00`` runs into Saturday morning), and ``24:00`` ends a day.
The bot says these hours back to a person outside them, so `describe` writes them the way people
read them, never in the setting's syntax.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import List, Tuple
from zoneinfo import ZoneInfo

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_PART = re.compile(
    r"^(?P<days>[a-z]{3}(?:\s*-\s*[a-z]{3})?(?:\s*/\s*[a-z]{3}(?:\s*-\s*[a-z]{3})?)*)\s+"
    r"(?P<start>\d{1,2}:\d{2})\s*-\s*(?P<end>\d{1,2}:\d{2})$"
)


@dataclass(frozen=True)
class Shift:
    """One staffed stretch: a weekday (0 = Monday) and minutes from that day's midnight (end may pass 1440)."""

    day: int
    start: int
    end: int


@dataclass(frozen=True)
class StaffedHours:
    """The parsed setting: the shifts on one clock. No shifts: nobody is ever on duty."""

    shifts: Tuple[Shift, ...]
    tz: str
    text: str  # the setting as given, for the error message and the docs

    def _local(self, now: float) -> datetime:
        return datetime.fromtimestamp(now, timezone.utc).astimezone(ZoneInfo(self.tz))

    def is_staffed(self, now: float) -> bool:
        """Whether `now` (epoch seconds) falls in a shift, on the staff's clock."""
        local = self._local(now)
        minute = local.hour * 60 + local.minute
        today, yesterday = local.weekday(), (local.weekday() - 1) % 7
        for shift in self.shifts:
            if shift.day == today and shift.start <= minute < min(shift.end, 1440):
                return True
            if shift.day == yesterday and shift.end > 1440 and minute < shift.end - 1440:
                return True
        return False

    def describe(self) -> str:
        """The hours as a person reads them: "Mon-Fri 9am-5pm, Sat 10am-2pm (EST)"."""
        if not self.shifts:
            return ""
        by_time: dict = {}
        for shift in self.shifts:
            by_time.setdefault((shift.start, shift.end), []).append(shift.day)
        parts = []
        for (start, end), days in sorted(by_time.items(), key=lambda item: min(item[1])):
            times = "all day" if (start, end) == (0, 1440) else f"{_clock(start)}-{_clock(end)}"
            parts.append(f"{_days(sorted(days))}, {times}" if times == "all day" else f"{_days(sorted(days))} {times}")
        zone = datetime.now(ZoneInfo(self.tz)).tzname() or self.tz
        return ", ".join(parts) + f" ({zone})"


def _days(days: List[int]) -> str:
    """[0,1,2,3,4] -> "Mon-Fri"; [0,2] -> "Mon, Wed"; all seven -> "every day"."""
    if len(days) == 7:
        return "every day"
    runs: List[List[int]] = []
    for day in days:
        if runs and day == runs[-1][-1] + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return ", ".join(
        DAY_NAMES[run[0]] if len(run) == 1 else f"{DAY_NAMES[run[0]]}-{DAY_NAMES[run[-1]]}" for run in runs
    )


def _clock(minutes: int) -> str:
    """540 -> "9am", 750 -> "12:30pm", 0 -> "midnight", 1440 -> "midnight"."""
    if minutes % 1440 == 0:
        return "midnight"
    hour, minute = divmod(minutes, 60)
    if hour == 12 and minute == 0:
        return "noon"
    suffix = "am" if hour < 12 else "pm"
    shown = hour % 12 or 12
    return f"{shown}{suffix}" if minute == 0 else f"{shown}:{minute:02d}{suffix}"


def _minutes(value: str) -> int:
    hour, minute = (int(part) for part in value.split(":"))
    if not (0 <= hour <= 24 and 0 <= minute < 60) or (hour == 24 and minute):
        raise ValueError(f"{value!r} is not a time of day (00:00 to 24:00)")
    return hour * 60 + minute


def _day_span(text: str) -> List[int]:
    days: List[int] = []
    for piece in text.split("/"):
        ends = [part.strip() for part in piece.split("-")]
        try:
            first, last = DAYS.index(ends[0]), DAYS.index(ends[-1])
        except ValueError:
            raise ValueError(f"{piece.strip()!r}: days are Mon, Tue, Wed, Thu, Fri, Sat, Sun") from None
        span = range(first, last + 1) if first <= last else list(range(first, 7)) + list(range(0, last + 1))
        days.extend(span)
    return days


def parse_staffed_hours(text: str, tz: str) -> StaffedHours:
    """Read the setting; a mistake raises ValueError saying what is wrong (checked at start-up)."""
    try:
        ZoneInfo(tz)
    except (ValueError, KeyError):
        raise ValueError(f"unknown time zone {tz!r} (an IANA name such as America/New_York)") from None
    shifts: List[Shift] = []
    for raw in (part.strip().lower() for part in (text or "").split(",")):
        if not raw:
            continue
        found = _PART.match(raw)
        if not found:
            raise ValueError(f"{raw!r} is not like 'Mon-Fri 09:00-17:00'")
        start, end = _minutes(found["start"]), _minutes(found["end"])
        if start == end:
            raise ValueError(f"{raw!r} starts and ends at the same time")
        if end < start:
            end += 1440  # runs past midnight into the next day
        shifts.extend(Shift(day, start, end) for day in _day_span(found["days"]))
    return StaffedHours(tuple(shifts), tz, text or "")
