"""What the clerk sees, pinned as pictures: the login, acceptance and supervisor screens.

The app's clock is frozen, and every duration on screen is measured on the server's
clock as of its snapshot, so a run a second or a day later draws the same picture.
Update with `pytest tests/test_clerk_snapshots.py --snapshot-update` after a
deliberate change, and look at the pictures before committing them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot

from intake_tui.widgets.bad_ratings import BadRatings
from intake_tui.widgets.case_alerts import CaseAlerts
from intake_tui.widgets.current_ticket import CurrentTicket
from intake_tui.widgets.today_figures import TodayFigures
from tests.hallserver import HallServer
from tests.test_clerk_harness import SIZE, clerk_app, signed_in, wait_for
from tests.test_clerk_harness import issue as issue_async

FROZEN = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
Snap = Callable[..., bool]


def frozen() -> dt.datetime:
    return FROZEN


def issue(hall: HallServer, *services: str) -> None:
    import asyncio

    asyncio.run(issue_async(hall, *services))


def test_login_screen(hall: HallServer, snap_compare: Snap) -> None:
    app = clerk_app(hall, 5, clock=frozen)
    assert snap_compare(app, terminal_size=SIZE)


def test_acceptance_screen_with_a_called_ticket(hall: HallServer, snap_compare: Snap) -> None:
    issue(hall, "A", "A", "B", "D")

    async def call_one(pilot: Pilot[Any]) -> None:
        screen = await signed_in(pilot, "1005")
        await pilot.press("f1")
        await wait_for(pilot, lambda: screen.query_one(CurrentTicket).ticket is not None, "call")
        await wait_for(pilot, lambda: not screen.busy, "the call to settle")

    app = clerk_app(hall, 5, clock=frozen)
    assert snap_compare(app, terminal_size=SIZE, run_before=call_one)


def test_supervisor_screen(hall: HallServer, snap_compare: Snap) -> None:
    issue(hall, "A", "G")

    async def look(pilot: Pilot[Any]) -> None:
        screen = await signed_in(pilot, "9001")
        # today's figures and the two follow-up lists are read after sign-in
        figures, ratings = screen.query_one(TodayFigures), screen.query_one(BadRatings)
        await wait_for(pilot, lambda: figures.report is not None, "today's figures")
        await wait_for(
            pilot,
            lambda: ratings.columns and screen.query_one(CaseAlerts).columns,
            "the follow-up lists",
        )

    app = clerk_app(hall, None, clock=frozen)
    assert snap_compare(app, terminal_size=SIZE, run_before=look)
