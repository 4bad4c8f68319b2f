"""The business-time engine across weekends, holidays, DST changes and night shifts (no clock, no DB)."""

import datetime as dt
import random
from zoneinfo import ZoneInfo

import pytest

from sla.business_time import (
    Calendar,
    NoBusinessHoursError,
    add_business_minutes,
    add_minutes,
    business_minutes_between,
    minutes_between,
)

NY = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")
UTC = dt.UTC
NINE_TO_FIVE = {d: ((9 * 60, 17 * 60),) for d in range(5)}


def local(tz, *args):
    return dt.datetime(*args, tzinfo=tz)


def test_friday_afternoon_rolls_over_the_weekend_and_the_spring_dst_change():
    # given New York office hours; DST starts on Sunday 2026-03-08
    cal = Calendar(tz=NY, weekly=NINE_TO_FIVE)
    start = local(NY, 2026, 3, 6, 16, 0)  # Friday 16:00 EST = 21:00 UTC
    # when two business hours are added
    due = add_business_minutes(cal, start, 120)
    # then the clock stops at 17:00 Friday and resumes Monday 09:00 (now EDT, UTC-4)
    assert due == dt.datetime(2026, 3, 9, 14, 0, tzinfo=UTC)
    assert due.astimezone(NY).hour == 10
    assert business_minutes_between(cal, start, due) == 120


def test_autumn_dst_change_keeps_an_eight_hour_day():
    cal = Calendar(tz=NY, weekly=NINE_TO_FIVE)
    start = local(NY, 2026, 10, 30, 9, 0)  # Friday EDT; Sunday 2026-11-01 falls back
    due = add_business_minutes(cal, start, 8 * 60 + 30)
    assert due.astimezone(NY) == local(NY, 2026, 11, 2, 9, 30)
    assert due == dt.datetime(2026, 11, 2, 14, 30, tzinfo=UTC)  # EST, UTC-5


def test_holidays_are_closed_all_day():
    cal = Calendar(tz=BERLIN, weekly=NINE_TO_FIVE, holidays=frozenset({dt.date(2026, 12, 25)}))
    start = local(BERLIN, 2026, 12, 24, 16, 30)  # Thursday; Friday is a holiday
    due = add_business_minutes(cal, start, 60)
    assert due.astimezone(BERLIN) == local(BERLIN, 2026, 12, 28, 9, 30)
    assert business_minutes_between(cal, start, due) == 60


def test_start_before_opening_and_inside_closed_time():
    cal = Calendar(tz=BERLIN, weekly=NINE_TO_FIVE)
    monday_early = local(BERLIN, 2026, 6, 1, 7, 0)
    assert add_business_minutes(cal, monday_early, 30).astimezone(BERLIN) == local(BERLIN, 2026, 6, 1, 9, 30)
    saturday, sunday = local(BERLIN, 2026, 6, 6, 10, 0), local(BERLIN, 2026, 6, 7, 18, 0)
    assert business_minutes_between(cal, saturday, sunday) == 0
    assert add_business_minutes(cal, saturday, 0) == saturday


def test_a_round_the_clock_calendar_counts_real_minutes_on_dst_days():
    cal = Calendar(tz=NY, weekly={d: ((0, 1440),) for d in range(7)})
    # 2026-03-08 has 23 hours in New York, 2026-11-01 has 25
    assert business_minutes_between(cal, local(NY, 2026, 3, 8, 0, 0), local(NY, 2026, 3, 9, 0, 0)) == 23 * 60
    fall_midnight = local(NY, 2026, 11, 1, 0, 0)
    assert add_business_minutes(cal, fall_midnight, 25 * 60).astimezone(NY) == local(NY, 2026, 11, 2, 0, 0)


def test_hours_inside_the_spring_forward_gap_start_after_the_gap():
    # open 02:00-04:00 on Sundays; on 2026-03-08 02:00-03:00 does not exist in New York
    cal = Calendar(tz=NY, weekly={6: ((120, 240),)})
    day_start, day_end = local(NY, 2026, 3, 8, 0, 0), local(NY, 2026, 3, 8, 23, 0)
    assert business_minutes_between(cal, day_start, day_end) == 60
    assert business_minutes_between(cal, local(NY, 2026, 3, 15, 0, 0), local(NY, 2026, 3, 15, 23, 0)) == 120


def test_night_shift_across_midnight():
    # Monday 22:00 to Tuesday 06:00 expressed as two intervals
    cal = Calendar(tz=BERLIN, weekly={0: ((22 * 60, 1440),), 1: ((0, 6 * 60),)})
    start = local(BERLIN, 2026, 6, 1, 23, 0)
    assert add_business_minutes(cal, start, 120).astimezone(BERLIN) == local(BERLIN, 2026, 6, 2, 1, 0)
    assert add_business_minutes(cal, start, 7 * 60).astimezone(BERLIN) == local(BERLIN, 2026, 6, 2, 6, 0)
    assert add_business_minutes(cal, start, 7 * 60 + 30).astimezone(BERLIN) == local(
        BERLIN, 2026, 6, 8, 22, 30
    )


def test_a_calendar_without_hours_fails_loudly():
    cal = Calendar(tz=BERLIN, weekly={})
    with pytest.raises(NoBusinessHoursError):
        add_business_minutes(cal, local(BERLIN, 2026, 1, 1, 0, 0), 1)


def test_calendar_minutes_without_a_calendar():
    start = local(NY, 2026, 3, 7, 12, 0)
    assert add_minutes(None, start, 24 * 60) == start + dt.timedelta(days=1)
    assert minutes_between(None, start, start + dt.timedelta(hours=3)) == 180


def test_negative_span_and_negative_minutes():
    cal = Calendar(tz=BERLIN, weekly=NINE_TO_FIVE)
    a, b = local(BERLIN, 2026, 6, 1, 9, 0), local(BERLIN, 2026, 6, 1, 10, 0)
    assert business_minutes_between(cal, b, a) == -60
    with pytest.raises(ValueError, match="negative"):
        add_business_minutes(cal, a, -1)


@pytest.mark.parametrize("tz", [NY, BERLIN, ZoneInfo("Australia/Lord_Howe")])
def test_adding_then_measuring_gives_back_the_minutes(tz):
    # Lord Howe shifts by 30 minutes at DST: the odd case for wall-clock arithmetic
    rng = random.Random(20261125)
    cal = Calendar(
        tz=tz,
        weekly={
            0: ((8 * 60, 12 * 60), (13 * 60, 18 * 60)),
            2: ((0, 1440),),
            4: ((9 * 60, 17 * 60),),
            6: ((60, 180),),
        },
        holidays=frozenset({dt.date(2026, 4, 3), dt.date(2026, 10, 2)}),
    )
    base = dt.datetime(2026, 1, 1, tzinfo=UTC)
    for _ in range(300):
        start = base + dt.timedelta(minutes=rng.randrange(0, 365 * 24 * 60))
        minutes = rng.randrange(1, 5000)
        due = add_business_minutes(cal, start, minutes)
        assert due > start
        assert business_minutes_between(cal, start, due) == pytest.approx(minutes)
        # the due instant is inside open time (or at an interval's end)
        assert business_minutes_between(cal, start, due - dt.timedelta(minutes=1)) == pytest.approx(
            minutes - 1
        )
