"""`onewindow simulate`: a whole hall day through the real API (docs/simulator.md)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

MAX_LIVE_SPEED = 60.0


def add_commands(sub: Any) -> None:
    sim = sub.add_parser("simulate", help="模拟大厅一整天 simulate a whole hall day")
    sim.add_argument("--config", default="config.toml", help="大厅配置 the hall's config.toml")
    where = sim.add_mutually_exclusive_group()
    where.add_argument("--server", help="驱动已运行的服务器 drive a running server (URL)")
    where.add_argument("--db", help="自行启动服务器并写入该数据库 start a server on this database")
    sim.add_argument("--visitors", type=int, help="每天新到访客 new visitors a day (1000)")
    sim.add_argument("--windows", type=int, help="开放窗口数 windows staffed (all)")
    sim.add_argument("--speed", type=float, help="每实际秒模拟秒数 simulated s per real s")
    sim.add_argument("--seed", default="1", help="随机种子 seed: the same seed, the same day")
    sim.add_argument("--days", type=int, default=1, help="连续工作日数 working days")
    sim.add_argument("--start", help="第一天 first day, YYYY-MM-DD")
    sim.add_argument("--tick", type=int, default=10, help="时间粒度秒 clock resolution, s (10)")
    sim.add_argument("--truth", help="真值文件 ground-truth JSON file")
    sim.add_argument("--live", action="store_true", help="实时模式 real time, clock untouched")
    sim.add_argument("--skip", default="", help="不使用的窗口 windows to leave alone: 1,5")
    sim.add_argument("--pin", default="1234", help="模拟工作人员 PIN of the simulated staff")
    sim.add_argument("--add-staff", action="store_true", help="只添加模拟工作人员 add staff, exit")
    sim.add_argument("--lang", choices=("zh", "en"), default="zh")
    sim.add_argument("--quiet", action="store_true", help="不显示进度 no progress line")
    sim.set_defaults(run=run_simulate)


class _Bad(Exception):
    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key, self.values = key, values


def _options(args: argparse.Namespace, config: Any, server: str, config_path: str) -> Any:
    from onewindow_cli.simulator.run import Options

    skip = tuple(int(x) for x in args.skip.replace(" ", "").split(",") if x)
    start = dt.date.fromisoformat(args.start) if args.start else None
    speed = args.speed if args.speed is not None else (1.0 if args.live else None)
    visitors = args.visitors if args.visitors is not None else (200 if args.live else 1000)
    return Options(
        server=server,
        config=config,
        config_path=config_path,
        visitors=visitors,
        windows=args.windows,
        seed=str(args.seed),
        days=args.days,
        start=start,
        speed=speed,
        tick_s=1 if args.live else args.tick,
        live=args.live,
        pin=args.pin,
        language=args.lang,
        skip=skip,
    )


def _check(args: argparse.Namespace) -> None:
    if args.live and not args.server:
        raise _Bad("live_needs_server")
    if args.live and args.truth:
        raise _Bad("live_no_truth")
    if not args.server and not args.db and not args.add_staff:
        raise _Bad("needs_target")
    if args.speed is not None and (args.speed <= 0 or (args.live and args.speed > MAX_LIVE_SPEED)):
        raise _Bad("bad_speed", speed=args.speed, most=int(MAX_LIVE_SPEED))
    for name in ("visitors", "windows", "days", "tick"):
        value = getattr(args, name)
        if value is not None and value < 1:
            raise _Bad("bad_number", option=f"--{name}", value=value)
    try:
        tuple(int(x) for x in args.skip.replace(" ", "").split(",") if x)
    except ValueError:
        raise _Bad("bad_skip", value=args.skip) from None
    if args.start:
        try:
            dt.date.fromisoformat(args.start)
        except ValueError:
            raise _Bad("bad_date", value=args.start) from None


def run_simulate(args: argparse.Namespace) -> int:
    from onewindow import i18n
    from onewindow.config import ConfigError, load_config

    def say(key: str, **values: object) -> None:
        print(i18n.text(f"simulator.{key}", args.lang, **values), file=sys.stderr)

    try:
        _check(args)
        config = load_config(args.config)
    except _Bad as e:
        say(e.key, **e.values)
        return 2
    except ConfigError as e:
        print(str(e), file=sys.stderr)
        return 2
    if args.add_staff:
        from onewindow_cli.simulator.ownserver import add_staff

        db = Path(args.db) if args.db else config.db_path
        count = add_staff(config, db, args.pin, i18n.text("simulator.staff_name", args.lang))
        say("staff_added", count=count, db=db, pin=args.pin)
        return 0
    from onewindow_cli.simulator.session import simulate_and_report

    return simulate_and_report(args, config, _options, say)
