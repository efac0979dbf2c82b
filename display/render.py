"""The hall board and the window board drawn with rich, from a `Board` and the time.

Pure functions of their inputs (no I/O, no clock reads), so a test can render them
into a recording console and read the text back.
"""

from __future__ import annotations

import datetime as dt

from rich import box
from rich.align import Align
from rich.console import Group, RenderableType
from rich.layout import Layout
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from display.bigtext import big, width
from display.board import Board
from onewindow.i18n import text

CALL = "bold bright_yellow"
MUTED = "grey70"
WARN = "black on yellow"
FRAME = "blue"
_WINDOW_STATES = {"paused": "window_paused", "closed": "window_closed"}


def hall_board(
    board: Board,
    lang: str,
    now: dt.datetime,
    *,
    live: bool,
    fault: str = "",
    flash: bool = False,
    columns: int = 100,
) -> RenderableType:
    """The hall screen: latest call, recent calls, waiting per service, notice."""
    if fault:
        return _fault(fault)
    layout = Layout()
    layout.split_column(
        Layout(_header(board.hall, lang, now, live), name="header", size=3),
        Layout(name="body", ratio=1),
        Layout(_waiting(board, lang), name="waiting", size=4),
        Layout(Text(" " + board.notice, style="yellow", no_wrap=True), name="notice", size=1),
    )
    layout["body"].split_row(
        Layout(_hero(board, lang, flash, columns), name="hero", ratio=3),
        Layout(_recent(board, lang), name="recent", ratio=2),
    )
    return layout


def window_board(
    board: Board,
    window: int,
    lang: str,
    now: dt.datetime,
    *,
    live: bool,
    fault: str = "",
    flash: bool = False,
) -> RenderableType:
    """A window screen: the number being called or served there, large."""
    if fault:
        return _fault(fault)
    slot = board.windows.get(window)
    title = text("display.window_title", lang, window=window)
    layout = Layout()
    if slot is None:
        body: RenderableType = Text(text("display.loading", lang), style=MUTED, justify="center")
    else:
        ticket = slot.current
        if ticket is not None and ticket.state == "called":
            status, style = text("display.call_here", lang, number=ticket.number), CALL
        elif ticket is not None:
            status, style = text("display.now_serving", lang), "bold bright_green"
        else:
            key = _WINDOW_STATES.get(slot.state, "window_idle")
            status, style = text(f"display.{key}", lang), MUTED
        number = ticket.number if ticket else "-"
        glyphs = _glyphs(number, 2, style, flash)
        body = Align.center(
            Group(glyphs, Text(""), Text(status, style="bold", justify="center")),
            vertical="middle",
        )
    layout.split_column(
        Layout(_header(title, lang, now, live, short=True), size=3),
        Layout(Panel(body, box=box.HEAVY, border_style=FRAME, padding=(1, 2))),
    )
    return layout


def _header(title: str, lang: str, now: dt.datetime, live: bool, short: bool = False) -> Panel:
    grid = Table.grid(expand=True)
    grid.add_column(ratio=2, no_wrap=True)
    grid.add_column(justify="center", ratio=1, no_wrap=True)
    grid.add_column(justify="right", ratio=2, no_wrap=True)
    mark = Text("") if live else Text(f"● {text('display.reconnecting', lang)}", style=WARN)
    clock = Text(f"{now:%H:%M}" if short else f"{_date(now, lang)}  {now:%H:%M:%S}", style="bold")
    grid.add_row(Text(title, style="bold white"), mark, clock)
    return Panel(grid, box=box.HEAVY, border_style="yellow", style="on rgb(10,34,83)")


def _date(now: dt.datetime, lang: str) -> str:
    weekday = text("display.weekdays", lang).split()[now.weekday()]
    months = text("display.month_names", lang).split()
    month_name = months[now.month - 1] if len(months) == 12 else str(now.month)
    return text(
        "display.date",
        lang,
        year=now.year,
        month=now.month,
        day=now.day,
        weekday=weekday,
        month_name=month_name,
    )


def _hero(board: Board, lang: str, flash: bool, columns: int) -> Panel:
    calls = board.latest_calls(1)
    title = text("display.hall_title", lang)
    if not calls:
        body: RenderableType = Text(text("display.no_calls", lang), style=MUTED, justify="center")
        return Panel(body, title=title, box=box.HEAVY, border_style=FRAME)
    call = calls[0]
    if call.call_count > 1:
        title = text("display.recall_mark", lang)
    scale = 2 if width(call.number, 2) + 6 <= columns * 3 // 5 else 1
    sentence = text("display.call_sentence", lang, number=call.number, window=call.window)
    body = Group(
        _glyphs(call.number, scale, CALL, flash),
        Text(""),
        Text(sentence, style="bold white", justify="center"),
    )
    return Panel(
        Align.center(body, vertical="middle"),
        title=title,
        box=box.HEAVY,
        border_style="yellow" if flash else FRAME,
    )


def _glyphs(number: str, scale: int, style: str, flash: bool) -> Align:
    # Centred as one block: centring line by line would shift rows with trailing blanks.
    lit = style + (" reverse" if flash else "")
    return Align.center(Text("\n".join(big(number, scale)), style=lit))


def _recent(board: Board, lang: str) -> Panel:
    table = Table(box=box.SIMPLE_HEAD, expand=True, header_style=MUTED, pad_edge=False)
    table.add_column(text("display.col_number", lang), style=CALL)
    table.add_column(text("display.col_window", lang), style="bold")
    for call in board.latest_calls(max(1, board.recent_limit)):
        table.add_row(call.number, text("display.window_cell", lang, window=call.window))
    title = text("display.recent_calls", lang)
    return Panel(table, title=title, box=box.HEAVY, border_style=FRAME)


def _waiting(board: Board, lang: str) -> Panel:
    table = Table.grid(expand=True)
    row = []
    for service in board.services:
        table.add_column(justify="center", ratio=1, no_wrap=True, overflow="ellipsis")
        name = service.name_en if lang == "en" else service.name_zh
        count = text("display.waiting_count", lang, count=service.waiting)
        style = "bold" if service.waiting else MUTED
        row.append(Text.assemble((name, MUTED), "\n", (count, style)))
    if row:
        table.add_row(*row)
    return Panel(table, title=text("display.waiting", lang), box=box.HEAVY, border_style=FRAME)


def _fault(message: str) -> Panel:
    return Panel(
        Text(message, style="bold white"),
        box=box.HEAVY,
        style="on dark_red",
        border_style="white",
        padding=(2, 4),
    )
