"""The top line: which hall, which desk, who is signed in, the time."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from intake_tui.labels import tr


class HeaderBar(Widget):
    lang: reactive[str] = reactive("zh")
    place: reactive[str] = reactive("")  # hall and desk, already worded
    staff_id: reactive[str] = reactive("")
    clock: reactive[str] = reactive("")

    def render(self) -> Text:
        line = Text()
        line.append(f" {tr('app.title', self.lang)} ", style="bold")
        if self.place:
            line.append(f"· {self.place} ")
        if self.staff_id:
            line.append(f"· {tr('header.staff', self.lang, staff=self.staff_id)} ")
        right = Text(f"{self.clock} ")
        pad = self.size.width - line.cell_len - right.cell_len
        if pad > 0:
            line.append(" " * pad)
        line.append_text(right)
        return line
