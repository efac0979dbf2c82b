"""`onewindow ticket` and `onewindow reprint` against a real server and a real TCP printer.

The rule under test: a ticket is issued before it is printed, so a printer that
refuses, times out or drops the connection never loses it; the command says which
ticket it was, and `reprint` prints it once the printer is back.
"""

from __future__ import annotations

import re
import urllib.request
from pathlib import Path

import msgspec

from onewindow import protocol as p
from tests.hallserver import SAMPLE_CONFIG, HallServer, onewindow
from tests.printer_support import BusyPort, FakePrinter, closed_port, decode

KIOSK = "demo-kiosk-token"


def hall_config(tmp_path: Path, printer: str) -> str:
    """The sample hall with its `[printer]` table replaced."""
    text = SAMPLE_CONFIG.read_text(encoding="utf-8")
    start, end = text.index("[printer]"), text.index("[calling]")
    path = tmp_path / "config.toml"
    path.write_text(text[:start] + "[printer]\n" + printer + "\n\n" + text[end:], encoding="utf-8")
    return str(path)


def network(port: int) -> str:
    return f'backend = "network"\nhost = "127.0.0.1"\nport = {port}\ntimeout_s = 0.4'


def public_ticket(server: HallServer, ticket_id: str) -> p.TicketView:
    with urllib.request.urlopen(f"{server.url}/api/tickets/{ticket_id}", timeout=5) as r:
        return msgspec.json.decode(r.read(), type=p.TicketView)


def test_ticket_command_issues_and_prints(tmp_path: Path, hall_server: HallServer) -> None:
    fake = FakePrinter()
    try:
        cfg = hall_config(tmp_path, network(fake.port))
        run = onewindow(
            "ticket",
            "--server",
            hall_server.url,
            "--token",
            KIOSK,
            "--service",
            "B",
            "--config",
            cfg,
            check=False,
        )
        slip = decode(fake.received[0])
    finally:
        fake.close()
    assert run.returncode == 0, run.stderr
    assert "已取号 B001（社保医保）" in run.stdout and "已打印" in run.stdout
    assert slip.find("B001").width == 4 and slip.cuts == 1
    ticket_id = slip.qr[0][0].rsplit("/t/", 1)[1]
    assert public_ticket(hall_server, ticket_id).number == "B001"


def test_failed_print_keeps_the_ticket_names_it_and_reprint_works(
    tmp_path: Path, hall_server: HallServer
) -> None:
    down = hall_config(tmp_path, network(closed_port()))
    run = onewindow(
        "ticket",
        "--server",
        hall_server.url,
        "--token",
        KIOSK,
        "--service",
        "A",
        "--config",
        down,
        check=False,
    )
    assert run.returncode == 3
    assert "号票 A001 已取号成功并已保存，但打印失败：打印机拒绝连接" in run.stderr
    ticket_id = re.search(r"--id (\S+)", run.stderr)[1]  # type: ignore[index]
    assert public_ticket(hall_server, ticket_id).state == "waiting"

    fake = FakePrinter()
    try:
        up = hall_config(tmp_path, network(fake.port))
        again = onewindow(
            "reprint", "--server", hall_server.url, "--id", ticket_id, "--config", up, check=False
        )
        assert again.returncode == 0, again.stderr
        assert "已补打号票 A001" in again.stdout
        by_number = onewindow(
            "reprint",
            "--server",
            hall_server.url,
            "--number",
            "a001",
            "--config",
            up,
            "--lang",
            "en",
            check=False,
        )
        assert by_number.returncode == 0, by_number.stderr
        assert "Ticket A001 reprinted" in by_number.stdout
        slips = [decode(data) for data in fake.received]
    finally:
        fake.close()
    assert [s.find("A001").width for s in slips] == [4, 4]
    assert slips[1].find("General intake"), "the English reprint is in English"


def test_printer_that_times_out_or_drops_the_line(tmp_path: Path, hall_server: HallServer) -> None:
    busy = BusyPort()
    try:
        cfg = hall_config(tmp_path, network(busy.port))
        run = onewindow(
            "ticket",
            "--server",
            hall_server.url,
            "--token",
            KIOSK,
            "--service",
            "H",
            "--config",
            cfg,
            "--lang",
            "en",
            check=False,
        )
    finally:
        busy.close()
    assert run.returncode == 3
    assert "Ticket H001 was issued and is saved, but printing failed" in run.stderr
    assert "timed out" in run.stderr

    fake = FakePrinter(mode="close_mid", cut_after=60)
    try:
        cfg = hall_config(tmp_path, network(fake.port))
        run = onewindow(
            "ticket",
            "--server",
            hall_server.url,
            "--token",
            KIOSK,
            "--service",
            "H",
            "--config",
            cfg,
            check=False,
        )
    finally:
        fake.close()
    assert run.returncode == 3 and "号票 H002" in run.stderr and "连接断开" in run.stderr


def test_reprint_by_number_elsewhere_needs_a_supervisor(
    tmp_path: Path, hall_server: HallServer
) -> None:
    cfg = hall_config(tmp_path, 'backend = "dummy"')
    issued = onewindow(
        "ticket",
        "--server",
        hall_server.url,
        "--token",
        KIOSK,
        "--service",
        "C",
        "--config",
        cfg,
        check=False,
    )
    assert issued.returncode == 0, issued.stderr
    other = str(tmp_path / "other-journal")  # another machine: it never printed C001
    base = [
        "reprint",
        "--server",
        hall_server.url,
        "--number",
        "C001",
        "--config",
        cfg,
        "--journal",
        other,
    ]

    anonymous = onewindow(*base, check=False)
    assert anonymous.returncode == 1 and "需要工作人员身份" in anonymous.stderr
    as_kiosk = onewindow(*base, "--token", KIOSK, check=False)
    assert as_kiosk.returncode == 1 and "需要工作人员身份" in as_kiosk.stderr
    as_clerk = onewindow(*base, "--staff-id", "1001", "--pin", "1234", check=False)
    assert as_clerk.returncode == 1 and "--staff-id" in as_clerk.stderr
    as_supervisor = onewindow(*base, "--staff-id", "9001", "--pin", "1234", check=False)
    assert as_supervisor.returncode == 0, as_supervisor.stderr
    assert "已补打号票 C001" in as_supervisor.stdout
    missing = onewindow(
        *base[:4], "C999", *base[5:], "--staff-id", "9001", "--pin", "1234", check=False
    )
    assert missing.returncode == 1 and "找不到号票 C999" in missing.stderr


def test_clear_messages_for_a_down_server_and_a_bad_config(tmp_path: Path) -> None:
    cfg = hall_config(tmp_path, 'backend = "dummy"')
    url = f"http://127.0.0.1:{closed_port()}"
    down = onewindow(
        "ticket", "--server", url, "--token", KIOSK, "--service", "A", "--config", cfg, check=False
    )
    assert down.returncode == 1 and f"无法连接服务器 {url}" in down.stderr
    assert "Traceback" not in down.stderr
    bad = hall_config(tmp_path, 'backend = "network"\nwidth_mm = 80')
    run = onewindow(
        "ticket", "--server", url, "--token", KIOSK, "--service", "A", "--config", bad, check=False
    )
    assert run.returncode == 2 and "printer.host" in run.stderr
