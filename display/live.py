"""Painting a `TerminalScreen` full-screen with rich, once a second and on each change."""

from __future__ import annotations

import asyncio
import contextlib

from rich.console import Console, RenderableType
from rich.live import Live

from display.render import hall_board, window_board
from display.screen import TerminalScreen
from onewindow.i18n import text


async def paint(screen: TerminalScreen, console: Console) -> None:
    with Live(console=console, screen=True, auto_refresh=False, transient=True) as live:
        while True:
            live.update(view(screen, console.size.width), refresh=True)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(screen.changed.wait(), 1.0)
            screen.changed.clear()


def view(screen: TerminalScreen, columns: int) -> RenderableType:
    lang = screen.language
    fault = screen.fault
    if not fault and not screen.board.loaded and screen.problem:
        reason = screen.problem
        if "refused" in reason.lower() or "connect call failed" in reason.lower():
            reason = text("display.reason_refused", lang)
        fault = text(
            "display.server_unreachable", lang, server=screen.options.server, reason=reason
        )
    if screen.options.window is not None:
        return window_board(
            screen.board,
            screen.options.window,
            lang,
            screen.now(),
            live=screen.live,
            fault=fault,
            flash=screen.flashing,
        )
    return hall_board(
        screen.board,
        lang,
        screen.now(),
        live=screen.live,
        fault=fault,
        flash=screen.flashing,
        columns=columns,
    )
