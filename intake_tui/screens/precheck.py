"""咨询预审: the consultation clerk records the item and the materials checked, and
refers the visitor with a special-call ticket (特呼号) that carries the pre-check.

No applicant yet: the visitor gives that at the acceptance window, where the ticket
opens the case filled in. F9 records the pre-check and issues the ticket in one
action (see `CaseDesk.refer`); when a required material is not ticked the clerk is
asked first, since a visitor sent on without it would be turned back there. The
screen closes with the special ticket; the consultation desk shows and prints it.
"""

from __future__ import annotations

from typing import ClassVar

from intake_tui.case_labels import it
from intake_tui.screens.case_screen import CaseScreen
from intake_tui.screens.confirm_dialog import ConfirmDialog
from intake_tui.widgets.material_checklist import MaterialChecklist


class PrecheckScreen(CaseScreen):
    KEYS_HERE: ClassVar[list[tuple[str, str]]] = [
        ("f9", "precheck"),
        ("f2", "all_materials"),
        ("esc", "back"),
    ]
    TITLE = "screen.precheck"
    PICKED = "msg.item_picked_precheck"

    def action_precheck(self) -> None:  # F9's button in the key bar
        self.action_submit()

    def action_submit(self) -> None:
        item = self.need_item()
        if item is None:
            return
        checklist = self.query_one(MaterialChecklist)
        materials, missing, ticket = checklist.ticked, checklist.missing_required, self.ticket

        def refer(yes: bool | None = True) -> None:
            if yes:
                self.perform(
                    "precheck",
                    lambda: self.cases.refer(item.code, materials, ticket.id),
                    lambda answer: self.dismiss(answer[1]),
                )

        if not missing:
            refer()
            return
        names = ("、" if self.lang == "zh" else "; ").join(missing)
        question = it("msg.missing_question", self.lang, count=len(missing), names=names)
        self.app.push_screen(ConfirmDialog(self.lang, question), refer)
