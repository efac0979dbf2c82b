"""The latest calls made at this window (including recalls), newest first, with their age."""

from __future__ import annotations

import datetime as dt

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from intake_tui.labels import since, tr
from onewindow import protocol as p


class RecentCalls(Widget):
    lang: reactive[str] = reactive("zh")
    calls: reactive[tuple[p.CallView, ...]] = reactive((), layout=True)
    now: reactive[dt.datetime | None] = reactive(None)  # the server's time

    def render(self) -> RenderableType:
        lang = self.lang
        title = Text(tr("calls.title", lang), style="bold")
        if not self.calls:
            return Group(title, Text(tr("calls.none", lang), style="dim"))
        table = Table(box=None, padding=(0, 1), show_header=False)
        table.add_column(no_wrap=True, style="dim")
        table.add_column(no_wrap=True, style="bold")
        table.add_column(no_wrap=True)
        for call in self.calls:
            # an age rather than a clock time: "how long ago" is what the clerk weighs
            ago = tr("calls.ago", lang, age=since(call.at, self.now, lang)) if self.now else ""
            count = tr("calls.count", lang, count=call.call_count)
            table.add_row(ago, call.number, count)
        return Group(title, table)
