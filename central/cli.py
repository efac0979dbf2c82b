"""`onewindow central serve --config district.toml` and `onewindow central report`."""

from __future__ import annotations

import argparse
import sys
from typing import Any

DEFAULT_CONFIG = "district.toml"


def add_commands(sub: Any) -> None:
    central = sub.add_parser("central", help="区级数据中心 the district centre")
    actions = central.add_subparsers(dest="action", required=True, metavar="ACTION")
    serve = actions.add_parser("serve", help="运行数据中心 run the district centre")
    serve.add_argument("--config", default=DEFAULT_CONFIG, help="district.toml 路径 path")
    serve.add_argument("--host", help="监听地址 (overrides [centre].host)")
    serve.add_argument("--port", type=int, help="端口 (overrides [centre].port)")
    serve.set_defaults(run=run_serve)
    add_report_command(actions)


def run_serve(args: argparse.Namespace) -> int:
    import logging

    from aiohttp import web

    from central.app import create_central_app
    from central.config import load_district
    from onewindow.config_table import ConfigError

    try:
        config = load_district(args.config)
    except ConfigError as e:
        print(str(e), file=sys.stderr)
        return 2
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    host = args.host or config.centre.host
    port = args.port if args.port is not None else config.centre.port
    web.run_app(
        create_central_app(config),
        host=host,
        port=port,
        print=lambda _: print(f"区级数据中心 district centre on http://{host}:{port}", flush=True),
    )
    return 0


def add_report_command(actions: Any) -> None:
    report = actions.add_parser(
        "report", help="区级统计报表 district report of a month, day or range (HTML + CSV)"
    )
    report.add_argument("--config", default=DEFAULT_CONFIG, help="district.toml 路径 path")
    period = report.add_argument_group("统计期间 period")
    period.add_argument("--month", help="月份 month, e.g. 2026-11")
    period.add_argument("--day", help="日期 day, e.g. 2026-11-16")
    period.add_argument("--from", dest="first", help="开始日期 first day of a range")
    period.add_argument("--to", dest="last", help="结束日期 last day of a range")
    report.add_argument("--out", required=True, help="输出目录 folder for report.html and CSVs")
    report.add_argument("--lang", choices=("zh", "en"), default="zh", help="语言 language")
    report.set_defaults(run=run_report)


def run_report(args: argparse.Namespace) -> int:
    import asyncio
    from pathlib import Path

    import psycopg
    import psycopg_pool

    from central.config import load_district
    from onewindow import i18n
    from onewindow.config_table import ConfigError
    from queue_server.reports import PeriodError, parse_period

    lang = args.lang

    def fail(key: str, **values: object) -> int:
        print(i18n.text(f"reports.errors.{key}", lang, **values), file=sys.stderr)
        return 2

    try:
        period = parse_period(args.day, args.month, args.first, args.last)
    except PeriodError as e:
        return fail(e.code, **e.detail)
    if period is None:
        return fail("district_needs_period")
    try:
        config = load_district(args.config)
    except ConfigError as e:
        print(str(e), file=sys.stderr)
        return 2
    try:
        report = asyncio.run(_district_report(config, period))
    except (psycopg.Error, psycopg_pool.PoolTimeout) as e:
        return fail("district_database", reason=str(e).strip().splitlines()[0] if str(e) else e)
    out = Path(args.out)
    from central.reports import write

    try:
        write(report, out, lang)
    except OSError as e:
        return fail("cannot_write", path=out, reason=e.strerror or e)
    print(i18n.text("reports.district_done", lang, path=out / "report.html"), file=sys.stderr)
    return 0


async def _district_report(config: Any, period: Any) -> Any:
    from central import reports, store

    pool = await store.open_pool(config.centre.database, 1)
    try:
        await store.prepare(pool, config)
        return await reports.district_report(pool, config, period)
    finally:
        await pool.close()
