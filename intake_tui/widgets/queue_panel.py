"""Who waits for this window: per service, by kind, with the longest wait."""

from __future__ import annotations

import datetime as dt

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from intake_tui.hall_model import QueueLine
from intake_tui.labels import since, tr


class QueuePanel(Widget):
    lang: reactive[str] = reactive("zh")
    lines: reactive[tuple[QueueLine, ...]] = reactive((), layout=True)
    names: reactive[dict[str, str]] = reactive(dict)  # service code -> name in `lang`
    sent_here: reactive[int] = reactive(0)
    complete: reactive[bool] = reactive(True)  # False until the waiting list has come
    now: reactive[dt.datetime | None] = reactive(None)

    def render(self) -> RenderableType:
        lang = self.lang
        table = Table(expand=True, box=None, padding=(0, 1), header_style="bold")
        table.add_column(tr("queue.service", lang), ratio=3, no_wrap=True)
        for key in ("special", "priority", "normal", "total"):
            table.add_column(tr(f"queue.{key}", lang), justify="right", no_wrap=True)
        table.add_column(tr("queue.oldest", lang), justify="right", no_wrap=True)
        for line in self.lines:
            name = f"{line.service} {self.names.get(line.service, '')}"
            if not self.complete:
                table.add_row(name, "…", "…", "…", "…", "…")
                continue
            oldest = since(line.oldest_issued_at, self.now, lang) if self.now else "—"
            style = "bold" if line.total else "dim"
            table.add_row(
                name,
                str(line.special),
                str(line.priority),
                str(line.normal),
                str(line.total),
                oldest if line.total else "—",
                style=style,
            )
        title = Text(tr("queue.title", lang), style="bold")
        extra = Text(tr("queue.sent_here", lang, count=self.sent_here), style="dim")
        return Group(title, table, extra)
