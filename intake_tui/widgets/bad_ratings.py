"""The supervisor's follow-up list of bad ratings (不满意, 非常不满意), newest first.

Each row says when, which ticket, at which window and by which clerk (staff id),
for which item (or the service when no case was made), the rating and whether it
has been followed up. The highlighted row is the one F4 records a follow-up for.
"""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import DataTable

from intake_tui.case_labels import it, when
from intake_tui.item_index import ItemIndex, item_name
from intake_tui.labels import service_name
from onewindow import protocol as p

# widths include the one space between columns (cell_padding 0), to fit half of 100 columns
COLUMNS = (
    ("at", 6),
    ("ticket", 6),
    ("window", 5),
    ("staff", 6),
    ("item", 10),
    ("score", 5),
    ("done", 7),
)


class BadRatings(DataTable[str | Text]):
    lang: reactive[str] = reactive("zh")

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True, cell_padding=0)
        self.ratings: list[p.RatingView] = []
        self.index: ItemIndex | None = None  # to name the item of a rating
        self.services: dict[str, p.ServiceView] = {}  # or its service, when no case was made
        self.tz: dt.tzinfo | None = None
        self.today: dt.date | None = None  # the hall's business day
        self._columns_for: str | None = None

    @property
    def pending(self) -> list[p.RatingView]:
        return [r for r in self.ratings if r.followed_up_at is None]

    @property
    def chosen(self) -> p.RatingView | None:
        """The highlighted rating (the first one when the list has not been moved)."""
        if not self.ratings:
            return None
        row = min(max(self.cursor_row, 0), len(self.ratings) - 1)
        return self.ratings[row]

    def show(self, ratings: list[p.RatingView]) -> None:
        keep = self.chosen.id if self.chosen else None
        self.ratings = ratings
        if self._columns_for != self.lang:
            self.clear(columns=True)
            for key, width in COLUMNS:
                self.add_column(it(f"ratings.{key}", self.lang), key=key, width=width)
            self._columns_for = self.lang
        self.clear()
        for rating in ratings:
            self.add_row(*self._row(rating), key=str(rating.id))
        ids = [r.id for r in ratings]
        if keep in ids:
            self.move_cursor(row=ids.index(keep))
        self.border_title = it("ratings.title", self.lang, pending=len(self.pending))
        self.border_subtitle = "" if ratings else it("ratings.none", self.lang)

    def watch_lang(self) -> None:
        if self.is_mounted and self._columns_for is not None:
            self.show(self.ratings)

    def _row(self, r: p.RatingView) -> tuple[str | Text, ...]:
        lang = self.lang
        item = self.index.get(r.item) if self.index is not None and r.item else None
        if item is not None:
            what = item_name(item, lang)
        else:
            what = service_name(self.services.get(r.service), r.service, lang)
        done = (
            Text(it("ratings.followed", lang), style="green")
            if r.followed_up_at
            else Text(it("ratings.pending", lang), style="bold red")
        )
        return (
            when(r.at, self.tz, self.today),
            r.ticket_number,
            str(r.window or "—"),
            r.staff_id or "—",
            what,
            Text(it("ratings.score_n", lang, score=r.score), style="red"),
            done,
        )
