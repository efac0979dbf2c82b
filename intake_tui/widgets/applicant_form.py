"""The applicant's name, ID type and number, and phone, as the clerk types them.

What is typed here goes into one request and is cleared as soon as the server has
the case: the screen never shows it back (the outcome shows the server's masked
copy), and nothing here logs it. A value that is wrong is named with what to do,
and the field it is in gets the focus.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Grid
from textual.reactive import reactive
from textual.widgets import Input, Label, Select

from intake_tui.applicant import ID_TYPES, ApplicantProblem, applicant
from intake_tui.case_labels import id_type_name, it
from onewindow import protocol as p

FIELDS = ("name", "id_type", "id_number", "phone")


class ApplicantForm(Grid):
    lang: reactive[str] = reactive("zh")

    def compose(self) -> ComposeResult:
        yield Label("", id="applicant-name-label")
        yield Input(id="applicant-name", compact=True, max_length=64)
        yield Label("", id="applicant-id_type-label")
        yield Select(
            self._id_types(),
            id="applicant-id_type",
            allow_blank=False,
            value="id_card",
            compact=True,
        )
        yield Label("", id="applicant-id_number-label")
        yield Input(
            id="applicant-id_number", compact=True, max_length=40, restrict=r"[0-9A-Za-z()\- ]*"
        )
        yield Label("", id="applicant-phone-label")
        yield Input(id="applicant-phone", compact=True, max_length=20, restrict=r"[0-9+\- ]*")

    def on_mount(self) -> None:
        self._relabel()

    def _id_types(self) -> list[tuple[str, str]]:
        return [(id_type_name(t, self.lang), t) for t in ID_TYPES]

    def watch_lang(self) -> None:
        if self.is_mounted:  # (set only after on_mount, which labels it first)
            self._relabel()

    def _relabel(self) -> None:
        self.border_title = it("applicant.title", self.lang)
        for name in FIELDS:
            self.query_one(f"#applicant-{name}-label", Label).update(
                it(f"applicant.{name}", self.lang)
            )
        select = self.id_type_field
        chosen = select.value
        select.set_options(self._id_types())
        select.value = chosen
        select.mutate_reactive(Select.value)  # redraw the label even if the value is the same

    @property
    def id_type_field(self) -> Select[str]:
        return self.query_one("#applicant-id_type", Select)

    def _text(self, name: str) -> str:
        return self.query_one(f"#applicant-{name}", Input).value

    def applicant(self) -> p.Applicant:
        """The applicant to send; `ApplicantProblem` (with the field focused) if not right."""
        id_type = self.id_type_field.value
        try:
            return applicant(
                self._text("name"),
                id_type if isinstance(id_type, str) else "",
                self._text("id_number"),
                self._text("phone"),
            )
        except ApplicantProblem as problem:
            self.query_one(f"#applicant-{problem.field}").focus()
            raise

    def clear(self) -> None:
        """Forget what was typed, once the server has it (or the clerk starts over)."""
        for name in ("name", "id_number", "phone"):
            self.query_one(f"#applicant-{name}", Input).value = ""
        self.id_type_field.value = "id_card"

    def first_field(self) -> Input:
        return self.query_one("#applicant-name", Input)
