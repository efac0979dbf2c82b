"""Supervisor mode (值班长): every window and every line of the hall, live, and what
needs following up.

Windows with their state (open / paused with its reason / closed), who is signed
in, the ticket in hand and for how long; waiting per service with the longest
wait; an alert line for services waiting past their limit. Below: today's figures,
cases near or past their deadline, and the bad ratings to follow up, with a line that
lights up when a new bad rating arrives (see `FollowUps`). F1 reassigns a waiting
ticket, F2 cancels one, F3 reinstates a no-show, F4 records a follow-up.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal

from intake_tui.labels import service_name
from intake_tui.screens.desk_screen import DeskScreen
from intake_tui.screens.follow_ups import FollowUps
from intake_tui.screens.supervision import Supervision
from intake_tui.widgets.alert_bar import AlertBar
from intake_tui.widgets.bad_ratings import BadRatings
from intake_tui.widgets.case_alerts import CaseAlerts
from intake_tui.widgets.rating_alert import RatingAlert
from intake_tui.widgets.service_board import ServiceBoard, ServiceRow
from intake_tui.widgets.today_figures import TodayFigures
from intake_tui.widgets.window_board import WindowBoard

SUPERVISOR_KEYS = [
    ("f1", "reassign"),
    ("f2", "cancel_ticket"),
    ("f3", "reinstate"),
    ("f4", "follow_up"),
]


class SupervisorScreen(Supervision, FollowUps):
    BINDINGS: ClassVar[list[BindingType]] = [
        *DeskScreen.BINDINGS,
        *(Binding(key, action, show=False) for key, action in SUPERVISOR_KEYS),
    ]
    KEYS: ClassVar[list[tuple[str, str]]] = [*SUPERVISOR_KEYS, *DeskScreen.KEYS]

    def compose_body(self) -> ComposeResult:
        yield AlertBar(id="alerts")
        yield RatingAlert(id="rating-alert")
        yield TodayFigures(id="today")
        with Horizontal(id="boards"):
            yield WindowBoard(id="windows")
            yield ServiceBoard(id="services")
        with Horizontal(id="follow-ups"):
            yield CaseAlerts(id="case-alerts")
            yield BadRatings(id="bad-ratings")

    def on_mount(self) -> None:
        # DeskScreen's and FollowUps' on_mount run too (Textual calls each class's
        # handler in the MRO), so this one does not call super().on_mount()
        self.query_one(WindowBoard).focus()

    def place(self) -> str:
        model = self.desk.model
        return model.state.hall if model.state else ""

    def redraw_body(self, now: dt.datetime) -> None:
        model = self.desk.model
        local = self.clerk.clock()
        rows = tuple(
            ServiceRow(
                code=s.code,
                name=service_name(s, s.code, self.lang),
                waiting=s.waiting,
                oldest_wait_s=model.oldest_wait_s(s.code, local),
                open_windows=model.open_windows(s.code),
                limit_s=s.wait_alert_s,
            )
            for s in model.services.values()
        )
        self.query_one(ServiceBoard).rows = rows
        self.query_one(AlertBar).rows = rows
        windows = sorted(model.windows.values(), key=lambda w: w.number)
        self.query_one(WindowBoard).show(windows, now)
