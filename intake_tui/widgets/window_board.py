"""Every window of the hall at a glance, for the supervisor: one row per window."""

from __future__ import annotations

import datetime as dt

from textual.reactive import reactive
from textual.widgets import DataTable

from intake_tui.labels import since, tr, window_state
from onewindow import protocol as p

COLUMNS = ("window", "name", "state", "staff", "ticket", "for")


class WindowBoard(DataTable[str]):
    lang: reactive[str] = reactive("zh")

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self._columns_for: str | None = None  # the language the headers are in

    def show(self, windows: list[p.WindowView], now: dt.datetime) -> None:
        if self._columns_for != self.lang:
            self.clear(columns=True)
            for key in COLUMNS:
                self.add_column(tr(f"board.{key}", self.lang), key=key)
            self._columns_for = self.lang
        rows = {w.number: self._row(w, now) for w in windows}
        if {key.value for key in self.rows} != {str(n) for n in rows}:
            self.clear()
            for number, row in rows.items():
                self.add_row(*row, key=str(number))
            return
        for number, row in rows.items():
            for key, value in zip(COLUMNS, row, strict=True):
                self.update_cell(str(number), key, value)

    def _row(self, w: p.WindowView, now: dt.datetime) -> tuple[str, ...]:
        t = w.current
        ticket = f"{t.number} {tr(f'state.{t.state}', self.lang)}" if t else "—"
        begun = (t.started_at or t.called_at) if t else None
        return (
            str(w.number),
            w.name,
            window_state(w, self.lang),
            w.staff_id or "—",
            ticket,
            since(begun, now, self.lang) if begun else "—",
        )
