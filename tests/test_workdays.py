"""Working-day deadlines: weekends, configured holidays and make-up days (调休上班)."""

from __future__ import annotations

import datetime as dt
import doctest
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from onewindow import workdays
from onewindow.config import Config
from onewindow.workdays import WorkCalendar

PLAIN = WorkCalendar()
FRIDAY = date(2026, 3, 6)
SATURDAY = date(2026, 3, 7)
MONDAY = date(2026, 3, 9)


@pytest.fixture
def hall(config: Config) -> WorkCalendar:
    """The sample hall's calendar, straight from config.toml."""
    return WorkCalendar(config.holidays, config.workdays)


def test_deadline_counts_from_the_day_after_acceptance() -> None:
    assert PLAIN.add_workdays(MONDAY, 1) == date(2026, 3, 10)


def test_deadline_skips_the_weekend() -> None:
    assert PLAIN.add_workdays(FRIDAY, 1) == MONDAY
    assert PLAIN.add_workdays(FRIDAY, 5) == date(2026, 3, 13)
    assert PLAIN.add_workdays(date(2026, 3, 4), 3) == MONDAY


def test_acceptance_on_a_weekend_counts_from_monday() -> None:
    assert PLAIN.add_workdays(SATURDAY, 1) == MONDAY


def test_zero_days_is_the_acceptance_day_itself() -> None:
    assert PLAIN.add_workdays(FRIDAY, 0) == FRIDAY
    assert PLAIN.add_workdays(SATURDAY, 0) == SATURDAY


def test_negative_limit_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        PLAIN.add_workdays(FRIDAY, -1)


def test_sample_config_marks_national_day_and_its_make_up_days(hall: WorkCalendar) -> None:
    assert not hall.is_workday(date(2026, 10, 1))  # Thursday, holiday
    assert not hall.is_workday(date(2026, 10, 3))  # Saturday inside the break
    assert hall.is_workday(date(2026, 9, 27))  # Sunday, make-up workday
    assert hall.is_workday(date(2026, 10, 10))  # Saturday, make-up workday
    assert hall.is_workday(date(2026, 10, 8))  # Thursday after the break


def test_deadline_jumps_the_national_day_break(hall: WorkCalendar) -> None:
    # Accepted Wednesday 30 Sep: 1-7 Oct are off, so day 1 is Thursday 8 Oct and
    # day 3 is the make-up Saturday 10 Oct.
    accepted = date(2026, 9, 30)
    assert hall.add_workdays(accepted, 1) == date(2026, 10, 8)
    assert hall.add_workdays(accepted, 2) == date(2026, 10, 9)
    assert hall.add_workdays(accepted, 3) == date(2026, 10, 10)
    assert hall.add_workdays(accepted, 4) == date(2026, 10, 12)


def test_make_up_sunday_counts_as_a_working_day(hall: WorkCalendar) -> None:
    assert hall.add_workdays(date(2026, 9, 25), 1) == date(2026, 9, 27)
    assert hall.add_workdays(date(2026, 2, 13), 1) == date(2026, 2, 14)


def test_holiday_on_a_sunday_changes_nothing(hall: WorkCalendar) -> None:
    # 2026-04-05 (Qingming) falls on a Sunday.
    assert hall.add_workdays(date(2026, 4, 3), 1) == date(2026, 4, 6)


def test_workdays_between_excludes_start_and_includes_end(hall: WorkCalendar) -> None:
    assert hall.workdays_between(date(2026, 9, 30), date(2026, 10, 8)) == 1
    assert hall.workdays_between(date(2026, 9, 30), date(2026, 10, 10)) == 3
    assert hall.workdays_between(FRIDAY, FRIDAY) == 0


def test_workdays_between_is_negative_backwards(hall: WorkCalendar) -> None:
    assert hall.workdays_between(date(2026, 10, 10), date(2026, 9, 30)) == -3


def test_remaining_counts_down_to_zero_on_the_deadline() -> None:
    deadline = date(2026, 3, 11)
    assert PLAIN.remaining(date(2026, 3, 9), deadline) == 2
    assert PLAIN.remaining(deadline, deadline) == 0
    assert PLAIN.remaining(date(2026, 3, 13), deadline) == -2


def test_remaining_after_a_friday_deadline_is_zero_over_the_weekend() -> None:
    # Documented: overdue is `today > deadline`, not `remaining < 0`.
    assert PLAIN.remaining(SATURDAY, FRIDAY) == 0
    assert PLAIN.remaining(MONDAY, FRIDAY) == -1


def test_a_date_cannot_be_both_holiday_and_make_up_day() -> None:
    with pytest.raises(ValueError, match="2026-10-10"):
        WorkCalendar({date(2026, 10, 10)}, {date(2026, 10, 10)})


def test_datetimes_are_refused_because_they_never_equal_a_holiday() -> None:
    with pytest.raises(TypeError, match="datetime"):
        PLAIN.is_workday(dt.datetime(2026, 10, 1, 9, 0))
    with pytest.raises(TypeError):
        WorkCalendar(holidays=[dt.datetime(2026, 10, 1)])


def test_module_examples_hold() -> None:
    assert doctest.testmod(workdays).failed == 0


# --- invariants ---------------------------------------------------------------------

DAYS = st.dates(min_value=date(2024, 1, 1), max_value=date(2028, 12, 31))


@st.composite
def calendars(draw: st.DrawFn) -> WorkCalendar:
    """Random holidays and make-up days, disjoint like a real State Council notice."""
    holidays = draw(st.sets(DAYS, max_size=40))
    workdays = draw(st.sets(DAYS, max_size=15)) - holidays
    return WorkCalendar(holidays, workdays)


def _count_by_walking(cal: WorkCalendar, a: date, b: date) -> int:
    lo, hi = sorted((a, b))
    days = (lo + dt.timedelta(days=i) for i in range(1, (hi - lo).days + 1))
    count = sum(cal.is_workday(d) for d in days)
    return count if b >= a else -count


@given(calendars(), DAYS, st.integers(min_value=1, max_value=80))
def test_deadline_is_always_a_workday(cal: WorkCalendar, start: date, n: int) -> None:
    assert cal.is_workday(cal.add_workdays(start, n))


@given(calendars(), DAYS, st.integers(min_value=0, max_value=80))
def test_deadline_is_exactly_n_workdays_after_start(cal: WorkCalendar, start: date, n: int) -> None:
    deadline = cal.add_workdays(start, n)
    assert cal.workdays_between(start, deadline) == n
    if n > 0:  # and not a day later than it needs to be
        assert cal.workdays_between(start, deadline - dt.timedelta(days=1)) == n - 1


@given(calendars(), DAYS, DAYS)
def test_counting_arithmetically_matches_walking_day_by_day(
    cal: WorkCalendar, a: date, b: date
) -> None:
    assert cal.workdays_between(a, b) == _count_by_walking(cal, a, b)


@given(calendars(), DAYS, DAYS, DAYS)
def test_workdays_between_adds_up_over_consecutive_ranges(
    cal: WorkCalendar, a: date, b: date, c: date
) -> None:
    total = cal.workdays_between(a, b) + cal.workdays_between(b, c)
    assert total == cal.workdays_between(a, c)
