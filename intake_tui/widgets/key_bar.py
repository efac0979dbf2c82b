"""The row of function keys at the foot of a screen, clickable as buttons.

It is both the legend of the keys and a second way to press them. While an action
is on the wire, or the server is out of reach, every button is disabled so a
mouse double-click cannot do what the keyboard guard already refuses.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Button

from intake_tui.labels import tr


class KeyBar(Widget):
    class Pressed(Message):
        def __init__(self, action: str) -> None:
            super().__init__()
            self.action = action

    lang: reactive[str] = reactive("zh")
    busy: reactive[bool] = reactive(False)

    def __init__(self, keys: list[tuple[str, str]], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.keys = keys  # (key, action) pairs, e.g. ("f1", "call_next")

    def compose(self) -> ComposeResult:
        for key, action in self.keys:
            button = Button(self._label(key, action), id=f"key-{action}", compact=True)
            button.can_focus = False  # the keyboard stays with the screen's keys
            yield button

    def _label(self, key: str, action: str) -> str:
        return f"{key.upper()} {tr(f'key.{action}', self.lang)}"

    def watch_lang(self) -> None:
        for key, action in self.keys:
            for button in self.query(f"#key-{action}").results(Button):
                button.label = self._label(key, action)

    def watch_busy(self, busy: bool) -> None:
        for button in self.query(Button):
            button.disabled = busy

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id and event.button.id.startswith("key-"):
            self.post_message(self.Pressed(event.button.id.removeprefix("key-")))
