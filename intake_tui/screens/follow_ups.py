"""What a supervisor follows up besides the queue: cases near or past their deadline,
bad ratings, and today's figures — kept fresh from the event stream.

A mixin for the supervisor screen. The lists are fetched again on the events that
change them (`case.*`, `rating.received`; everything after a fresh snapshot), the
figures every 30 seconds (a report is computed on the server, so not on every event).
Reads never take the action lock; F4 records a follow-up through `perform`.
"""

from __future__ import annotations

from textual import work

from intake_tui.case_labels import it
from intake_tui.desk import describe
from intake_tui.messages import HallEventArrived
from intake_tui.screens.desk_screen import DeskScreen
from intake_tui.screens.follow_up_dialog import FollowUpDialog
from intake_tui.widgets.bad_ratings import BadRatings
from intake_tui.widgets.case_alerts import CaseAlerts
from intake_tui.widgets.rating_alert import RatingAlert
from intake_tui.widgets.today_figures import TodayFigures
from onewindow import protocol as p
from onewindow.client import ClientError
from onewindow.rating_scale import is_bad

FIGURES_EVERY_S = 30.0


class FollowUps(DeskScreen):
    def on_mount(self) -> None:
        # DeskScreen.on_mount runs too: Textual calls the handler of every class in the MRO
        self.query_one(TodayFigures).tz = self.query_one(RatingAlert).tz = self.clerk.tz
        self.query_one(BadRatings).tz = self.clerk.tz
        self.reload()
        self.set_interval(FIGURES_EVERY_S, self._load_figures)

    def reload(self) -> None:
        self._load_cases()
        self._load_ratings()
        self._load_figures()

    def on_hall_event_arrived(self, message: HallEventArrived) -> None:
        event = message.event
        if isinstance(event, p.Snapshot):
            self.reload()  # events may have been missed: read everything again
        elif isinstance(event, p.CaseEventBase):
            self._load_cases()
        elif isinstance(event, p.RatingReceived):
            self._load_ratings()
            if is_bad(event.score):
                self.app.bell()

    @work(exclusive=True, group="case-alerts")
    async def _load_cases(self) -> None:
        try:
            cases = await self.clerk.cases.alert_cases()
        except ClientError:
            return  # the list keeps its last rows; the next event or snapshot reads again
        self.query_one(CaseAlerts).show(cases)

    @work(exclusive=True, group="bad-ratings")
    async def _load_ratings(self) -> None:
        try:
            ratings = await self.clerk.cases.bad_ratings()
            index = await self.clerk.cases.items()
        except ClientError:
            return
        table = self.query_one(BadRatings)
        table.index, table.services = index, self.desk.model.services
        state = self.desk.model.state
        table.today = state.business_day if state else None
        table.show(ratings)
        alert = self.query_one(RatingAlert)
        alert.today = table.today
        alert.pending = tuple(table.pending)

    @work(exclusive=True, group="figures")
    async def _load_figures(self) -> None:
        panel = self.query_one(TodayFigures)
        try:
            report = await self.clerk.cases.today()
        except ClientError as e:
            panel.problem = describe(e, self.lang, self.desk.server)
        else:
            panel.read_at = self.clerk.clock()
            panel.report, panel.problem = report, ""

    def action_follow_up(self) -> None:
        rating = self.query_one(BadRatings).chosen
        if rating is None:
            self.say(it("ratings.nothing_selected", self.lang))
            return

        def noted(note: str | None) -> None:
            if note is not None:
                self.perform(
                    "follow-up",
                    lambda: self.clerk.cases.follow_up(rating.id, note),
                    self._followed_up,
                )

        self.app.push_screen(FollowUpDialog(self.lang, rating), noted)

    def _followed_up(self, rating: p.RatingView) -> None:
        self.say(it("ratings.followed_up", self.lang, number=rating.ticket_number))
        self._load_ratings()
        self._load_figures()
