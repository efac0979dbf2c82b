"""Case progress at the kiosk (办件进度查询): a case number and the phone's last 4 digits.

A case number starts with the letters of the hall that accepted it (`HZ202612040001`):
letter keys take them before the first digit, and a number of another hall of the
district is looked up at the district centre by the hall server (全城通办).

Two steps on a big keypad (the kiosk is touched, not typed at, though a keyboard
works too), then the answer: the state and dates of the case, and for a returned
case what is still missing — never anything about a person. The 4 digits are shown
as dots, since someone may stand behind the visitor. After `idle_seconds` without a
touch (three times that while an answer is on screen) it goes back to the start.
The query runs in a worker through the app's `HallClient`; every wrong pair gets the
same "not found" from the server, and too many wrong pairs its rate-limit message.
"""

from __future__ import annotations

import datetime as dt

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, Vertical
from textual.events import Click, Key
from textual.reactive import var
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Button, Digits, Static

from onewindow import i18n
from onewindow import protocol as p
from onewindow.client import ApiFailure, HallClient, Unreachable
from onewindow.config import Config

CASE_DIGITS, PHONE_DIGITS = 12, 4
ANSWER_IDLE_FACTOR = 3  # an answer takes longer to read than a button to find
KEYS = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "clear", "0", "back_key"]
LETTERS = [chr(c) for c in range(ord("A"), ord("Z") + 1)]
CODE_LETTERS = 8  # the longest hall code (onewindow/case_numbers.py)


class ProgressScreen(Screen[None]):
    CSS_PATH = "progress.tcss"

    step: var[str] = var("case")  # case → phone → answer
    hall_code: var[str] = var("")  # the letters of the case number
    case_no: var[str] = var("")  # its 12 digits
    phone4: var[str] = var("")
    note: var[str] = var("")
    answer: var[p.ProgressView | None] = var(None)

    def __init__(self, config: Config, client: HallClient, lang: str) -> None:
        super().__init__(id="progress")
        self.config = config
        self.client = client
        self.lang = lang
        self._idle: Timer | None = None

    def compose(self) -> ComposeResult:
        t = self._t
        with Vertical(id="progress-card"):
            yield Static(t("progress.title"), id="progress-title")
            yield Static(id="progress-step")
            yield Static(id="progress-code")
            yield Digits(id="progress-entry")
            yield Static(id="progress-note")
            with Grid(id="letters"):
                for letter in LETTERS:
                    button = _touch_only(Button(letter, id=f"letter-{letter}", classes="letter"))
                    button.active_effect_duration = 0
                    yield button
            with Grid(id="keypad"):
                for key in KEYS:
                    label = t(f"progress.kiosk.{key}") if not key.isdigit() else key
                    button = _touch_only(Button(label, id=f"key-{key}", classes="key"))
                    # A button ignores taps during its 0.2 s press effect: a quick "1", "1"
                    # would give one digit. The digit appearing is feedback enough.
                    button.active_effect_duration = 0
                    yield button
            yield Static(id="progress-answer")
            with Horizontal(id="progress-actions"):
                yield _touch_only(Button(id="progress-go", variant="primary"))
                yield _touch_only(Button(t("progress.kiosk.start"), id="progress-start"))

    def on_mount(self) -> None:
        self._paint()
        self._touched()

    def _t(self, key: str, **values: object) -> str:
        return i18n.text(key, self.lang, **values)

    # -- what the screen shows --

    def _paint(self) -> None:
        if not self.query("#progress-answer"):
            return
        entering = self.step != "answer"
        for part in ("#progress-step", "#progress-entry", "#keypad"):
            self.query_one(part).display = entering
        self.query_one("#progress-answer").display = not entering
        self.query_one("#letters").display = self.step == "case"
        code = self.query_one("#progress-code", Static)
        code.display = self.step == "case" and bool(self.hall_code)
        code.update(self._t("progress.kiosk.hall_code", code=self.hall_code))
        step = {"case": "progress.kiosk.enter_case_no", "phone": "progress.kiosk.enter_phone4"}
        self.query_one("#progress-step", Static).update(
            self._t(step.get(self.step, "progress.title"))
        )
        self.query_one("#progress-entry", Digits).update(self._entry())
        self.query_one("#progress-note", Static).update(self.note)
        self.query_one("#progress-note").set_class(bool(self.note), "shown")
        go = self.query_one("#progress-go", Button)
        go.label = self._t(
            {"case": "progress.kiosk.next", "phone": "progress.kiosk.query"}.get(
                self.step, "progress.kiosk.again"
            )
        )
        go.disabled = (self.step == "case" and len(self.case_no) < CASE_DIGITS) or (
            self.step == "phone" and len(self.phone4) < PHONE_DIGITS
        )
        if self.answer is not None:
            self.query_one("#progress-answer", Static).update(self._answer_text(self.answer))

    def _entry(self) -> str:
        """The digits so far with blanks still to fill; the phone digits as dots."""
        if self.step == "phone":
            return " ".join(["-"] * len(self.phone4) + ["_"] * (PHONE_DIGITS - len(self.phone4)))
        padded = self.case_no + "_" * (CASE_DIGITS - len(self.case_no))
        return " ".join(padded[i : i + 4] for i in range(0, CASE_DIGITS, 4))

    def _answer_text(self, view: p.ProgressView) -> str:
        t, tz = self._t, self.config.hall.tz
        item = view.item_name_en if self.lang == "en" and view.item_name_en else view.item_name_zh
        rows = [
            ("progress.case_no", view.case_no),
            ("progress.item", item),
            ("progress.accepted_at", _day(view.accepted_at, tz)),
            ("progress.deadline", _day(view.deadline, tz)),
            ("progress.decided_at", _day(view.decided_at, tz)),
            ("progress.issued_at", _day(view.issued_at, tz)),
        ]
        hall = view.hall_name_en if self.lang == "en" and view.hall_name_en else view.hall_name_zh
        left = view.remaining_workdays
        rows.insert(1, ("progress.district.hall", hall or ""))
        rows.insert(
            5,
            (
                "progress.district.remaining",
                "" if left is None else t("progress.district.days", n=left),
            ),
        )
        lines = [f"[b]{t(f'progress.states.{view.state}')}[/b]", ""]
        lines += [f"{t(key)}：{value}" for key, value in rows if value]
        if view.state == "returned" and view.missing:
            lines += ["", t("progress.missing")]
            lines += [f"  {n}. {name}" for n, name in enumerate(view.missing, 1)]
        return "\n".join(lines)

    def watch_step(self) -> None:
        self._paint()

    def watch_case_no(self) -> None:
        self._paint()

    def watch_hall_code(self) -> None:
        self._paint()

    def watch_phone4(self) -> None:
        self._paint()

    def watch_note(self) -> None:
        self._paint()

    def watch_answer(self) -> None:
        self._paint()

    # -- what the visitor does --

    @on(Button.Pressed, ".key")
    def _key(self, event: Button.Pressed) -> None:
        self._press((event.button.id or "").removeprefix("key-"))

    @on(Button.Pressed, ".letter")
    def _letter(self, event: Button.Pressed) -> None:
        self._press((event.button.id or "").removeprefix("letter-"))

    def _press(self, key: str) -> None:
        if self.step == "case" and self._press_code(key):
            self.note = ""
            return
        field = "phone4" if self.step == "phone" else "case_no"
        value: str = getattr(self, field)
        limit = PHONE_DIGITS if field == "phone4" else CASE_DIGITS
        if key.isdigit() and len(value) < limit:
            value += key
        elif key == "back_key":
            value = value[:-1]
        elif key == "clear":
            value = ""
        setattr(self, field, value)
        self.note = ""

    def _press_code(self, key: str) -> bool:
        """The hall's letters come before the digits: True when `key` went to them."""
        if key in LETTERS:
            if not self.case_no and len(self.hall_code) < CODE_LETTERS:
                self.hall_code += key
            return True
        if key == "back_key" and not self.case_no and self.hall_code:
            self.hall_code = self.hall_code[:-1]
            return True
        if key == "clear":
            self.hall_code = ""
        return False

    @on(Button.Pressed, "#progress-go")
    def _go(self) -> None:
        if self.step == "case" and len(self.case_no) == CASE_DIGITS:
            self.step = "phone"
        elif self.step == "phone" and len(self.phone4) == PHONE_DIGITS:
            self.ask()
        elif self.step == "answer":
            self.hall_code = self.case_no = self.phone4 = ""
            self.answer = None
            self.step = "case"
            self._touched()

    @on(Button.Pressed, "#progress-start")
    def _leave(self) -> None:
        if self.is_current:
            self.dismiss()

    def on_key(self, event: Key) -> None:
        char = event.character
        if self.step != "answer" and char and (char.isdigit() or char.upper() in LETTERS):
            self._press(char.upper())
        elif event.key == "backspace":
            self._press("back_key")
        elif event.key == "enter":
            self._go()
        elif event.key == "escape":
            self._leave()
        else:
            return
        event.stop()

    def on_click(self, event: Click) -> None:
        self._touched()

    def on_button_pressed(self) -> None:
        self._touched()

    def _touched(self) -> None:
        if self._idle is not None:
            self._idle.stop()
        seconds = self.config.kiosk.idle_seconds
        self._idle = self.set_timer(
            seconds * (ANSWER_IDLE_FACTOR if self.step == "answer" else 1), self._leave
        )

    # -- the query --

    @work(exclusive=True, group="progress")
    async def ask(self) -> None:
        self.note = self._t("progress.kiosk.asking")
        try:
            view = await self.client.progress(self.hall_code + self.case_no, self.phone4)
        except ApiFailure as e:
            # Not found: both entries may be wrong, so start over from the case number.
            self.phone4 = ""
            self.step = "case"
            self.note = self._refusal(e)
            return
        except Unreachable:
            self.note = self._t("progress.kiosk.unreachable")
            return
        self.note = ""
        self.answer = view
        self.step = "answer"
        self._touched()

    def _refusal(self, e: ApiFailure) -> str:
        """In the screen's own words: the client may have gone back to Chinese meanwhile."""
        if e.status == 404:
            return self._t("progress.not_found")
        if e.code == "district_unavailable":
            return self._t("progress.district.unavailable")
        if e.status == 429:
            return self._t(
                "progress.limited", minutes=round(self.config.cases.progress_window_minutes)
            )
        return e.message


def _touch_only(button: Button) -> Button:
    """A button taken by touch alone: focused, Enter would press it again after a tap."""
    button.can_focus = False
    return button


def _day(value: dt.datetime | dt.date | None, tz: dt.tzinfo) -> str:
    if isinstance(value, dt.datetime):
        return value.astimezone(tz).date().isoformat()
    return value.isoformat() if value else ""
