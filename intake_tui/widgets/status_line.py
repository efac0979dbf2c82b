"""The line that answers the clerk's last action: what happened, or what to do next."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget


class StatusLine(Widget):
    message: reactive[str] = reactive("")
    error: reactive[bool] = reactive(False)

    def say(self, message: str, *, error: bool = False) -> None:
        self.message = message
        self.error = error
        self.set_class(error, "-error")

    def render(self) -> Text:
        return Text(self.message)
