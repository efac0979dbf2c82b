"""An item's standard materials, ticked as the visitor hands them over.

↑↓ move, Space ticks; required ones are starred, each shows its copies (or that
the original is only checked) and the catalogue's note. Materials received before (a
returned case being continued) stay ticked and cannot be unticked. The subtitle
counts what is ticked and how many required materials are still missing.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import SelectionList
from textual.widgets.selection_list import Selection

from intake_tui.case_labels import copies, it
from onewindow import protocol as p


class MaterialChecklist(SelectionList[str]):
    lang: reactive[str] = reactive("zh")

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.item: p.CatalogueItemView | None = None
        self.locked: frozenset[str] = frozenset()  # received before: shown ticked, fixed

    def show(
        self,
        item: p.CatalogueItemView | None,
        ticked: Iterable[str] = (),
        locked: Iterable[str] = (),
    ) -> None:
        self.item, self.locked = item, frozenset(locked)
        chosen = set(ticked) | self.locked
        self.clear_options()
        if item is not None:
            self.add_options(
                [
                    Selection(
                        self._prompt(m), m.name, m.name in chosen, disabled=m.name in self.locked
                    )
                    for m in item.materials
                ]
            )
            self.highlighted = 0
        self._count()

    @property
    def ticked(self) -> list[str]:
        """Ticked materials in the catalogue's order (the order of the notice)."""
        chosen = set(self.selected)
        return [m.name for m in self.item.materials if m.name in chosen] if self.item else []

    @property
    def newly_ticked(self) -> list[str]:
        return [name for name in self.ticked if name not in self.locked]

    @property
    def missing_required(self) -> list[str]:
        chosen = set(self.selected)
        if self.item is None:
            return []
        return [m.name for m in self.item.materials if m.required and m.name not in chosen]

    def tick_all(self) -> None:
        """Everything brought; pressed again with everything ticked, untick (but the locked)."""
        if self.item is None:
            return
        if len(self.selected) < len(self.item.materials):
            self.select_all()
        else:
            for m in self.item.materials:
                if m.name not in self.locked:
                    self.deselect(m.name)
        self._count()

    def on_mount(self) -> None:
        self._count()

    def watch_lang(self) -> None:
        if self.is_mounted:
            self.show(self.item, self.selected, self.locked)

    def on_selection_list_selected_changed(self, event: SelectionList.SelectedChanged[str]) -> None:
        self._count()

    def _count(self) -> None:
        self.border_title = it("materials.title", self.lang)
        if self.item is None:
            self.border_subtitle = ""
            return
        ticked, total = len(self.selected), len(self.item.materials)
        missing = len(self.missing_required)
        key = "materials.summary" if missing else "materials.complete"
        self.border_subtitle = it(key, self.lang, ticked=ticked, total=total, missing=missing)
        self.set_class(missing > 0, "-incomplete")

    def _prompt(self, m: p.MaterialView) -> Text:
        lang = self.lang
        line = Text("★ " if m.required else "  ", style="bold" if m.required else "")
        line.append(m.name)
        line.append(f"  {copies(m, lang)}", style="dim")
        if not m.required:
            line.append(f"  {it('materials.optional', lang)}", style="italic dim")
        if m.name in self.locked:
            line.append(f"  ✓ {it('materials.received_before', lang)}", style="green")
        if m.note:
            line.append(f"  — {m.note}", style="dim")
        return line
