"""`onewindow serve` and `onewindow staff` as an administrator would use them."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
from pathlib import Path

import aiohttp

from tests.hallserver import ROOT, SAMPLE_CONFIG, HallServer, onewindow


def test_staff_add_list_disable_enable(db_path: Path) -> None:
    args = ["staff", "--config", str(SAMPLE_CONFIG), "--db", str(db_path)]
    out = onewindow(
        *args, "add", "--staff-id", "1007", "--name", "李四", "--role", "clerk", "--pin", "4321"
    )
    assert "1007" in out.stdout
    listing = onewindow(*args, "list").stdout
    assert "1007" in listing and "clerk" in listing and "李四" not in listing
    with sqlite3.connect(db_path) as db:
        salt, digest = db.execute("SELECT pin_salt, pin_hash FROM staff").fetchone()
    assert len(salt) == 16 and b"4321" not in digest
    assert "停用" in onewindow(*args, "disable", "--staff-id", "1007").stdout
    assert "disabled" in onewindow(*args, "list").stdout
    onewindow(*args, "enable", "--staff-id", "1007")
    assert "active" in onewindow(*args, "list").stdout
    missing = onewindow(*args, "disable", "--staff-id", "nobody", check=False)
    assert missing.returncode == 1 and "nobody" in missing.stderr


def test_staff_pin_must_be_digits(db_path: Path) -> None:
    args = ["staff", "--config", str(SAMPLE_CONFIG), "--db", str(db_path), "add"]
    bad = onewindow(
        *args, "--staff-id", "1", "--name", "x", "--role", "clerk", "--pin", "ab", check=False
    )
    assert bad.returncode != 0 and "PIN" in bad.stderr


def test_bad_config_stops_serve_with_the_key(tmp_path: Path) -> None:
    config = tmp_path / "hall.toml"
    config.write_text(
        SAMPLE_CONFIG.read_text(encoding="utf-8").replace(
            'order = "listed"', 'order = "random"', 1
        ),
        encoding="utf-8",
    )
    result = onewindow("serve", "--config", str(config), check=False)
    assert result.returncode == 2
    assert "windows[2].order" in result.stderr and "random" in result.stderr
    assert "Traceback" not in result.stderr


def test_busy_port_is_a_clear_message(hall_server: HallServer, tmp_path: Path) -> None:
    result = onewindow(
        "serve",
        "--config",
        str(SAMPLE_CONFIG),
        "--db",
        str(tmp_path / "x.db"),
        "--port",
        str(hall_server.port),
        check=False,
    )
    assert result.returncode == 1 and "cannot listen" in result.stderr


async def test_sigterm_closes_screens_with_going_away(hall_server: HallServer) -> None:
    async with aiohttp.ClientSession() as session:
        ws = await session.ws_connect(f"{hall_server.url}/api/ws?token=demo-display-token")
        await ws.receive()
        out = await asyncio.to_thread(hall_server.stop)
        msg = await asyncio.wait_for(ws.receive(), 5)
        assert msg.type == aiohttp.WSMsgType.CLOSE
        assert msg.data == aiohttp.WSCloseCode.GOING_AWAY
        await ws.close()
    assert "http://127.0.0.1" in out


def test_console_script_is_installed() -> None:
    exe = Path(sys.executable).with_name("onewindow")
    result = subprocess.run([str(exe), "--help"], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0 and "serve" in result.stdout
