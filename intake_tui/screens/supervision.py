"""Moves on someone else's ticket, for supervisors and the guide desk:
reassign a waiting ticket, cancel an open one, reinstate a no-show.

A mixin for the two screens that offer them; the server checks who may do what.
"""

from __future__ import annotations

from collections.abc import Callable

from intake_tui.labels import tr
from intake_tui.screens.confirm_dialog import ConfirmDialog
from intake_tui.screens.desk_screen import DeskScreen
from intake_tui.screens.number_dialog import NumberDialog
from intake_tui.screens.transfer_dialog import TransferDialog
from onewindow import protocol as p


class Supervision(DeskScreen):
    def shown(self, ticket: p.TicketView) -> None:
        """A ticket this screen acted on; screens that show one override this."""

    def action_reassign(self) -> None:
        windows = {n: w.role for n, w in self.desk.model.windows.items()}
        dialog = TransferDialog(self.lang, self.service_names(), windows, None, ask_number=True)

        def chosen(answer: tuple[str, p.TransferRequest] | None) -> None:
            if answer is None:
                return
            number, target = answer
            self.perform(
                "reassign",
                lambda: self.desk.ticket_action(number, "reassign", target),
                self._done("msg.reassigned"),
            )

        self.app.push_screen(dialog, chosen)

    def action_cancel_ticket(self) -> None:
        def confirmed(number: str, yes: bool | None) -> None:
            if yes:
                self.perform(
                    "cancel",
                    lambda: self.desk.ticket_action(number, "cancel"),
                    self._done("msg.cancelled"),
                )

        def chosen(number: str | None) -> None:
            if number is not None:
                question = tr("dialog.cancel_question", self.lang, number=number)
                self.app.push_screen(
                    ConfirmDialog(self.lang, question), lambda yes: confirmed(number, yes)
                )

        self.app.push_screen(NumberDialog(self.lang, "dialog.cancel_title"), chosen)

    def action_reinstate(self) -> None:
        def chosen(number: str | None) -> None:
            if number is not None:
                self.perform(
                    "reinstate",
                    lambda: self.desk.ticket_action(number, "reinstate"),
                    self._done("msg.reinstated"),
                )

        self.app.push_screen(NumberDialog(self.lang, "dialog.reinstate_title"), chosen)

    def _done(self, key: str) -> Callable[[p.TicketView], None]:
        def done(t: p.TicketView) -> None:
            self.say(tr(key, self.lang, number=t.number, service=t.service))
            self.shown(t)

        return done
