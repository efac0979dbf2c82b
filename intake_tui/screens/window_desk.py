"""A calling window's screen: the ticket in hand, the window's queue, its recent calls,
and one key per move (F1 call next ... F8 call a number).

The acceptance and consultation screens are this screen plus their own F9.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical

from intake_tui.labels import tr
from intake_tui.screens.desk_screen import DeskScreen
from intake_tui.screens.number_dialog import NumberDialog
from intake_tui.screens.pause_dialog import PauseDialog
from intake_tui.screens.transfer_dialog import TransferDialog
from intake_tui.widgets.current_ticket import CurrentTicket
from intake_tui.widgets.queue_panel import QueuePanel
from intake_tui.widgets.recent_calls import RecentCalls
from onewindow import protocol as p

WINDOW_KEYS = [
    ("f1", "call_next"),
    ("f2", "recall"),
    ("f3", "start"),
    ("f4", "finish"),
    ("f5", "no_show"),
    ("f6", "transfer"),
    ("f7", "pause"),
    ("f8", "call_number"),
]


class WindowDesk(DeskScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        *DeskScreen.BINDINGS,
        *(Binding(key, action, show=False) for key, action in WINDOW_KEYS),
        Binding("f9", "f9", show=False),
    ]
    F9_ACTION = "case_intake"  # what F9 does differs by mode
    KEYS: ClassVar[list[tuple[str, str]]] = [*WINDOW_KEYS, *DeskScreen.KEYS]

    def keys(self) -> list[tuple[str, str]]:
        keys = super().keys()
        keys.insert(len(WINDOW_KEYS), ("f9", self.F9_ACTION))
        return keys

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="desk"):
            with Vertical(id="desk-left"):
                yield CurrentTicket(id="current")
                yield from self.compose_left_extra()
            with Vertical(id="desk-right"):
                yield QueuePanel(id="queue")
                yield RecentCalls(id="calls")

    def compose_left_extra(self) -> ComposeResult:
        yield from ()

    @property
    def window_view(self) -> p.WindowView | None:
        return self.desk.model.window(self.desk.window)

    @property
    def ticket(self) -> p.TicketView | None:
        w = self.window_view
        return w.current if w else None

    def redraw_body(self, now: dt.datetime) -> None:
        model, number = self.desk.model, self.desk.window
        assert number is not None
        w = self.window_view
        current = self.query_one(CurrentTicket)
        current.ticket = self.ticket
        current.now = now
        if self.ticket:
            current.service_label = self.service_names().get(self.ticket.service, "")
        current.idle_hint = self.idle_hint(w)
        queue = self.query_one(QueuePanel)
        queue.names = self.service_names()
        queue.lines = tuple(model.queue_lines(number))
        queue.sent_here = model.sent_here(number)
        queue.complete = model.waiting_complete
        queue.now = now
        calls = self.query_one(RecentCalls)
        calls.calls = tuple(model.window_calls(number))
        calls.now = now

    def idle_hint(self, w: p.WindowView | None) -> str:
        if w is not None and w.state == "paused":
            return tr("current.paused", self.lang, reason=w.pause_reason or "—")
        if w is not None and w.state == "closed":
            return tr("current.closed", self.lang)
        return tr("current.idle", self.lang)

    # -- the window's moves --

    def _ticket_done(self, key: str) -> Callable[[p.TicketView | None], None]:
        def done(t: p.TicketView | None) -> None:
            if t is None:
                self.say(tr("msg.nobody_waiting", self.lang))
            else:
                self.say(tr(key, self.lang, number=t.number, count=t.call_count))

        return done

    def window_move(self, action: str, message_key: str, body: Any = None) -> None:
        self.perform(
            action, lambda: self.desk.window_action(action, body), self._ticket_done(message_key)
        )

    def action_call_next(self) -> None:
        self.window_move("call-next", "msg.called")

    def action_recall(self) -> None:
        self.window_move("recall", "msg.recalled")

    def action_start(self) -> None:
        self.window_move("start", "msg.started")

    def action_finish(self) -> None:
        self.window_move("finish", "msg.finished")

    def action_no_show(self) -> None:
        self.window_move("no-show", "msg.no_show")

    def action_transfer(self) -> None:
        if self.ticket is None:
            self.say(tr("msg.no_ticket", self.lang))
            return
        windows = {n: w.role for n, w in self.desk.model.windows.items()}
        dialog = TransferDialog(self.lang, self.service_names(), windows, self.desk.window)

        def chosen(answer: tuple[str, p.TransferRequest] | None) -> None:
            if answer is not None:
                self.window_move("transfer", "msg.transferred", answer[1])

        self.app.push_screen(dialog, chosen)

    def action_pause(self) -> None:
        w = self.window_view
        if w is not None and w.state == "paused":
            self.perform(
                "resume", self.desk.resume, lambda _: self.say(tr("msg.resumed", self.lang))
            )
            return

        def chosen(reason: str | None) -> None:
            if reason is not None:
                self.perform(
                    "pause",
                    lambda: self.desk.pause(reason),
                    lambda _: self.say(tr("msg.paused", self.lang)),
                )

        self.app.push_screen(PauseDialog(self.lang), chosen)

    def action_call_number(self) -> None:
        def chosen(number: str | None) -> None:
            if number is not None:
                body = p.CallTicketRequest(ticket=number)
                self.window_move("call", "msg.called", body)

        self.app.push_screen(NumberDialog(self.lang), chosen)

    def action_f9(self) -> None:
        self.run_worker(self.run_action(self.F9_ACTION), group="key")
