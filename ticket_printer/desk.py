"""Printing a special-call ticket (特呼号) at a guide desk or consultation window.

For the clerk terminal::

    from ticket_printer.desk import print_special

    outcome = print_special(config, ticket, lang="zh", desk=4, server_url=client.base_url)
    if not outcome.ok:
        show(outcome.message(lang))     # the ticket is issued all the same

    # print_special(config: Config, ticket: TicketView, lang: str = "zh", *,
    #               desk: int | None = None, server_url: str = "") -> PrintOutcome
    # print_ticket(...same...) -> PrintOutcome   # any ticket; reprints

Pass `desk=` the window the clerk signed in at, or the slip comes out of the
hall's default `[printer]` (the kiosk's) instead of the desk's own.

It prints the same layout as the kiosk's ticket, plus the windows to go to (the
ticket's named window, else every acceptance or specialist window serving its
service) and that it will be called first. It blocks for up to a few times
`[printer] timeout_s` and never raises: run it in a thread worker
(`await asyncio.to_thread(print_special, ...)`), show `outcome.message(lang)` when
`not outcome.ok`, and call it again to reprint.

The desk's printer is `[[windows]] printer` of window `desk` when set, else
`[printer]`. The per-window string may be:

- `host:port` — a network printer, e.g. `192.0.2.21:9100` (the port is required);
- `usb:VID:PID` in hex, e.g. `usb:0416:5011`;
- `serial:/dev/ttyUSB0` or `serial:/dev/ttyUSB0@19200`;
- `dummy`; or any other text is a device or file path, e.g. `/dev/usb/lp1`.

The QR code points at `[server] public_url`, else `server_url`, else the
`[server]` host and port.
"""

from __future__ import annotations

import dataclasses
import re

from onewindow.config import Config, PrinterConfig
from onewindow.protocol import TicketView
from ticket_printer.output import Printer, PrintOutcome
from ticket_printer.tickets import public_base, special_document, ticket_document

_HOST_PORT = re.compile(r"^(?P<host>[A-Za-z0-9.\-]+):(?P<port>\d{1,5})$")
_USB = re.compile(r"^usb:(?P<vid>[0-9A-Fa-f]{1,4}):(?P<pid>[0-9A-Fa-f]{1,4})$")
_SERIAL = re.compile(r"^serial:(?P<dev>[^@]+)(?:@(?P<baud>\d+))?$")


def desk_printer(config: Config, desk: int | None) -> PrinterConfig:
    """The printer of window `desk` (its own `printer` setting, else `[printer]`);
    `desk=None` gives `[printer]` itself. Relative paths resolve against the config."""
    base = config.printer
    window = config.window(desk) if desk is not None else None
    spec = window.printer.strip() if window else ""
    if not spec:
        return _resolved(config, base)
    if spec == "dummy":
        return dataclasses.replace(base, backend="dummy")
    if m := _USB.match(spec):
        vid, pid = int(m["vid"], 16), int(m["pid"], 16)
        return dataclasses.replace(base, backend="usb", vendor_id=vid, product_id=pid)
    if m := _SERIAL.match(spec):
        baud = int(m["baud"]) if m["baud"] else base.baudrate
        return dataclasses.replace(base, backend="serial", device=m["dev"], baudrate=baud)
    if m := _HOST_PORT.match(spec):
        return dataclasses.replace(base, backend="network", host=m["host"], port=int(m["port"]))
    return _resolved(config, dataclasses.replace(base, backend="file", device=spec))


def _resolved(config: Config, cfg: PrinterConfig) -> PrinterConfig:
    """A relative file path is relative to the config file, like every path in it."""
    if cfg.backend in ("file", "serial") and cfg.device:
        return dataclasses.replace(cfg, device=str(config.resolve(cfg.device)))
    return cfg


def print_special(
    config: Config,
    ticket: TicketView,
    lang: str = "zh",
    *,
    desk: int | None = None,
    server_url: str = "",
) -> PrintOutcome:
    """Print special-call `ticket` on desk `desk`'s printer; see the module docstring."""
    cfg = desk_printer(config, desk)
    doc = special_document(config, ticket, _base(config, server_url), lang, cfg.width_mm)
    return Printer(cfg).print(doc)


def print_ticket(
    config: Config,
    ticket: TicketView,
    lang: str = "zh",
    *,
    desk: int | None = None,
    server_url: str = "",
) -> PrintOutcome:
    """Print (or reprint) any ticket at desk `desk`: special ones with their windows."""
    if ticket.kind == "special":
        return print_special(config, ticket, lang, desk=desk, server_url=server_url)
    cfg = desk_printer(config, desk)
    doc = ticket_document(config, ticket, _base(config, server_url), lang, cfg.width_mm)
    return Printer(cfg).print(doc)


def _base(config: Config, server_url: str) -> str:
    return public_base(config, server_url or f"http://{config.server.host}:{config.server.port}")
