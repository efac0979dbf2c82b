"""`onewindow serve` and `onewindow staff ...`."""

from __future__ import annotations

import argparse
import getpass
import sys
import time
from typing import Any

DEFAULT_CONFIG = "config.toml"


def add_commands(sub: Any) -> None:
    serve = sub.add_parser("serve", help="运行大厅服务器 run the hall server")
    serve.add_argument("--config", default=DEFAULT_CONFIG, help="config.toml 路径 path")
    serve.add_argument("--host", help="监听地址 (overrides [server].host)")
    serve.add_argument("--port", type=int, help="端口 (overrides [server].port)")
    serve.add_argument("--db", help="SQLite 数据库文件 (overrides [server].db)")
    serve.add_argument(
        "--sim-clock",
        action="store_true",
        help="允许模拟器设置时钟 let the simulator set the clock",
    )
    serve.set_defaults(run=run_serve)

    staff = sub.add_parser("staff", help="管理工作人员 manage staff")
    staff.add_argument("--config", default=DEFAULT_CONFIG)
    staff.add_argument("--db", help="SQLite 数据库文件 (overrides [server].db)")
    actions = staff.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = actions.add_parser("add", help="新增或更新 add or update a staff member")
    add.add_argument("--staff-id", required=True)
    add.add_argument("--name", required=True, help="姓名（只存于数据库，不上屏）")
    add.add_argument("--role", required=True, choices=("clerk", "guide", "supervisor", "admin"))
    add.add_argument("--pin", help="PIN（省略则交互输入 prompted when left out）")
    actions.add_parser("list", help="列出 list staff")
    disable = actions.add_parser("disable", help="停用 disable a staff member")
    disable.add_argument("--staff-id", required=True)
    enable = actions.add_parser("enable", help="启用 enable a staff member")
    enable.add_argument("--staff-id", required=True)
    staff.set_defaults(run=run_staff)


def _config(path: str) -> Any:
    from onewindow.config import ConfigError, load_config

    try:
        return load_config(path)
    except ConfigError as e:
        print(str(e), file=sys.stderr)
        raise SystemExit(2) from None


def run_serve(args: argparse.Namespace) -> int:
    import logging

    from aiohttp import web

    from queue_server.http.app import create_app

    config = _config(args.config)
    host = args.host or config.server.host
    port = args.port if args.port is not None else config.server.port
    db = args.db or str(config.db_path)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    from onewindow.catalogue import CatalogueError

    try:
        app = create_app(config, db, sim_clock=args.sim_clock)
    except CatalogueError as e:
        print(f"事项目录错误 catalogue error: {e}", file=sys.stderr)
        return 2
    app.on_startup.append(_tune_gc)

    def announce(_: str) -> None:
        shown = "127.0.0.1" if host in ("0.0.0.0", "") else host
        print(
            f"一窗通服务器已启动 OneWindow serving {config.hall.name} at http://{shown}:{port}/",
            flush=True,
        )
        print(f"数据库 database: {db}", flush=True)

    try:
        import uvloop

        loop_factory = uvloop.new_event_loop
    except ImportError:  # uvloop is optional: plain asyncio works, a little slower
        loop_factory = None
    try:
        web.run_app(
            app,
            host=host,
            port=port,
            print=announce,
            access_log=None,
            shutdown_timeout=5.0,
            loop=loop_factory() if loop_factory else None,
        )
    except OSError as e:
        print(f"无法监听 cannot listen on {host}:{port}: {e.strerror}", file=sys.stderr)
        return 1
    return 0


async def _tune_gc(app: Any) -> None:
    """Fewer, cheaper garbage collections once the day's state is loaded.

    The hall keeps every ticket of the day in memory and each request allocates a few
    dozen small objects; with the default thresholds the full collections that walk
    the whole heap land in the middle of requests and set the p99 latency
    (docs/performance.md has the figures).
    """
    import gc

    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


def _pin(given: str | None) -> str:
    if given is not None:
        pin = given
    else:
        pin = getpass.getpass("PIN: ")
        if getpass.getpass("再次输入 again: ") != pin:
            raise SystemExit("两次输入不一致 the PINs differ")
    if not (4 <= len(pin) <= 32) or not pin.isdigit():
        raise SystemExit("PIN 须为 4–32 位数字 the PIN must be 4–32 digits")
    return pin


def run_staff(args: argparse.Namespace) -> int:
    from queue_server import auth
    from queue_server.store import staff as staff_store
    from queue_server.store.storage import Storage

    config = _config(args.config)
    storage = Storage(args.db or config.db_path, config.server.synchronous)
    storage.open()
    try:
        if args.action == "add":
            pin = _pin(args.pin)
            storage.write_now(
                lambda c: auth.upsert_staff(
                    c, args.staff_id, args.name, args.role, pin, time.time()
                )
            )
            print(f"已保存 saved: {args.staff_id} ({args.role})")
        elif args.action == "list":
            for row in storage.read_now(staff_store.list_staff):
                state = "停用 disabled" if row["disabled"] else "启用 active"
                print(f"{row['staff_id']:<12} {row['role']:<11} {state}")
        else:
            disable = args.action == "disable"
            if not storage.write_now(lambda c: staff_store.set_disabled(c, args.staff_id, disable)):
                print(f"没有工号 no staff id {args.staff_id}", file=sys.stderr)
                return 1
            print(f"已{'停用' if args.action == 'disable' else '启用'} {args.staff_id}")
    finally:
        storage.close()
    return 0
