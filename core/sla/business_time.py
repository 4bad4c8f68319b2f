"""Pure business-time arithmetic: open intervals of a calendar, adding and measuring business minutes.

A calendar is a time zone, weekly opening hours in local wall time and whole-day
holidays. Minutes are real elapsed minutes (computed in UTC), so an 09:00-17:00 day is
eight hours on a DST change day too, and a 24-hour day is 23 or 25 hours then.
Nothing here touches the database or the clock; every instant is an aware datetime.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

UTC = dt.UTC
# No calendar sensibly needs more than this to find its next open minute; a calendar with
# no open hours at all (or only holidays) would otherwise loop forever.
MAX_DAYS_AHEAD = 3 * 366


class NoBusinessHoursError(ValueError):
    """The calendar has no open time within the search horizon."""


@dataclass(frozen=True)
class Calendar:
    """`weekly[weekday]` (Monday = 0) holds (start, end) minutes after local midnight, end <= 1440."""

    tz: ZoneInfo
    weekly: dict[int, tuple[tuple[int, int], ...]]
    holidays: frozenset[dt.date] = field(default_factory=frozenset)

    @classmethod
    def always_open(cls) -> Calendar:
        return cls(tz=ZoneInfo("UTC"), weekly={d: ((0, 1440),) for d in range(7)})


def _local_instant(day: dt.date, minute: int, tz: ZoneInfo) -> dt.datetime:
    """The UTC instant of `minute` after local midnight of `day` (1440 = next midnight).

    A wall time skipped by a spring-forward change maps to the instant just after the
    gap (zoneinfo uses the offset in force before it), which is what opening hours mean.
    """
    day = day + dt.timedelta(days=minute // 1440)
    minute %= 1440
    local = dt.datetime.combine(day, dt.time(minute // 60, minute % 60), tzinfo=tz)
    return local.astimezone(UTC)


def open_intervals(cal: Calendar, start: dt.datetime) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    """Open (from, to) UTC intervals that end after `start`, in time order, clipped to start."""
    if start.tzinfo is None:
        raise ValueError("start must be an aware datetime")
    start = start.astimezone(UTC)
    # Begin a day early: an interval of yesterday's local date may still be running.
    day = start.astimezone(cal.tz).date() - dt.timedelta(days=1)
    for _ in range(MAX_DAYS_AHEAD):
        if day not in cal.holidays:
            for begin_min, end_min in cal.weekly.get(day.weekday(), ()):
                begin = _local_instant(day, begin_min, cal.tz)
                end = _local_instant(day, end_min, cal.tz)
                if end <= start or end <= begin:
                    continue
                yield max(begin, start), end
        day += dt.timedelta(days=1)


def add_business_minutes(cal: Calendar, start: dt.datetime, minutes: float) -> dt.datetime:
    """The instant at which `minutes` of open time have passed since `start`.

    Zero minutes from a closed moment is `start` itself (nothing is owed yet).
    """
    if minutes < 0:
        raise ValueError("minutes must not be negative")
    if minutes == 0:
        return start.astimezone(UTC)
    remaining = dt.timedelta(minutes=minutes)
    for begin, end in open_intervals(cal, start):
        length = end - begin
        if remaining <= length:
            return begin + remaining
        remaining -= length
    raise NoBusinessHoursError("the calendar has no open hours within three years")


def business_minutes_between(cal: Calendar, a: dt.datetime, b: dt.datetime) -> float:
    """Open minutes in [a, b); negative if b is before a."""
    if b < a:
        return -business_minutes_between(cal, b, a)
    total = dt.timedelta()
    for begin, end in open_intervals(cal, a):
        if begin >= b:
            break
        total += min(end, b) - begin
    return total.total_seconds() / 60


def add_minutes(cal: Calendar | None, start: dt.datetime, minutes: float) -> dt.datetime:
    """Business minutes with a calendar, calendar (wall-clock) minutes without one."""
    if cal is None:
        return start + dt.timedelta(minutes=minutes)
    return add_business_minutes(cal, start, minutes)


def minutes_between(cal: Calendar | None, a: dt.datetime, b: dt.datetime) -> float:
    if cal is None:
        return (b - a).total_seconds() / 60
    return business_minutes_between(cal, a, b)
