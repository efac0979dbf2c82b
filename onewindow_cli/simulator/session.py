"""Running one `onewindow simulate`: the server (ours or theirs), the run, the summary."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import datetime as dt
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from onewindow import i18n
from onewindow.config import Config
from onewindow.workdays import WorkCalendar
from onewindow_cli.simulator import truth as records
from onewindow_cli.simulator.progress import Progress

Say = Callable[..., None]


def _loop_run(coro: Any) -> Any:
    try:
        import uvloop

        return uvloop.run(coro)
    except ImportError:  # uvloop is optional: plain asyncio works, a little slower
        return asyncio.run(coro)


def run_simulation(opts: Any, progress: Progress) -> records.Truth:
    from onewindow_cli.simulator.run import Simulation

    async def main() -> records.Truth:
        # SIGTERM stops a run like Ctrl+C: the windows are signed out, not left open.
        task = asyncio.current_task()
        assert task is not None
        with contextlib.suppress(NotImplementedError):
            asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
        return await Simulation(opts, progress).run()

    truth: records.Truth = _loop_run(main())
    return truth


def _truth_path(args: argparse.Namespace) -> Path | None:
    if args.live:
        return None
    if args.truth:
        return Path(args.truth)
    if args.db:
        db = Path(args.db)
        return db.with_name(db.stem + "-truth.json")
    return Path("simulation-truth.json")


def summary(truth: records.Truth, seconds: float, language: str) -> list[str]:
    assert truth.figures is not None
    hall = truth.figures.hall
    t, c, r = hall.tickets, hall.cases, hall.ratings
    assert t is not None and c is not None and r is not None
    text = i18n.text
    return [
        text(
            "simulator.summary",
            language,
            days=len(truth.days),
            first=truth.days[0],
            last=truth.days[-1],
            seconds=round(seconds, 1),
        ),
        text(
            "simulator.summary_tickets",
            language,
            issued=t.issued,
            visitors=t.visitors,
            served=t.served,
            no_show=t.no_show,
            cancelled=t.cancelled,
            wait=round((t.wait.mean_s or 0) / 60, 1),
        ),
        text(
            "simulator.summary_cases",
            language,
            accepted=c.accepted,
            finished=c.finished,
            ratings=r.count,
            satisfaction=round(100 * (r.satisfaction_rate or 0), 1),
        ),
    ]


def simulate_and_report(
    args: argparse.Namespace, config: Config, make_options: Callable[..., Any], say: Say
) -> int:
    from onewindow_cli.simulator.ownserver import OwnServer, ServerFailed, last_day
    from onewindow_cli.simulator.run import SimulationError

    progress = Progress(args.lang, quiet=args.quiet)
    own = None
    began = time.monotonic()
    try:
        if args.db:
            after = last_day(Path(args.db))
            asked = dt.date.fromisoformat(args.start) if args.start else None
            if after is not None and asked is not None and asked <= after:
                raise SimulationError("db_has_days", last=after.isoformat())
            own = OwnServer(Path(args.config), Path(args.db), args.windows, args.pin, args.lang)
            say("starting", db=args.db)
            sim_config = own.start(i18n.text("simulator.staff_name", args.lang))
            opts = make_options(args, sim_config, own.url, str(args.config))
            if after is not None and asked is None:
                # Carry on after the days the database already holds.
                calendar = WorkCalendar(config.holidays, config.workdays)
                opts = dataclasses.replace(opts, start=calendar.add_workdays(after, 1))
        else:
            opts = make_options(args, config, args.server, str(args.config))
        truth = run_simulation(opts, progress)
    except SimulationError as e:
        progress.end_line()
        say(e.key, **e.values)
        return 2
    except ServerFailed as e:
        say("server_failed", log=str(e))
        return 2
    except (KeyboardInterrupt, asyncio.CancelledError):
        progress.end_line()
        say("stopped")
        return 130
    finally:
        if own is not None:
            own.stop()
    for line in summary(truth, time.monotonic() - began, args.lang):
        print(line)
    path = _truth_path(args)
    if path is not None:
        records.write(truth, path)
        say("truth_written", path=path)
    if args.db:
        say("report_hint", config=args.config, db=args.db, first=truth.days[0], last=truth.days[-1])
    if truth.refused:
        say("refused_count", count=len(truth.refused))
        for line in truth.refused[:5]:
            print("  " + line)
        return 1
    return 0
