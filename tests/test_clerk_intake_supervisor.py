"""The supervisor's follow-up: overdue and warned cases, bad ratings, today's figures.

A real server on a simulated clock (`--sim-clock`): days pass by moving the clock
(POST /api/sim/clock as a supervisor), never by sleeping. Cases are made and rated
through the API as the windows and the evaluator tablet would; the supervisor's
terminal is driven with the Pilot.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.console import Console

from intake_tui.screens.follow_up_dialog import FollowUpDialog
from intake_tui.screens.supervisor import SupervisorScreen
from intake_tui.widgets.bad_ratings import BadRatings
from intake_tui.widgets.case_alerts import CaseAlerts
from intake_tui.widgets.rating_alert import RatingAlert
from intake_tui.widgets.today_figures import TodayFigures
from onewindow import protocol as p
from onewindow.client import HallClient
from tests.hallserver import HallServer
from tests.test_clerk_harness import (
    KIOSK,
    PIN,
    SIZE,
    _staffed_template,
    clerk_app,
    signed_in,
    status,
    type_text,
    wait_for,
    wait_until,
)

EVALUATOR = "demo-evaluator-token"  # the sample hall's tablet at window 5
APPLICANT = p.Applicant(
    name="李四", id_type="id_card", id_number="11010519491231002X", phone="13900139000"
)


@pytest.fixture
def hall(tmp_path: Path) -> Iterator[HallServer]:
    db = tmp_path / "hall.sqlite"
    shutil.copy(_staffed_template(), db)
    server = HallServer(db, extra=("--sim-clock",)).start()
    yield server
    server.stop()


async def move_clock(hall: HallServer, to: dt.datetime) -> None:
    async with HallClient(hall.url) as supervisor:
        await supervisor.login("9001", PIN, None)
        await supervisor.set_clock(to)


async def take_in(hall: HallServer, item: str) -> p.CaseView:
    """A visitor at window 5 with every required material: the case is accepted."""
    async with HallClient(hall.url, KIOSK) as kiosk:
        await kiosk.issue_ticket("A")
    async with HallClient(hall.url) as clerk:
        await clerk.login("1005", PIN, 5)
        await clerk.call_next(5)
        view = next(i for i in await clerk.catalogue() if i.code == item)
        required = [m.name for m in view.materials if m.required]
        body = p.NewCaseRequest(item=item, materials=required, applicant=APPLICANT)
        case = await clerk.new_case(body)
        await clerk.window_action(5, "finish")
    assert case.state == "accepted" and case.deadline is not None
    return case


def shown(widget: TodayFigures) -> str:
    console = Console(width=98, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    console.print(widget.render())
    return console.export_text()


async def test_supervisor_follows_overdue_cases_and_bad_ratings(hall: HallServer) -> None:
    async with HallClient(hall.url) as supervisor:
        await supervisor.login("9001", PIN, None)
        now = (await supervisor.clock()).now
    monday = (now + dt.timedelta(days=7 - now.weekday())).replace(hour=9, minute=0)
    await move_clock(hall, monday)
    late = await take_in(hall, "440105-GA-002")  # 居住证申领, 7 working days
    assert late.deadline is not None
    day_after = dt.datetime.combine(late.deadline + dt.timedelta(days=1), dt.time(9), now.tzinfo)
    await move_clock(hall, day_after)  # case.overdue, on the server's own tick

    app = clerk_app(hall, None)
    async with app.run_test(size=SIZE) as pilot:
        screen = await signed_in(pilot, "9001")
        assert isinstance(screen, SupervisorScreen)
        alerts = screen.query_one(CaseAlerts)
        await wait_for(pilot, lambda: [c.id for c in alerts.cases] == [late.id], "the overdue case")
        assert alerts.cases[0].overdue and alerts.row_count == 1

        # a case due tomorrow is warned as the clock moves on, and the list follows live
        soon = await take_in(hall, "440105-SJ-001")  # 企业设立登记, 1 working day
        await move_clock(hall, day_after + dt.timedelta(minutes=1))
        await wait_for(pilot, lambda: len(alerts.cases) == 2, "the warned case")
        assert [(c.id, c.overdue, c.warning) for c in alerts.cases] == [
            (late.id, True, False),
            (soon.id, False, True),
        ]

        # the visitor rates the service 1 on the tablet at window 5
        async with HallClient(hall.url, EVALUATOR) as tablet:
            rating = await tablet.rate(1)
        line = screen.query_one(RatingAlert)
        await wait_for(pilot, lambda: bool(line.pending), "the bad-rating alert")
        assert line.display and line.pending[0].id == rating.id
        table = screen.query_one(BadRatings)
        assert [(r.staff_id, r.window, r.item) for r in table.ratings] == [
            ("1005", 5, "440105-SJ-001")
        ]  # who, where, which item
        assert table.get_row_at(0)[4] == "企业设立登记（有限责任公司）"

        await pilot.press("f4")
        await wait_for(pilot, lambda: isinstance(app.screen, FollowUpDialog), "the dialog")
        await pilot.press("enter")
        assert isinstance(app.screen, FollowUpDialog)  # a note is required
        await type_text(pilot, "已电话回访")
        await pilot.press("enter")
        await wait_for(pilot, lambda: "已记录 A001 的回访" in status(app), "the follow-up")
        await wait_for(pilot, lambda: not line.pending, "the alert to go")
        assert table.ratings[0].followed_up_at is not None

        figures = screen.query_one(TodayFigures)
        await wait_for(pilot, lambda: figures.report is not None, "today's figures")
        screen._load_figures()  # as the 30-second timer does
        await wait_until(pilot, lambda: _rated(figures), "the figures to count the rating")
        text = shown(figures)
        assert "取号 1" in text and "受理 1" in text and "满意率 0.0%（1 条评价）" in text

    async with HallClient(hall.url) as supervisor:
        await supervisor.login("9001", PIN, None)
        (followed,) = await supervisor.ratings(bad=True)
    assert followed.follow_up_note == "已电话回访"


async def _rated(figures: TodayFigures) -> bool:
    report = figures.report
    return (
        report is not None
        and report.hall_figures.ratings is not None
        and (report.hall_figures.ratings.count == 1)
    )
