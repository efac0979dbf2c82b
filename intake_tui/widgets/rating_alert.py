"""One line over the supervisor's boards: the newest bad rating still to follow up.

It lights up as soon as a rating of 1–2 arrives (the list is fetched again on every
`rating.received`), and stays until the supervisor has recorded the follow-up.
"""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from intake_tui.case_labels import it, score_name, when
from onewindow import protocol as p


class RatingAlert(Widget):
    lang: reactive[str] = reactive("zh")
    pending: reactive[tuple[p.RatingView, ...]] = reactive((), layout=True)  # newest first
    tz: dt.tzinfo | None = None
    today: dt.date | None = None

    def watch_pending(self, pending: tuple[p.RatingView, ...]) -> None:
        self.display = bool(pending)

    def render(self) -> Text:
        if not self.pending:
            return Text("")
        lang, newest = self.lang, self.pending[0]
        window = it("ratings.window_n", lang, window=newest.window) if newest.window else "—"
        line = it(
            "ratings.alert",
            lang,
            number=newest.ticket_number,
            window=window,
            staff=newest.staff_id or "—",
            score=score_name(newest.score, lang),
            at=when(newest.at, self.tz, self.today),
        )
        if len(self.pending) > 1:
            line += " " + it("ratings.alert_more", lang, count=len(self.pending) - 1)
        return Text(line)
