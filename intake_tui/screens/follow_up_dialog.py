"""Record the follow-up of a bad rating: what the supervisor found or did."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Input, Label

from intake_tui.case_labels import it, score_name
from intake_tui.screens.dialog import Dialog, Invalid
from onewindow import protocol as p

NOTE_MAX = 500  # FollowUpRequest.note


class FollowUpDialog(Dialog[str]):
    def __init__(self, lang: str, rating: p.RatingView) -> None:
        super().__init__(lang)
        self.rating = rating

    def heading(self) -> str:
        r = self.rating
        window = it("ratings.window_n", self.lang, window=r.window) if r.window else "—"
        return it(
            "dialog.follow_up_title",
            self.lang,
            number=r.ticket_number,
            window=window,
            staff=r.staff_id or "—",
            score=score_name(r.score, self.lang),
        )

    def fields(self) -> ComposeResult:
        if self.rating.followed_up_at is not None:
            yield Label(
                it("ratings.already", self.lang, number=self.rating.ticket_number),
                classes="dialog-choices",
            )
        yield Label(it("dialog.note", self.lang))
        yield Input(id="note", max_length=NOTE_MAX)

    def result(self) -> str:
        note = self.value("note")
        if not note:
            raise Invalid(it("dialog.note_required", self.lang))
        return note
