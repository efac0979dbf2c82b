"""What case intake and the consultation pre-check share: the ticket in hand, the
catalogue searched as the clerk types, and the chosen item's materials ticked with keys.

Opened by F9 over a window's desk. The catalogue is fetched once per sign-in and
searched here (see `item_index`); the item's standard materials are listed with the
required ones starred, ↑↓ and Space tick them, F2 ticks them all, F9 submits (what
that does is the subclass's: `IntakeScreen`, `PrecheckScreen`), Esc goes back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from intake_tui.case_desk import CaseDesk
from intake_tui.case_labels import it
from intake_tui.desk import Busy, describe
from intake_tui.item_index import ItemIndex, item_name, short_code
from intake_tui.screens.desk_screen import DeskScreen
from intake_tui.widgets.item_search import ItemSearch
from intake_tui.widgets.material_checklist import MaterialChecklist
from onewindow import protocol as p
from onewindow.client import ClientError


class CaseScreen(DeskScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f10", "language", show=False),
        Binding("f12", "sign_out", show=False),
        Binding("escape", "back", show=False),
        Binding("f2", "all_materials", show=False),
        Binding("f9", "submit", show=False),
        # acted on as the key is read, so a burst of keys fills the right fields
        Binding("tab", "app.focus_next", show=False, priority=True),
        Binding("shift+tab", "app.focus_previous", show=False, priority=True),
    ]
    KEYS_HERE: ClassVar[list[tuple[str, str]]] = []  # shown before F10 and F12
    TITLE = "screen.accept"
    PICKED = "msg.item_picked"  # what to say when an item is picked

    def __init__(self, ticket: p.TicketView) -> None:
        super().__init__()
        self.ticket = ticket
        self.index: ItemIndex | None = None
        self.item: p.CatalogueItemView | None = None

    @property
    def cases(self) -> CaseDesk:
        return self.clerk.cases

    def keys(self) -> list[tuple[str, str]]:
        return [*self.KEYS_HERE, *DeskScreen.KEYS]  # no F11: finish here first

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="intake"):
            with Vertical(id="intake-left"):
                yield Static("", id="intake-ticket")
                yield ItemSearch(id="item-search")
            with Vertical(id="intake-right"):
                yield Static("", id="item-card")
                yield MaterialChecklist(id="materials")
                yield from self.compose_extra()

    def compose_extra(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        # DeskScreen.on_mount runs too: Textual calls the handler of every class in the MRO
        self.query_one(ItemSearch).query_field.focus()
        self.say(it("msg.loading", self.lang))
        self._load()

    @work(exclusive=True, group="load")
    async def _load(self) -> None:
        try:
            self.index = await self.cases.items()
        except ClientError as e:
            reason = describe(e, self.lang, self.desk.server)
            self.say(it("msg.catalogue_failed", self.lang, reason=reason), error=True)
            return
        self.query_one(ItemSearch).show(self.index, self.ticket.service)
        await self.loaded(self.index)

    async def loaded(self, index: ItemIndex) -> None:
        """The catalogue is here: the clerk picks the item."""
        self.say(it("msg.pick_item", self.lang))

    # -- what the screen shows --

    def pick(
        self, item: p.CatalogueItemView, ticked: Iterable[str] = (), locked: Iterable[str] = ()
    ) -> None:
        self.item = item
        self.query_one(ItemSearch).choose(item.code)
        self.query_one(MaterialChecklist).show(item, ticked, locked)
        self.redraw()

    def redraw_body(self, now: dt.datetime) -> None:
        t = self.ticket
        service = self.service_names().get(t.service, t.service)
        line = Text(it(self.TITLE, self.lang), style="bold")
        line.append("  " + it("screen.ticket", self.lang, number=t.number, service=service))
        if note := self.ticket_note():
            line.append("\n" + note)
        self.query_one("#intake-ticket", Static).update(line)
        self.query_one("#item-card", Static).update(self._item_card())

    def ticket_note(self) -> str:
        """A second line under the ticket (what it carries, what is being continued)."""
        return ""

    def _item_card(self) -> Text:
        item = self.item
        if item is None:
            return Text(it("materials.none", self.lang), style="dim")
        card = Text(item_name(item, self.lang), style="bold")
        key = "materials.item_line_immediate" if item.immediate else "materials.item_line"
        card.append(
            "\n"
            + it(
                key,
                self.lang,
                code=short_code(item.code),
                department=item.department,
                days=item.promised_limit_days,
            ),
            style="dim",
        )
        return card

    # -- picking and ticking --

    def on_item_search_picked(self, event: ItemSearch.Picked) -> None:
        # a hook rather than an override: Textual would call both classes' handlers
        self.picked(event.item)

    def picked(self, item: p.CatalogueItemView) -> None:
        self.say(it(self.PICKED, self.lang, name=item_name(item, self.lang)))
        self.pick(item)
        self.query_one(MaterialChecklist).focus()

    def action_all_materials(self) -> None:
        self.query_one(MaterialChecklist).tick_all()

    def need_item(self) -> p.CatalogueItemView | None:
        """The picked item, or None with a word to the clerk and the search focused."""
        if self.item is None:
            self.say(it("msg.pick_item", self.lang), error=True)
            self.query_one(ItemSearch).query_field.focus()
        return self.item

    def action_submit(self) -> None:
        raise NotImplementedError

    def action_back(self) -> None:
        if self.busy:  # leaving would drop the answer of the request on the wire
            self.say(describe(Busy("back"), self.lang))
            return
        self.dismiss(None)
