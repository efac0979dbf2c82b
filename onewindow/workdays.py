"""Working-day arithmetic for case deadlines (办结时限).

Chinese administrative time limits are counted in working days (工作日): the Administrative
Licensing Law (《中华人民共和国行政许可法》第八十二条) says limits are counted in working
days and exclude public holidays. So a hall needs three facts about every date:

- Saturdays and Sundays are days off,
- public holidays (`[holidays] dates` in config.toml) are days off even on a weekday,
- make-up working days (调休上班, `[holidays] workdays`) are working days even on a weekend.

A deadline is counted from the day *after* acceptance: a case accepted on Friday with a
limit of 1 working day is due the next working day, normally Monday. All dates here are
the hall's local calendar dates; the caller converts "now" in the hall's time zone, so this
module never reads a clock.

    >>> cal = WorkCalendar(holidays={date(2026, 10, 1)}, workdays={date(2026, 10, 10)})
    >>> cal.add_workdays(date(2026, 9, 30), 1)   # Thu 1 Oct is a holiday
    datetime.date(2026, 10, 2)
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable
from datetime import date

_ONE_DAY = dt.timedelta(days=1)


def _weekdays_through(day: date) -> int:
    """Mondays to Fridays from 0001-01-01 (a Monday) up to and including `day`."""
    ordinal = day.toordinal()
    return ordinal // 7 * 5 + min(ordinal % 7, 5)


def _plain_date(day: date) -> date:
    # A datetime is a date subclass but never equals one, so a datetime would silently
    # miss every holiday; and which date it means depends on a time zone we don't know.
    if isinstance(day, dt.datetime):
        raise TypeError(f"需要日期而非时间 expected the hall's local date, got datetime {day!r}")
    return day


class WorkCalendar:
    """Which dates are working days, and counting with them.

    `holidays` are days off (法定节假日) and `workdays` are make-up working days on a
    weekend (调休上班日); a date may not be both. Built once from the config:
    `WorkCalendar(config.holidays, config.workdays)`.
    """

    __slots__ = ("_days_off", "_days_on", "holidays", "workdays")

    def __init__(self, holidays: Iterable[date] = (), workdays: Iterable[date] = ()) -> None:
        self.holidays = frozenset(_plain_date(d) for d in holidays)
        self.workdays = frozenset(_plain_date(d) for d in workdays)
        clash = self.holidays & self.workdays
        if clash:
            raise ValueError(
                f"{min(clash)} 既是节假日又是调休上班日 is both a holiday and a make-up workday"
            )
        # Only the exceptions that change a day's kind matter when counting: a holiday on a
        # Sunday or a "make-up workday" on a Tuesday changes nothing.
        self._days_off = tuple(sorted(d for d in self.holidays if d.weekday() < 5))
        self._days_on = tuple(sorted(d for d in self.workdays if d.weekday() >= 5))

    def __repr__(self) -> str:
        return f"WorkCalendar({len(self.holidays)} holidays, {len(self.workdays)} workdays)"

    def is_workday(self, day: date) -> bool:
        """True on a weekday that is not a holiday, and on a make-up working day."""
        day = _plain_date(day)
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def add_workdays(self, start: date, n: int) -> date:
        """The `n`-th working day after `start`: the deadline of an item with an `n`-day limit.

        Counting starts the day after `start`, so for `n > 0` the answer is always a working
        day and `start` itself never counts; `n == 0` (an immediate item) gives `start`.
        """
        if n < 0:
            raise ValueError(f"工作日数不能为负 working days must not be negative: {n}")
        day = _plain_date(start)
        while n > 0:
            day += _ONE_DAY
            if self.is_workday(day):
                n -= 1
        return day

    def workdays_between(self, a: date, b: date) -> int:
        """Working days after `a` up to and including `b`; negative when `b` is before `a`.

        Counted arithmetically (weekdays, minus weekday holidays, plus weekend make-up days
        in the range), so a range of any length costs the same.
        """
        a, b = _plain_date(a), _plain_date(b)
        if b < a:
            return -self.workdays_between(b, a)
        count = _weekdays_through(b) - _weekdays_through(a)
        count -= bisect.bisect_right(self._days_off, b) - bisect.bisect_right(self._days_off, a)
        count += bisect.bisect_right(self._days_on, b) - bisect.bisect_right(self._days_on, a)
        return count

    def remaining(self, today: date, deadline: date) -> int:
        """Working days left before `deadline`, not counting today.

        0 on the deadline itself (the case must be finished today), negative once working
        days have passed since it. Whether a case is overdue is `today > deadline`: on the
        Saturday after a Friday deadline `remaining` is still 0, yet the case is late.
        """
        return self.workdays_between(today, deadline)
