"""`onewindow demo`: the sample hall running on this machine, for a first look or training.

It seeds the demo staff (PIN 1234) into the embedded SQLite database when they are
missing, starts the server, prints where every screen is and how to open a clerk
terminal, and runs the ticket kiosk in this terminal. Ctrl+C (or leaving the kiosk)
stops the hall.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

DEMO_STAFF = [
    ("1001", "咨询窗演示员", "clerk"),
    ("1005", "受理窗演示员", "clerk"),
    ("1006", "受理窗演示员", "clerk"),
    ("2001", "导办台演示员", "guide"),
    ("9001", "值班长演示员", "supervisor"),
]
DEMO_PIN = "1234"


def add_commands(sub: Any) -> None:
    demo = sub.add_parser("demo", help="运行演示大厅 run the sample hall")
    demo.add_argument("--config", default="config.toml")
    demo.add_argument("--port", type=int, default=None)
    demo.add_argument("--no-kiosk", action="store_true", help="不在本终端运行取号机")
    demo.add_argument(
        "--simulate",
        action="store_true",
        help="模拟客流：其他窗口由模拟人员实时办理 simulated visitors at the other windows",
    )
    demo.set_defaults(run=run_demo)


def seed_staff(config: Any, db: Path | None = None) -> None:
    """The demo staff (PIN 1234) where they are missing, in `db` or the config's database."""
    from queue_server import auth
    from queue_server.store import staff as staff_store
    from queue_server.store.storage import Storage

    storage = Storage(db or config.db_path, config.server.synchronous)
    storage.open()
    try:
        for staff_id, name, role in DEMO_STAFF:
            if storage.read_now(lambda c, s=staff_id: staff_store.get_staff(c, s)) is None:
                storage.write_now(
                    lambda c, s=staff_id, n=name, r=role: auth.upsert_staff(
                        c, s, n, r, DEMO_PIN, time.time()
                    )
                )
    finally:
        storage.close()


def _wait_up(url: str, proc: subprocess.Popen[bytes]) -> bool:
    import urllib.request  # here, not at the top: every `onewindow` command loads this module

    for _ in range(200):
        if proc.poll() is not None:
            return False
        try:
            urllib.request.urlopen(url + "/api/openapi.json", timeout=0.5).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


def _banner(url: str, config: Any) -> str:
    evaluator = next((d for d in config.devices if d.role == "evaluator"), None)
    display = next((d for d in config.devices if d.role == "display"), None)
    screen = display.token if display else "TOKEN"
    lines = [
        f"一窗通演示大厅 OneWindow demo hall — {config.hall.name}",
        f"  服务器 server           {url}/",
        f"  大厅综合屏 hall screen   {url}/display/hall?token={screen}",
        f"  窗口屏 window screen     {url}/display/window/5?token={screen}",
    ]
    if evaluator and evaluator.window:
        lines.append(
            f"  评价器 evaluator        {url}/rate/window/{evaluator.window}"
            f"?token={evaluator.token}"
        )
    lines += [
        f"  办件进度 case progress   {url}/progress",
        f"  接口文档 API document    {url}/api/openapi.json",
        "",
        "  在第二个终端打开窗口终端 clerk terminal in a second terminal:",
        f"    .venv/bin/onewindow clerk --server {url} --window 5",
        f"    工号 staff id 1005，密码 PIN {DEMO_PIN}"
        f"（咨询窗 consultation: 1001 @ 1；导办台 guide: 2001 @ 4；值班长 supervisor: 9001）",
        "    5 号窗 window 5: F1 叫号 call，F9 受理办件 take in a case；"
        "1 号咨询窗 window 1: F9 预审并发特呼号 pre-check and issue a special ticket",
        "",
        "  模拟客流 simulated visitors (windows 1, 4 and 5 stay yours):",
        "    make demo DEMO_ARGS=--simulate",
        "",
        "  按 Ctrl+C 停止 press Ctrl+C to stop",
    ]
    return "\n".join(lines)


def run_demo(args: argparse.Namespace) -> int:
    from onewindow.config import ConfigError, load_config

    try:
        config = load_config(args.config)
    except ConfigError as e:
        print(str(e), file=sys.stderr)
        return 2
    port = args.port or config.server.port
    url = f"http://127.0.0.1:{port}"
    seed_staff(config)
    simulator: subprocess.Popen[bytes] | None = None
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "onewindow_cli.cli",
            "serve",
            "--config",
            args.config,
            "--port",
            str(port),
        ],
    )
    try:
        if not _wait_up(url, server):
            print(f"服务器没有启动 the server did not start (port {port} in use?)", file=sys.stderr)
            return 1
        print(_banner(url, config), flush=True)
        if args.simulate:
            simulator = _start_simulator(args.config, config, url)
        interactive = sys.stdin.isatty() and sys.stdout.isatty()
        if interactive and not args.no_kiosk:
            input("\n按回车键打开取号机 press Enter to open the ticket kiosk here… ")
            kiosk = [
                sys.executable,
                "-m",
                "onewindow_cli.cli",
                "kiosk",
                "--server",
                url,
                "--token",
                _kiosk_token(config),
                "--config",
                args.config,
            ]
            subprocess.run(kiosk, check=False)
        else:
            server.wait()
    except KeyboardInterrupt:
        pass
    finally:
        if simulator is not None and simulator.poll() is None:
            simulator.send_signal(signal.SIGTERM)  # its clerks sign out of their windows
            simulator.wait(15)
        if server.poll() is None:
            server.send_signal(signal.SIGTERM)
            server.wait(10)
    return 0


def _start_simulator(config_path: str, config: Any, url: str) -> subprocess.Popen[bytes]:
    """Visitors and clerks in real time at every window but 1, 4 and 5 (yours)."""
    from onewindow_cli.simulator.ownserver import add_staff

    add_staff(config, config.db_path, DEMO_PIN, "模拟工作人员")
    log = config.resolve("var/simulator.log")
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "onewindow_cli.cli",
            "simulate",
            "--config",
            config_path,
            "--server",
            url,
            "--live",
            "--speed",
            "10",
            "--visitors",
            "600",
            "--skip",
            "1,4,5",
        ],
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )


def _kiosk_token(config: Any) -> str:
    kiosk = next((d for d in config.devices if d.role == "kiosk"), None)
    return kiosk.token if kiosk else os.environ.get("ONEWINDOW_KIOSK_TOKEN", "")
