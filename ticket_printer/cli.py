"""`onewindow kiosk`, `onewindow ticket` and `onewindow reprint`.

Exit codes: 0 done; 1 the server is unreachable or refused; 2 a bad config or
argument; 3 the ticket exists but did not print (the message names it and says how
to reprint it).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

DEFAULT_CONFIG = "config.toml"


def _common(p: Any, *, token_required: bool = True) -> None:
    p.add_argument("--server", required=True, help="大厅服务器地址 e.g. http://127.0.0.1:8080")
    p.add_argument(
        "--token", required=token_required, help="设备或工作人员令牌 device or staff token"
    )
    p.add_argument("--config", default=DEFAULT_CONFIG, help="config.toml 路径 path")
    p.add_argument("--journal", help="打印记录目录 print journal folder (var/print-journal)")
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="语言 language")


def add_commands(sub: Any) -> None:
    kiosk = sub.add_parser("kiosk", help="取号机 run the ticket kiosk")
    _common(kiosk)
    kiosk.set_defaults(run=run_kiosk)

    ticket = sub.add_parser("ticket", help="取一张号并打印 issue and print one ticket")
    _common(ticket)
    ticket.add_argument("--service", required=True, help="业务代码 service code, e.g. A")
    ticket.add_argument("--kind", choices=("normal", "priority"), default="normal")
    ticket.set_defaults(run=run_ticket)

    reprint = sub.add_parser("reprint", help="补打号票 reprint a ticket")
    _common(reprint, token_required=False)
    which = reprint.add_mutually_exclusive_group(required=True)
    which.add_argument("--id", help="号票编号（二维码中的） the ticket's id")
    which.add_argument("--number", help="号码 the ticket number, e.g. A012")
    reprint.add_argument("--staff-id", help="主管工号 a supervisor's staff id (for --number)")
    reprint.add_argument("--pin", help="PIN (with --staff-id)")
    reprint.add_argument("--desk", type=int, help="在该窗口的打印机上补打 print at this window")
    reprint.set_defaults(run=run_reprint)


def _setup(args: argparse.Namespace) -> Any:
    import logging

    from onewindow.config import ConfigError, load_config

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        return load_config(args.config)
    except ConfigError as e:
        print(str(e), file=sys.stderr)
        raise SystemExit(2) from None


def run_kiosk(args: argparse.Namespace) -> int:
    config = _setup(args)
    from ticket_printer.kiosk.app import KioskApp

    app = KioskApp(config, args.server, args.token, lang=args.lang, journal_dir=args.journal)
    app.run()
    return 0


def run_ticket(args: argparse.Namespace) -> int:
    import asyncio

    config = _setup(args)
    return asyncio.run(_ticket(config, args))


def run_reprint(args: argparse.Namespace) -> int:
    import asyncio

    config = _setup(args)
    if args.staff_id and not args.pin:
        print("--staff-id 需要同时给出 --pin (needs --pin)", file=sys.stderr)
        return 2
    return asyncio.run(_reprint(config, args))


async def _ticket(config: Any, args: argparse.Namespace) -> int:
    from onewindow.client import ApiFailure, HallClient, Unreachable
    from onewindow.i18n import text
    from ticket_printer.station import Station
    from ticket_printer.tickets import service_name

    lang = args.lang
    station = Station.open(config, args.server, args.journal)
    async with HallClient(args.server, args.token, language=lang) as client:
        try:
            ticket = await station.issue(client, args.service.upper(), args.kind)
        except Unreachable:
            print(text("printer.cli.unreachable", lang, server=args.server), file=sys.stderr)
            return 1
        except ApiFailure as e:
            print(text("printer.cli.refused", lang, message=e.message), file=sys.stderr)
            return 1
    name = service_name(config, ticket.service, lang)
    print(
        text(
            "printer.cli.issued",
            lang,
            number=ticket.number,
            service=name,
            ahead=ticket.people_ahead or 0,
        )
    )
    outcome = await station.print_ticket(ticket, lang)
    if outcome.ok:
        print(text("printer.cli.printed", lang, number=ticket.number, target=outcome.target))
        return 0
    print(
        text(
            "printer.cli.print_failed",
            lang,
            number=ticket.number,
            id=ticket.id,
            reason=outcome.message(lang),
            server=args.server,
        ),
        file=sys.stderr,
    )
    return 3


async def _reprint(config: Any, args: argparse.Namespace) -> int:
    from onewindow.client import ApiFailure, HallClient, Unreachable
    from onewindow.i18n import text
    from ticket_printer.station import LookupFailed, Station

    lang = args.lang
    station = Station.open(config, args.server, args.journal, desk=args.desk)
    async with HallClient(args.server, args.token, language=lang) as client:
        signed_in = False
        try:
            if args.staff_id and args.number:
                await client.login(args.staff_id, args.pin, None)  # no window: opens none
                signed_in = True
            try:
                ticket = await station.find(client, ticket_id=args.id, number=args.number)
            finally:
                if signed_in:
                    await client.logout()
        except LookupFailed as e:
            print(e.message(lang), file=sys.stderr)
            return 1
        except Unreachable:
            print(text("printer.cli.unreachable", lang, server=args.server), file=sys.stderr)
            return 1
        except ApiFailure as e:
            print(text("printer.cli.refused", lang, message=e.message), file=sys.stderr)
            if e.code == "window_required":  # a clerk or guide: signing in would open a window
                print(text("printer.cli.needs_staff", lang), file=sys.stderr)
            return 1
    outcome = await station.print_ticket(ticket, lang)
    if outcome.ok:
        print(text("printer.cli.reprinted", lang, number=ticket.number, target=outcome.target))
        return 0
    print(
        text(
            "printer.cli.reprint_failed", lang, number=ticket.number, reason=outcome.message(lang)
        ),
        file=sys.stderr,
    )
    return 3
