"""The ticket in the clerk's hand: number, service, kind, waited time, call count."""

from __future__ import annotations

import datetime as dt

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from intake_tui.labels import since, ticket_kind, ticket_state, tr
from onewindow import protocol as p


class CurrentTicket(Widget):
    lang: reactive[str] = reactive("zh")
    ticket: reactive[p.TicketView | None] = reactive(None, layout=True)
    service_label: reactive[str] = reactive("")
    now: reactive[dt.datetime | None] = reactive(None)  # the server's time, for durations
    idle_hint: reactive[str] = reactive("")

    def watch_ticket(self, ticket: p.TicketView | None) -> None:
        self.set_class(ticket is None, "-idle")
        self.set_class(ticket is not None and ticket.kind == "special", "-special")

    def render(self) -> RenderableType:
        lang, t = self.lang, self.ticket
        title = Text(tr("current.title", lang), style="bold")
        if t is None or self.now is None:
            return Group(title, Text(""), Text(self.idle_hint or tr("current.idle", lang)))
        number = Text(f"  {t.number}  ", style="bold reverse")
        rows = Table.grid(padding=(0, 2))
        rows.add_column(style="dim", no_wrap=True)
        rows.add_column()
        rows.add_row(tr("current.service", lang), f"{self.service_label} ({t.service})")
        rows.add_row(tr("current.kind", lang), ticket_kind(t.kind, lang))
        state = ticket_state(t.state, lang)
        if t.state == "called":
            state = tr("current.called_times", lang, state=state, count=t.call_count)
        rows.add_row(tr("current.state", lang), state)
        waited_until = t.called_at or self.now
        rows.add_row(tr("current.waited", lang), since(t.issued_at, waited_until, lang))
        if t.started_at is not None:
            rows.add_row(tr("current.serving_for", lang), since(t.started_at, self.now, lang))
        elif t.called_at is not None:
            rows.add_row(tr("current.called_ago", lang), since(t.called_at, self.now, lang))
        return Group(title, Text(""), number, Text(""), rows)
