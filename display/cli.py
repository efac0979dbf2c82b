"""`onewindow display`: the hall board (or one window's number) in a terminal."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any


def add_commands(sub: Any) -> None:
    cmd = sub.add_parser(
        "display",
        help="终端叫号屏 hall or window screen in a terminal",
        description="在终端显示大厅叫号屏或窗口屏，并可用本机语音命令播报。",
    )
    cmd.add_argument("--server", required=True, help="大厅服务器地址 e.g. http://127.0.0.1:8080")
    cmd.add_argument(
        "--token",
        default=os.environ.get("ONEWINDOW_DISPLAY_TOKEN"),
        help="显示屏令牌 display token (or env ONEWINDOW_DISPLAY_TOKEN)",
    )
    cmd.add_argument("--window", type=int, help="只显示该窗口的号码 show one window's number")
    cmd.add_argument("--lang", choices=("zh", "en", "both"), help="语言 (default: the hall's)")
    cmd.add_argument(
        "--voice-command",
        help='语音命令 e.g. "espeak-ng -v cmn-latn-pinyin" (default: [display].voice_command)',
    )
    cmd.add_argument("--config", help="读取 [display].voice_command 的 config.toml")
    cmd.add_argument("--plain", action="store_true", help="逐行输出叫号 one line per call")
    cmd.set_defaults(run=run_display)


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return 2


def run_display(args: argparse.Namespace) -> int:
    import asyncio

    from onewindow.i18n import text

    lang = args.lang if args.lang in ("zh", "en") else "zh"
    if not args.token:
        return _fail(text("display.token_missing", lang))
    if not args.server.startswith(("http://", "https://")):
        return _fail(text("display.bad_server", lang, server=args.server))
    if args.window is not None and not 1 <= args.window <= 9999:
        return _fail(text("display.unknown_window", lang, window=args.window))
    voice = args.voice_command
    if voice is None and args.config:
        from onewindow.config import ConfigError, load_config

        try:
            voice = load_config(args.config).display.voice_command
        except ConfigError as e:
            return _fail(str(e))
    try:
        return asyncio.run(_run(args, voice or "", lang))
    except KeyboardInterrupt:
        return 0


async def _run(args: argparse.Namespace, voice: str, lang: str) -> int:
    import asyncio

    from display.screen import PlainScreen, ScreenOptions, TerminalScreen, run_tasks
    from onewindow.i18n import text

    options = ScreenOptions(args.server.rstrip("/"), args.token, args.window, args.lang, voice)
    screen: TerminalScreen = PlainScreen(options) if args.plain else TerminalScreen(options)
    if not await screen.refresh() and screen.fault:
        await screen.close()
        return _fail(screen.fault)  # a wrong token will not fix itself: say so and stop
    if args.window is not None and screen.board.loaded and args.window not in screen.board.windows:
        await screen.close()
        return _fail(text("display.unknown_window", lang, window=args.window))
    if args.plain:
        assert isinstance(screen, PlainScreen)
        painter = asyncio.create_task(screen.paint())
    else:
        from rich.console import Console

        from display.live import paint

        painter = asyncio.create_task(paint(screen, Console()))
    await run_tasks(screen, painter)
    return 0
