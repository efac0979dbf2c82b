"""Cases past their deadline (超期) and near it (预警), for the supervisor: one row each.

Overdue cases come first and in red; each row names the case number, the item, the
window that took it in, the promised date and the working days left. Never the
applicant: a supervisor chases the window, not the visitor.
"""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import DataTable

from intake_tui.case_labels import it
from onewindow import protocol as p

# widths include the one space between columns (cell_padding 0): the list shares the
# width of a 100-column terminal with the follow-up list
COLUMNS = (("alert", 5), ("case_no", 13), ("item", 12), ("window", 5), ("deadline", 6), ("left", 4))


class CaseAlerts(DataTable[str | Text]):
    lang: reactive[str] = reactive("zh")

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True, cell_padding=0)
        self.cases: list[p.CaseView] = []
        self._columns_for: str | None = None

    def show(self, cases: list[p.CaseView]) -> None:
        self.cases = cases
        if self._columns_for != self.lang:
            self.clear(columns=True)
            for key, width in COLUMNS:
                self.add_column(it(f"cases.{key}", self.lang), key=key, width=width)
            self._columns_for = self.lang
        self.clear()
        for case in cases:
            self.add_row(*self._row(case), key=case.id)
        self.border_title = it("cases.title", self.lang, count=len(cases))
        self.border_subtitle = "" if cases else it("cases.none", self.lang)
        self.set_class(any(c.overdue for c in cases), "-overdue")

    def watch_lang(self) -> None:
        if self.is_mounted and self._columns_for is not None:
            self.show(self.cases)

    def _row(self, case: p.CaseView) -> tuple[str | Text, ...]:
        lang = self.lang
        if case.overdue:
            alert = Text(it("cases.overdue", lang), style="bold red")
        else:
            alert = Text(it("cases.warning", lang), style="yellow")
        name = case.item_name_en if lang == "en" and case.item_name_en else case.item_name_zh
        left = case.remaining_workdays
        return (
            alert,
            case.case_no or "—",
            name,
            str(case.window or "—"),
            case.deadline.strftime("%m-%d") if case.deadline else "—",
            str(left) if left is not None else "—",
        )
