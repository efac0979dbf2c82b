"""The start screen: the hall's services as big buttons with their waiting counts.

The app sets this screen's reactive attributes (language, counts, connection,
printer state, a message); the screen posts what the visitor did back up as
messages (`Chosen`, `LanguageToggled`, `Idle`). A visitor who walks away leaves
it as the next one should find it: Chinese, no priority, no old message.

The option buttons sit in one row when their labels fit the screen's width and in
two rows (priority on its own) when they do not, so no label is ever cut.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.cells import cell_len
from textual import on
from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, Vertical
from textual.events import Click, Key, Resize
from textual.message import Message
from textual.reactive import var
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Button, Static

from onewindow import i18n
from onewindow.config import Config
from ticket_printer.kiosk.widgets.service_button import ServiceButton

# Cells around the option buttons, as kiosk.tcss sets them: the row's padding, each
# button's margin and minimum width, and the one cell of padding each side of a label.
OPTIONS_PAD, OPTION_MARGIN, OPTION_MIN_WIDTH, BUTTON_PAD = 4, 4, 24, 2
PRIORITY_LABELS = ("kiosk.priority_off", "kiosk.priority_on")  # by `priority`


class StartScreen(Screen[None]):
    lang: var[str] = var("zh")
    waiting: var[dict[str, int]] = var(dict, always_update=True)
    online: var[bool | None] = var(None)
    message: var[str] = var("")
    printer_note: var[Callable[[str], str] | None] = var(None)  # words it in a language
    priority: var[bool] = var(False)
    busy: var[bool] = var(False)
    priority_allowed: var[bool] = var(True)  # the server's word, over the local config

    class Chosen(Message):
        def __init__(self, service: str, priority: bool) -> None:
            super().__init__()
            self.service = service
            self.priority = priority

    class LanguageToggled(Message):
        pass

    class Idle(Message):
        """Nobody touched the screen for `idle_seconds`: back to the defaults."""

    class ProgressRequested(Message):
        """The visitor wants to know where their case is (办件进度查询)."""

    def __init__(self, config: Config) -> None:
        super().__init__(id="start")
        self.config = config
        self._idle: Timer | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="top"):
            yield Static(self.config.hall.name, id="hall")
            yield Static(id="prompt")
            yield Static(id="banner")
        with Grid(id="services"):
            for service in self.config.services:
                yield ServiceButton(service)
        with Horizontal(id="options"):
            if self.config.kiosk.allow_priority:
                yield Button("", id="priority")
            yield Button("", id="language")
            yield Button("", id="progress-query")
        yield Static(id="status")

    def on_mount(self) -> None:
        self._paint()
        self._touched()

    def _paint(self) -> None:
        # The app may set attributes before this screen has composed: paint on mount.
        if not self.query("#status"):
            return
        t, lang = i18n.text, self.lang
        self.query_one("#prompt", Static).update(
            t("kiosk.issuing", lang) if self.busy else t("kiosk.prompt", lang)
        )
        banner = self.message or (t("kiosk.offline", lang) if self.online is False else "")
        self.query_one("#banner", Static).update(banner)
        self.query_one("#banner").set_class(bool(banner), "shown")
        for button in self.query(ServiceButton):
            button.show(lang, self.waiting.get(button.service.code) if self.waiting else None)
        if self.config.kiosk.allow_priority:
            key = PRIORITY_LABELS[self.priority]
            priority = self.query_one("#priority", Button)
            priority.label = t(key, lang)
            priority.set_class(self.priority, "on")
            priority.display = self.priority_allowed
        self.query_one("#language", Button).label = t("kiosk.other_language", lang)
        self.query_one("#progress-query", Button).label = t("progress.kiosk.button", lang)
        link = {None: "kiosk.status_connecting", True: "kiosk.status_online"}.get(
            self.online, "kiosk.status_offline"
        )
        note = self.printer_note(lang) if self.printer_note else t("printer.state.unknown", lang)
        self.query_one("#status", Static).update(
            t("kiosk.status", lang, link=t(link, lang), printer=note)
        )
        self._fit_options()

    def _fit_options(self) -> None:
        """One row of options if every label fits at full length, else two rows."""
        row = self.query_one("#options", Horizontal)
        needed = 0
        for button in row.query(Button):
            # A Button sizes itself to the label it had at the first layout and not to a
            # new one: give it the width of its longest label, then lay the row out anew.
            width = max(OPTION_MIN_WIDTH, self._label_width(button) + BUTTON_PAD)
            button.styles.min_width = width
            if button.display:
                needed += width + OPTION_MARGIN
        row.set_class(needed > self.size.width - OPTIONS_PAD, "-stacked")
        row.refresh(layout=True)

    def _label_width(self, button: Button) -> int:
        if button.id == "priority":  # room for both labels: a tap must not move the row
            return max(cell_len(i18n.text(k, self.lang)) for k in PRIORITY_LABELS)
        return cell_len(str(button.label))

    def on_resize(self, event: Resize) -> None:
        self._fit_options()

    def watch_lang(self) -> None:
        self._paint()

    def watch_waiting(self) -> None:
        self._paint()

    def watch_online(self) -> None:
        self._paint()

    def watch_message(self) -> None:
        self._paint()

    def watch_printer_note(self) -> None:
        self._paint()

    def watch_priority(self) -> None:
        self._paint()

    def watch_busy(self) -> None:
        self._paint()

    def watch_priority_allowed(self) -> None:
        self.priority = self.priority and self.priority_allowed
        self._paint()

    # -- what the visitor does --

    @on(Button.Pressed, ".service")
    def _service(self, event: Button.Pressed) -> None:
        assert isinstance(event.button, ServiceButton)
        self._touched()
        self.post_message(self.Chosen(event.button.service.code, self.priority))

    @on(Button.Pressed, "#priority")
    def _priority(self) -> None:
        self._touched()
        self.priority = not self.priority

    @on(Button.Pressed, "#language")
    def _language(self) -> None:
        self._touched()
        self.post_message(self.LanguageToggled())

    @on(Button.Pressed, "#progress-query")
    def _progress(self) -> None:
        self._touched()
        self.post_message(self.ProgressRequested())

    def on_click(self, event: Click) -> None:
        self._touched()

    def on_key(self, event: Key) -> None:
        self._touched()

    def _touched(self) -> None:
        if self._idle is not None:
            self._idle.stop()
        self._idle = self.set_timer(self.config.kiosk.idle_seconds, self._went_idle)

    def _went_idle(self) -> None:
        self.priority = False
        self.message = ""
        self.post_message(self.Idle())
