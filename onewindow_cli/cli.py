"""The `onewindow` command: one entry point, a subcommand per part of the hall.

Each part keeps its own subcommands in a small `cli` module (argument definitions
only at import time; heavy imports happen when the command runs), so starting one
part never pays for loading the others.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# (module, description) of every part that adds subcommands.
PARTS = [
    ("queue_server.cli", "server and staff"),
    ("onewindow_cli.demo", "the sample hall"),
    ("intake_tui.cli", "clerk terminal"),
    ("ticket_printer.cli", "ticket kiosk and printing"),
    ("display.cli", "terminal hall screen"),
    ("queue_server.reports.cli", "reports"),
    ("onewindow_cli.simulator.cli", "hall simulator"),
    ("onewindow_cli.district", "the sample district, all of it"),
    ("central.cli", "district centre"),
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="onewindow", description="一窗通 OneWindow — 政务服务大厅排队叫号与一窗受理"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module, _ in PARTS:
        importlib.import_module(module).add_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    result: int = args.run(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
