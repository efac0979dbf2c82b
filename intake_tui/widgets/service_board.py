"""Waiting per service with the longest wait, and the services over their limit."""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from intake_tui.labels import minutes, tr


@dataclass(frozen=True)
class ServiceRow:
    code: str
    name: str
    waiting: int
    oldest_wait_s: int
    open_windows: int
    limit_s: int

    @property
    def alert(self) -> bool:
        return self.limit_s > 0 and self.oldest_wait_s > self.limit_s


class ServiceBoard(Widget):
    lang: reactive[str] = reactive("zh")
    rows: reactive[tuple[ServiceRow, ...]] = reactive(())

    def render(self) -> RenderableType:
        lang = self.lang
        table = Table(box=None, padding=(0, 1), header_style="bold", expand=True)
        table.add_column(tr("services.service", lang), no_wrap=True, ratio=2)
        table.add_column(tr("services.waiting", lang), justify="right", no_wrap=True)
        table.add_column(tr("services.oldest", lang), justify="right", no_wrap=True)
        table.add_column(tr("services.open", lang), justify="right", no_wrap=True)
        for row in self.rows:
            style = "bold red" if row.alert else ("" if row.waiting else "dim")
            oldest = minutes(row.oldest_wait_s, lang) if row.waiting else "—"
            table.add_row(
                f"{row.code} {row.name}",
                str(row.waiting),
                oldest,
                str(row.open_windows),
                style=style,
            )
        return Group(Text(tr("services.title", lang), style="bold"), table)
