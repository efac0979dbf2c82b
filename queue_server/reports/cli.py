"""`onewindow report`: the figures of a day, a month or a range, as HTML and CSV files."""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

DEFAULT_CONFIG = "config.toml"


def add_commands(sub: Any) -> None:
    report = sub.add_parser(
        "report", help="统计报表 write the report of a day, month or range (HTML + CSV)"
    )
    report.add_argument("--config", default=DEFAULT_CONFIG, help="config.toml 路径 path")
    report.add_argument("--db", help="SQLite 数据库文件 (overrides [server].db)")
    period = report.add_argument_group("统计期间 period (none: everything in the database)")
    period.add_argument("--month", help="月份 month, e.g. 2026-11")
    period.add_argument("--day", help="日期 day, e.g. 2026-11-16")
    period.add_argument("--from", dest="first", help="开始日期 first day of a range")
    period.add_argument("--to", dest="last", help="结束日期 last day of a range")
    report.add_argument("--out", required=True, help="输出目录 folder for report.html and CSVs")
    report.add_argument("--lang", choices=("zh", "en"), default="zh", help="语言 language")
    report.set_defaults(run=run_report)


def _fail(lang: str, key: str, **values: object) -> int:
    from onewindow import i18n

    print(i18n.text(f"reports.errors.{key}", lang, **values), file=sys.stderr)
    return 2


def run_report(args: argparse.Namespace) -> int:
    import sqlite3
    from pathlib import Path

    from onewindow import i18n
    from onewindow.config import ConfigError, load_config
    from queue_server.reports import PeriodError, compute, parse_period
    from queue_server.reports.render import write

    lang = args.lang

    def say(key: str, **values: object) -> None:
        print(i18n.text(f"reports.{key}", lang, **values), file=sys.stderr, flush=True)

    try:
        period = parse_period(args.day, args.month, args.first, args.last)
    except PeriodError as e:
        return _fail(lang, e.code, **e.detail)
    try:
        config = load_config(args.config)
    except ConfigError as e:
        print(str(e), file=sys.stderr)
        return 2
    db = Path(args.db) if args.db else config.db_path
    if not db.is_file():
        return _fail(lang, "no_database", path=db)
    begun = time.perf_counter()
    try:
        report = compute(db, config, period, progress=lambda step: say(f"progress.{step}"))
    except sqlite3.DatabaseError:
        return _fail(lang, "not_a_database", path=db)
    say("progress.rendering")
    out = Path(args.out)
    try:
        write(report, out, lang)
    except OSError as e:
        return _fail(lang, "cannot_write", path=out, reason=e.strerror or e)
    say("progress.done", path=out / "report.html", seconds=f"{time.perf_counter() - begun:.1f}")
    return 0
