"""Report figures of days played through the real API equal the figures worked out by hand.

The days are in tests/reports_scenario.py; every time there is set on a simulated
clock, so waits and service times are exact to the second.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from onewindow import protocol as p
from onewindow.config import Config
from queue_server.http.app import create_app
from queue_server.reports import Period, compute
from tests.api_helpers import act, add_staff, issue, login
from tests.reports_scenario import TZ, played

Scenario = tuple[Path, Config, dict[str, Any]]
SEP_28 = Period.day(dt.date(2040, 9, 28))


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    return played(tmp_path_factory)


def durations(*values: float) -> p.Durations:
    """Count, mean, median and p90 of the values, nearest rank, worked out here by hand."""
    if not values:
        return p.Durations(count=0, mean_s=None, median_s=None, p90_s=None)
    ranked = sorted(values)
    n = len(ranked)
    median, p90 = ranked[-(-n // 2) - 1], ranked[-(-n * 9 // 10) - 1]
    return p.Durations(count=n, mean_s=round(sum(values) / n, 1), median_s=median, p90_s=p90)


def tickets(
    issued: int,
    visitors: int,
    served: int,
    no_show: int,
    cancelled: int,
    waits: tuple[float, ...],
    services: tuple[float, ...],
) -> p.TicketFigures:
    return p.TicketFigures(
        issued=issued,
        visitors=visitors,
        called=len(waits),
        served=served,
        no_show=no_show,
        cancelled=cancelled,
        expired=0,
        no_show_rate=no_show / issued,
        cancel_rate=cancelled / issued,
        wait=durations(*waits),
        service=durations(*services),
    )


def cases(
    accepted: int = 0, immediate: int = 0, finished: int = 0, early: int = 0, overdue: int = 0
) -> p.CaseFigures:
    return p.CaseFigures(
        accepted=accepted,
        immediate=immediate,
        finished=finished,
        finished_early=early,
        overdue=overdue,
        early_rate=early / finished if finished else None,
        immediate_share=immediate / accepted if accepted else None,
    )


def ratings(*scores: int, followed: int = 0) -> p.RatingFigures:
    count = len(scores)
    return p.RatingFigures(
        count=count,
        score_5=scores.count(5),
        score_4=scores.count(4),
        score_3=scores.count(3),
        score_2=scores.count(2),
        score_1=scores.count(1),
        satisfaction_rate=sum(s >= 4 for s in scores) / count if count else None,
        bad=sum(s <= 2 for s in scores),
        bad_followed_up=followed,
    )


def by_key(groups: list[p.GroupFigures]) -> dict[str, p.GroupFigures]:
    return {g.key: g for g in groups}


def test_hall_figures_of_the_day(scenario: Scenario) -> None:
    db, config, _ = scenario
    report = compute(db, config, SEP_28)
    hall = report.hall_figures
    # Waits: A001 600, A002 840, B001 540, F001 540, A003 1800, T001 60, A004 300 (H001
    # was cancelled uncalled). Service: A001 600 (start→finish), A002 480 (its last call,
    # at window 5, → finish), F001 480 (call → referral), A003 600, T001 1080, A004 300.
    assert hall.tickets == tickets(
        8, 7, 6, 1, 1, (600, 840, 540, 540, 1800, 60, 300), (600, 480, 480, 600, 1080, 300)
    )
    assert hall.tickets.wait == p.Durations(count=7, mean_s=668.6, median_s=540.0, p90_s=1800.0)
    assert hall.tickets.service == p.Durations(count=6, mean_s=590.0, median_s=480.0, p90_s=1080.0)
    # MZ-003 and SJ-102 accepted; RS-001 (即办件) accepted and decided at once, on its
    # deadline day, so not early; GA-002 lacked a material and was never accepted.
    assert hall.cases == cases(accepted=3, immediate=1, finished=1)
    assert hall.ratings == ratings(5, 2, 4, followed=1)
    assert (report.first_day, report.last_day, report.live) == (SEP_28.first, SEP_28.last, False)


def test_figures_per_service_window_clerk_and_channel(scenario: Scenario) -> None:
    db, config, _ = scenario
    report = compute(db, config, SEP_28)
    services = by_key(report.services)
    assert list(services) == ["A", "B", "F", "H"]  # in the config's order
    assert services["A"].tickets == tickets(3, 3, 3, 0, 0, (600, 1800, 300), (600, 600, 300))
    # A002 moved to B by its transfer and counts there; B001 was the no-show.
    assert services["B"].tickets == tickets(2, 2, 1, 1, 0, (840, 540), (480,))
    assert services["F"].tickets == tickets(2, 1, 2, 0, 0, (540, 60), (480, 1080))
    assert services["H"].tickets == tickets(1, 1, 0, 0, 1, (), ())
    assert services["A"].cases == cases(accepted=2, immediate=1, finished=1)
    assert services["F"].cases == cases(accepted=1)
    assert services["A"].ratings == ratings(5, 4)
    assert services["B"].ratings == ratings(2, followed=1)
    windows = by_key(report.windows)
    assert list(windows) == ["1", "5", "9", "13"]  # H001 never reached a window
    assert windows["5"].name_zh == "综合受理5号窗"
    assert windows["5"].tickets == tickets(3, 3, 3, 0, 0, (600, 840, 300), (600, 480, 300))
    assert windows["13"].tickets == tickets(2, 2, 1, 1, 0, (540, 1800), (600,))
    assert windows["1"].tickets == tickets(1, 1, 1, 0, 0, (540,), (480,))
    assert windows["9"].tickets == tickets(1, 0, 1, 0, 0, (60,), (1080,))
    assert windows["5"].cases == cases(accepted=2, immediate=1, finished=1)
    assert windows["9"].cases == cases(accepted=1)  # the pre-check from window 1 was submitted at 9
    assert windows["13"].cases == cases()
    assert windows["5"].ratings == ratings(5, 2, followed=1)
    assert windows["13"].ratings == ratings(4)
    clerks = by_key(report.clerks)
    assert {k: g.tickets for k, g in clerks.items()} == {
        "1001": windows["1"].tickets,
        "1002": windows["13"].tickets,
        "1003": windows["9"].tickets,
        "1005": windows["5"].tickets,
    }
    assert all(g.name_zh == f"工号 {g.key}" for g in clerks.values())
    channels = by_key(report.channels)
    issued = [(k, g.tickets.issued, g.tickets.visitors) for k, g in channels.items() if g.tickets]
    assert issued == [("kiosk", 7, 7), ("window", 1, 0)]
    assert all(g.cases is None and g.ratings is None for g in channels.values())


def test_figures_per_item_hour_and_wait_bucket(scenario: Scenario) -> None:
    db, config, _ = scenario
    report = compute(db, config, SEP_28)
    items = by_key(report.items)
    assert {k: (g.cases, g.ratings) for k, g in items.items()} == {
        "440105-GA-002": (cases(), ratings(4)),
        "440105-MZ-003": (cases(accepted=1), ratings(5)),
        "440105-RS-001": (cases(accepted=1, immediate=1, finished=1), ratings(2, followed=1)),
        "440105-SJ-102": (cases(accepted=1), ratings()),
    }
    assert all(g.tickets is None for g in items.values())
    assert items["440105-SJ-102"].name_zh.startswith("食品")
    assert [(h.hour, h.issued) for h in report.hours if h.issued] == [(8, 8)]
    assert report.hours[8].wait == report.hall_figures.tickets.wait  # type: ignore[union-attr]
    buckets = {(b.from_min, b.to_min): b.count for b in report.wait_distribution}
    assert {k: v for k, v in buckets.items() if v} == {
        (0, 5): 1,
        (5, 10): 3,
        (10, 15): 2,
        (30, 45): 1,
    }
    assert report.bad_ratings == [
        p.BadRating(
            id=2,
            business_day=SEP_28.first,
            ticket_number="A002",
            service="B",
            window=5,
            staff_id="1005",
            item="440105-RS-001",
            score=2,
            at=dt.datetime(2040, 9, 28, 8, 31, tzinfo=TZ),
            followed_up_at=dt.datetime(2040, 9, 28, 10, 0, tzinfo=TZ),
        )
    ]


def test_september_and_the_deadlines_counted_across_the_holiday(scenario: Scenario) -> None:
    db, config, played = scenario
    # 10 working days from Fri 28 Sep: Sat 29 (make-up day), 8–12 Oct, Sat 13 (make-up),
    # 15, 16, 17 Oct; 1–5 Oct are holidays. 3 days: 29 Sep, 8, 9 Oct. 5 days from 8 Oct:
    # 9–12 and Sat 13 Oct.
    deadlines = {k: c["deadline"] for k, c in played.items()}
    assert deadlines == {
        "MZ-003": "2040-10-17",
        "RS-001": "2040-09-28",
        "SJ-102": "2040-10-09",
        "GA-002": None,
        "SJ-109": "2040-10-13",
    }
    report = compute(db, config, Period.month(2040, 9))
    assert report.hall_figures.cases == cases(accepted=3, immediate=1, finished=1)
    assert len(report.days) == 30
    day = report.days[27]
    assert (day.day, day.issued, day.visitors, day.served) == (SEP_28.first, 8, 7, 6)
    assert day.no_show == 1
    assert (day.wait_mean_s, day.service_mean_s) == (668.6, 590.0)
    assert (day.cases_accepted, day.cases_finished, day.ratings) == (3, 1, 3)
    assert day.satisfaction_rate == 2 / 3
    assert sum(d.issued for d in report.days) == 8


def test_october_across_the_holiday(scenario: Scenario) -> None:
    db, config, _ = scenario
    report = compute(db, config, Period.month(2040, 10))
    assert report.hall_figures.tickets == tickets(1, 1, 1, 0, 0, (300,), (600,))
    # MZ-003 decided 8 Oct, before its deadline (17 Oct): early. SJ-102 decided 10 Oct,
    # after its deadline (9 Oct): overdue. SJ-109 (due Sat 13 Oct) still open on 31 Oct.
    assert report.hall_figures.cases == cases(accepted=1, finished=2, early=1, overdue=2)
    assert report.hall_figures.cases.early_rate == 0.5  # type: ignore[union-attr]
    items = by_key(report.items)
    assert {k: g.cases for k, g in items.items()} == {
        "440105-MZ-003": cases(finished=1, early=1),
        "440105-SJ-102": cases(finished=1, overdue=1),
        "440105-SJ-109": cases(accepted=1, overdue=1),
    }
    windows = by_key(report.windows)
    assert windows["5"].cases == cases(accepted=1, finished=1, early=1, overdue=1)
    assert windows["9"].cases == cases(finished=1, overdue=1)
    busy = [
        (d.day.day, d.issued, d.cases_accepted, d.cases_finished)
        for d in report.days
        if d.issued or d.cases_accepted or d.cases_finished
    ]
    assert busy == [(8, 1, 1, 1), (10, 0, 0, 1)]
    assert report.as_of == dt.datetime(2040, 11, 2, 9, 0, tzinfo=TZ)  # the last event's time


def test_open_cases_are_judged_as_of_the_time_given(scenario: Scenario) -> None:
    db, config, _ = scenario
    as_of = dt.datetime(2040, 10, 10, 12, 0, tzinfo=TZ)  # SJ-109 is not due until 13 Oct
    report = compute(db, config, Period.month(2040, 10), as_of=as_of)
    assert report.hall_figures.cases == cases(accepted=1, finished=2, early=1, overdue=1)


def test_whole_database_and_an_open_connection(scenario: Scenario) -> None:
    db, config, _ = scenario
    report = compute(db, config)
    assert (report.first_day, report.last_day) == (dt.date(2040, 9, 28), dt.date(2040, 10, 8))
    assert report.hall_figures.tickets.issued == 9  # type: ignore[union-attr]
    with sqlite3.connect(db) as conn:
        same = compute(conn, config, Period(dt.date(2040, 9, 28), dt.date(2040, 10, 8)))
    assert same == report


def test_an_empty_period_has_zeros_not_errors(scenario: Scenario) -> None:
    db, config, _ = scenario
    report = compute(db, config, Period.day(dt.date(2040, 10, 3)))  # a holiday
    assert report.hall_figures.tickets.issued == 0  # type: ignore[union-attr]
    assert report.hall_figures.tickets.wait.mean_s is None  # type: ignore[union-attr]
    assert report.services == report.windows == report.bad_ratings == []
    assert [d.issued for d in report.days] == [0]


async def test_staff_ids_that_are_not_plain_numbers_are_reported_as_they_are(
    aiohttp_client: Any, config: Config, db_path: Path
) -> None:
    # "0042" and "w-7" cannot travel as numbers: the figures fall back to text ids.
    add_staff(db_path, ("0042", "clerk"), ("w-7", "clerk"), ("9001", "supervisor"))
    client = await aiohttp_client(create_app(config, db_path, sim_clock=True))
    for staff_id, window in (("0042", 5), ("w-7", 6)):
        clerk = await login(client, staff_id, window)
        await issue(client, "A")
        await act(client, clerk, window, "call-next")
        await act(client, clerk, window, "finish")
    report = compute(db_path, config)
    clerks = {g.key: g.tickets.served for g in report.clerks if g.tickets}
    assert clerks == {"0042": 1, "w-7": 1}
