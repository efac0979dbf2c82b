"""One ticket told in full: the last one issued at this desk, or one looked up."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from intake_tui.labels import minutes, ticket_kind, ticket_state, tr
from onewindow import protocol as p


class TicketCard(Widget):
    lang: reactive[str] = reactive("zh")
    heading: reactive[str] = reactive("")  # already worded: "已发放" / "查询结果"
    ticket: reactive[p.TicketView | None] = reactive(None, layout=True)
    service_label: reactive[str] = reactive("")
    empty_hint: reactive[str] = reactive("")

    def render(self) -> RenderableType:
        lang, t = self.lang, self.ticket
        title = Text(self.heading, style="bold")
        if t is None:
            return Group(title, Text(self.empty_hint, style="dim"))
        rows = Table.grid(padding=(0, 2))
        rows.add_column(style="dim", no_wrap=True)
        rows.add_column()
        rows.add_row(tr("card.number", lang), Text(f" {t.number} ", style="bold reverse"))
        rows.add_row(tr("current.service", lang), f"{self.service_label} ({t.service})")
        rows.add_row(tr("current.kind", lang), ticket_kind(t.kind, lang))
        rows.add_row(tr("current.state", lang), self._state(t))
        if t.state == "waiting" and t.people_ahead is not None:
            rows.add_row(tr("card.ahead", lang), str(t.people_ahead))
            rows.add_row(tr("card.estimate", lang), minutes(t.estimated_wait_s or 0, lang))
        if t.target_window is not None:
            rows.add_row(tr("card.target_window", lang), str(t.target_window))
        return Group(title, rows)

    def _state(self, t: p.TicketView) -> str:
        state = ticket_state(t.state, self.lang)
        if t.window is not None and t.state in ("called", "serving"):
            return tr("card.at_window", self.lang, state=state, window=t.window)
        if t.outcome == "referred":
            return tr("card.referred", self.lang, state=state)
        return state
