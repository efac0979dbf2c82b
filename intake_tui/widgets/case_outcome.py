"""What became of the case just submitted: its number and promised date, or what is missing.

It shows the case as the server answered it, so the applicant appears only masked
(张*, **************002X, *******8000), as staff lists show it.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from intake_tui.case_labels import deadline, id_type_name, it
from onewindow import protocol as p


class CaseOutcome(Widget):
    lang: reactive[str] = reactive("zh")
    case: reactive[p.CaseView | None] = reactive(None, layout=True)
    print_note: reactive[str] = reactive("")

    def watch_case(self, case: p.CaseView | None) -> None:
        self.border_title = it("outcome.title", self.lang)
        self.display = case is not None
        self.set_class(case is not None and case.state == "returned", "-returned")

    def render(self) -> RenderableType:
        case, lang = self.case, self.lang
        if case is None:
            return Text("")
        headline = {
            "returned": "outcome.returned",
            "issued": "outcome.issued",
            "prechecked": "outcome.prechecked",
        }.get(case.state, "outcome.accepted")
        parts: list[RenderableType] = [Text(it(headline, lang), style="bold")]
        rows = Table.grid(padding=(0, 2))
        rows.add_column(style="dim", no_wrap=True)
        rows.add_column()
        if case.case_no:
            rows.add_row(it("outcome.case_no", lang), Text(case.case_no, style="bold reverse"))
        name = case.item_name_en if lang == "en" and case.item_name_en else case.item_name_zh
        rows.add_row(it("outcome.item", lang), name)
        if case.state == "accepted":
            rows.add_row(it("outcome.deadline", lang), deadline(case, lang))
        if case.applicant is not None:
            a = case.applicant
            masked = f"{a.name} · {id_type_name(a.id_type, lang)} {a.id_number} · {a.phone}"
            rows.add_row(it("outcome.applicant", lang), masked)
        parts.append(rows)
        if case.state == "returned" and case.missing:
            parts.append(Text(it("outcome.missing", lang), style="bold"))
            parts += [Text(f" {n}. {name}") for n, name in enumerate(case.missing, 1)]
        if self.print_note:
            parts.append(Text(self.print_note, style="dim"))
        parts.append(Text(it("outcome.hint", lang), style="dim"))
        return Group(*parts)
