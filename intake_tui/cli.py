"""`onewindow clerk`: the clerk terminal at a window PC."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

DEFAULT_CONFIG = "config.toml"


def add_commands(sub: Any) -> None:
    clerk = sub.add_parser("clerk", help="窗口工作台 the clerk terminal")
    clerk.add_argument("--server", help="大厅服务器地址 hall server URL (default: from the config)")
    clerk.add_argument("--window", type=int, help="本机所在窗口号 this PC's window number")
    clerk.add_argument(
        "--config", help=f"config.toml 路径 path (default: {DEFAULT_CONFIG} when present)"
    )
    clerk.add_argument("--lang", choices=("zh", "en"), default="zh", help="界面语言 language")
    clerk.set_defaults(run=run_clerk)


def _fail(message: str) -> SystemExit:
    print(message, file=sys.stderr)
    return SystemExit(2)


def _window_from_config(path: Path) -> int | None:
    """`[clerk] window = N` in this PC's copy of the config names its window."""
    import tomllib

    try:
        table = tomllib.loads(path.read_text(encoding="utf-8")).get("clerk", {})
    except (OSError, tomllib.TOMLDecodeError):
        return None  # load_config has already said what is wrong with the file
    window = table.get("window") if isinstance(table, dict) else None
    if window is None:
        return None
    if not isinstance(window, int) or isinstance(window, bool) or window < 1:
        raise _fail(f"配置错误 config error: clerk.window = {window!r}: 应为正整数 must be > 0")
    return window


def run_clerk(args: argparse.Namespace) -> int:
    from onewindow.config import ConfigError, load_config

    config = None
    path = Path(args.config) if args.config else Path(DEFAULT_CONFIG)
    if args.config or path.exists():
        try:
            config = load_config(path)
        except ConfigError as e:
            raise _fail(str(e)) from None
    window = args.window if args.window is not None else None
    if window is None and config is not None:
        window = _window_from_config(path)
    if window is not None and window < 1:
        raise _fail(f"窗口号应为正整数 --window must be a positive number: {window}")
    if config is not None and window is not None and config.window(window) is None:
        raise _fail(f"配置中没有 {window} 号窗口 no window {window} in {path}")
    server = args.server
    if not server and config is not None:
        host = "127.0.0.1" if config.server.host in ("0.0.0.0", "") else config.server.host
        server = config.server.public_url or f"http://{host}:{config.server.port}"
    if not server:
        raise _fail("请用 --server 指定服务器地址 give the server with --server URL")
    if not server.startswith(("http://", "https://")):
        raise _fail(f"服务器地址应以 http:// 开头 --server must be an http(s) URL: {server}")

    from intake_tui.app import ClerkApp

    ClerkApp(server, window=window, config=config, lang=args.lang).run()
    return 0
