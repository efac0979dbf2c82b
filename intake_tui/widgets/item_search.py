"""Find a catalogue item as the clerk types: name, code or pinyin initials.

The matches follow every key press (the search is local, see `item_index`); ↑↓ move
through them without leaving the field and Enter picks one, so the clerk's hands stay
on the keys. With nothing typed it lists the items of the visitor's own service.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from intake_tui.case_labels import it
from intake_tui.item_index import MAX_MATCHES, ItemIndex, item_name, short_code
from onewindow import protocol as p


class ItemSearch(Vertical):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move(-1)", show=False),
        Binding("down", "move(1)", show=False),
        Binding("pageup", "move(-10)", show=False),
        Binding("pagedown", "move(10)", show=False),
    ]

    class Picked(Message):
        def __init__(self, item: p.CatalogueItemView) -> None:
            super().__init__()
            self.item = item

    lang: reactive[str] = reactive("zh")

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.index: ItemIndex | None = None
        self.service: str | None = None  # the visitor's service: its items come first

    def compose(self) -> ComposeResult:
        yield Input(id="item-query", compact=True, max_length=40)
        matches = OptionList(id="item-matches")
        matches.can_focus = False  # ↑↓ in the field move it; Tab goes on to the materials
        yield matches
        yield Static("", id="item-note")

    @property
    def query_field(self) -> Input:
        return self.query_one("#item-query", Input)

    @property
    def matches(self) -> OptionList:
        return self.query_one("#item-matches", OptionList)

    def on_mount(self) -> None:
        self._relabel()

    def show(self, index: ItemIndex, service: str | None) -> None:
        self.index, self.service = index, service
        self.refresh_matches()

    def set_locked(self, locked: bool) -> None:
        """A returned case keeps its item: the field is off while it is continued."""
        self.query_field.disabled = locked
        self.set_class(locked, "-locked")
        note = it("search.locked", self.lang) if locked else ""
        self.query_one("#item-note", Static).update(note)

    def watch_lang(self) -> None:
        if self.is_mounted:  # (set only after on_mount, which labels it first)
            self._relabel()

    def _relabel(self) -> None:
        self.border_title = it("search.title", self.lang)
        self.border_subtitle = it("search.hint", self.lang)
        self.query_field.placeholder = it("search.placeholder", self.lang)
        self.refresh_matches()

    def refresh_matches(self) -> None:
        if self.index is None:
            return
        found = self.index.search(self.query_field.value, self.service)
        keep = self.highlighted_code
        matches = self.matches
        matches.clear_options()
        matches.add_options([Option(self._line(item), id=item.code) for item in found])
        codes = [item.code for item in found]
        matches.highlighted = codes.index(keep) if keep in codes else (0 if codes else None)
        note = ""
        if not found:
            note = it("search.none", self.lang)
        elif len(found) >= MAX_MATCHES:
            note = it("search.more", self.lang, count=MAX_MATCHES)
        self.query_one("#item-note", Static).update(note)

    def _line(self, item: p.CatalogueItemView) -> Text:
        line = Text(f"{short_code(item.code):<8} ", style="dim", no_wrap=True, overflow="ellipsis")
        line.append(item_name(item, self.lang))
        if item.immediate:
            line.append(f" {it('search.immediate', self.lang)}", style="green")
        elif item.mode == "consult_first":
            line.append(f" {it('search.consult', self.lang)}", style="yellow")
        return line

    @property
    def highlighted_code(self) -> str | None:
        matches = self.matches
        if matches.highlighted is None or not matches.option_count:
            return None
        return matches.get_option_at_index(matches.highlighted).id

    def choose(self, code: str) -> None:
        """Show `code` as the picked item (a pre-check or a returned case names it)."""
        for index, option in enumerate(self.matches.options):
            if option.id == code:
                self.matches.highlighted = index
                return
        self.query_field.value = short_code(code)  # not listed: search for it by code
        self.refresh_matches()

    def action_move(self, step: int) -> None:
        matches = self.matches
        if not matches.option_count:
            return
        current = matches.highlighted if matches.highlighted is not None else 0
        matches.highlighted = max(0, min(matches.option_count - 1, current + step))

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.refresh_matches()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._pick(self.highlighted_code)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._pick(event.option.id)

    def _pick(self, code: str | None) -> None:
        item = self.index.get(code) if self.index is not None and code else None
        if item is not None:
            self.post_message(self.Picked(item))
