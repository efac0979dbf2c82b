"""`onewindow district`: the whole district on this machine (`make district`).

It finds or starts a PostgreSQL (`central.pgserver`, with `ONEWINDOW_PG` as the
variable), creates the district's database when it is missing, writes the effective
configs (`onewindow_cli.district_layout`), seeds the demo staff into each hall, starts the
centre and then every hall server as child processes, waits until each answers, and
prints where everything is. Ctrl+C (or SIGTERM) stops the halls, then the centre, then
a PostgreSQL it started itself; a child that dies on its own stops the district too.

Each child runs in a process group of its own, so a Ctrl+C in the terminal reaches
only this runner, which stops the children in order; on Linux a child also gets
SIGTERM should the runner itself be killed, so none is left behind.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from onewindow_cli.district_layout import Layout

ENV = "ONEWINDOW_PG"
START_TIMEOUT_S = 90.0
STOP_TIMEOUT_S = 10.0
_PR_SET_PDEATHSIG = 1


class Stop(Exception):
    """Ctrl+C or SIGTERM: stop the district."""


@dataclass
class Child:
    name: str
    url: str
    log: Path
    proc: subprocess.Popen[bytes]


def _die_with_parent() -> None:
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def _spawn(name: str, url: str, argv: list[str], log: Path) -> Child:
    with log.open("wb") as out:
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            process_group=0,
            preexec_fn=_die_with_parent,
        )
    return Child(name, url, log, proc)


def _wait_up(children: list[Child], deadline: float) -> None:
    waiting = list(children)
    while waiting:
        for child in list(waiting):
            if child.proc.poll() is not None:
                raise RuntimeError(f"{child.name} 没有启动 did not start (log: {child.log})")
            try:
                urllib.request.urlopen(child.url + "/api/openapi.json", timeout=0.5).close()
                waiting.remove(child)
            except OSError:
                pass
        if waiting and time.monotonic() > deadline:
            names = ", ".join(c.name for c in waiting)
            raise RuntimeError(f"启动超时 not answering after {START_TIMEOUT_S:.0f} s: {names}")
        if waiting:
            time.sleep(0.1)


def _stop(children: list[Child]) -> None:
    for child in children:
        if child.proc.poll() is None:
            child.proc.send_signal(signal.SIGTERM)
    for child in children:
        try:
            child.proc.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            child.proc.kill()
            child.proc.wait()


@contextlib.contextmanager
def _signals_stop() -> Iterator[None]:
    def stop(signum: int, frame: FrameType | None) -> None:
        # One stop is enough: a second Ctrl+C while stopping must not cut it short.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        raise Stop

    old = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, handler in old.items():
            signal.signal(s, handler)


def _seed_staff(db: Path, hall_config: Path) -> None:
    """The demo staff (PIN 1234), as `make demo` seeds them, where they are missing."""
    from onewindow.config import load_config
    from onewindow_cli.demo import seed_staff

    seed_staff(load_config(hall_config), db)


def run(args: argparse.Namespace) -> int:
    from central import pgserver
    from onewindow.config_table import ConfigError
    from onewindow_cli.district_layout import plan, write_configs

    state_dir = Path(args.state_dir)
    try:
        layout = plan(args.config, state_dir, args.base_port)
    except ConfigError as e:
        print(str(e), file=sys.stderr)
        return 2
    configured = layout.district.centre.database
    database = args.database or pgserver.database_of(configured)
    children: list[Child] = []
    with _signals_stop():
        try:
            print("准备数据库 preparing PostgreSQL…", flush=True)
            with pgserver.server(ENV, pgserver.with_database(configured, "postgres")) as admin:
                pgserver.ensure_database(admin, database)
                write_configs(layout, pgserver.with_database(admin, database))
                logs = layout.state_dir / "logs"
                logs.mkdir(parents=True, exist_ok=True)
                for hall in layout.halls:
                    _seed_staff(hall.db, hall.config)
                try:
                    _start(layout, logs, children)
                    print(_banner(layout, logs), flush=True)
                    _watch(children)
                    return 1
                finally:
                    _stop(children)
        except Stop:
            print("\n已停止 district stopped", flush=True)
            return 0
        except RuntimeError as e:
            print(f"区级演示无法运行 the district cannot run: {e}", file=sys.stderr)
            return 1


def _start(layout: Layout, logs: Path, children: list[Child]) -> None:
    """Into `children` as each starts, so a Ctrl+C during the start stops those."""
    onewindow = [sys.executable, "-m", "onewindow_cli.cli"]
    centre = _spawn(
        "区级数据中心 centre",
        layout.centre_url,
        [*onewindow, "central", "serve", "--config", str(layout.centre_config)],
        logs / "centre.log",
    )
    children.append(centre)
    _wait_up([centre], time.monotonic() + START_TIMEOUT_S)  # it migrates the database first
    for hall in layout.halls:
        argv = [*onewindow, "serve", "--config", str(hall.config)]
        # Halls first in the list: they stop before the centre, so no uplink sees it gone.
        children.insert(0, _spawn(hall.code, hall.url, argv, logs / f"{hall.code}.log"))
    _wait_up(children[:-1], time.monotonic() + START_TIMEOUT_S)


def _watch(children: list[Child]) -> None:
    """Until Ctrl+C; a child that exits on its own ends the district."""
    while True:
        for child in children:
            if child.proc.poll() is not None:
                print(
                    f"{child.name} 已退出 exited ({child.proc.returncode}); 日志 log: {child.log}",
                    file=sys.stderr,
                    flush=True,
                )
                return
        time.sleep(0.5)


def _banner(layout: Layout, logs: Path) -> str:
    viewers = layout.district.viewers
    screen = next((v for v in viewers if v.role == "display"), None) or next(iter(viewers), None)
    boss = next((v for v in viewers if v.role == "supervisor"), None)
    url = layout.centre_url
    lines = [
        f"一窗通示例区 OneWindow sample district — {layout.district.centre.name}",
        f"  区级数据中心 centre      {url}/",
        f"  区级监控屏 monitor       {url}/monitor?token={screen.token if screen else 'TOKEN'}",
    ]
    if boss is not None:
        lines.append(
            f"  各厅数据 figures         curl -H 'Authorization: Bearer {boss.token}' "
            f"{url}/api/halls"
        )
    lines.append("  大厅 halls:")
    lines += [f"    {h.code:<4} {h.url}/  {h.name}" for h in layout.halls]
    lines += [
        "",
        "  演示令牌与工号 demo tokens and staff: kiosk demo-kiosk-token, "
        "staff 1005 / PIN 1234 (as in make demo)",
        f"  日志 logs: {logs}",
        "  按 Ctrl+C 停止 press Ctrl+C to stop",
    ]
    return "\n".join(lines)


def add_commands(sub: Any) -> None:
    district = sub.add_parser(
        "district", help="运行整个示例区 run the whole district here (make district)"
    )
    district.add_argument(
        "--config", default="district/district.toml", help="district.toml 路径 path"
    )
    district.add_argument(
        "--base-port",
        type=int,
        default=None,
        help="数据中心用此端口，各厅依次加一；0 = 任意空闲端口 centre on N, halls on N+1...; "
        "0 = free ports (default: the files' own)",
    )
    district.add_argument(
        "--state-dir", default="var/district", help="大厅数据库、日志 hall databases, logs"
    )
    district.add_argument("--database", help="数据库名 database name (default: the config's)")
    district.set_defaults(run=run)
