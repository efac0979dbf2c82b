"""Opening the printer that `[printer]` names, and naming what went wrong in one word.

Back-ends: `network` (a thermal printer's raw port, usually 9100), `usb` (vendor and
product id; needs `python-escpos[usb]`), `serial` (needs `python-escpos[serial]`),
`file` (a device node such as `/dev/usb/lp0`, or a plain file that collects the
bytes, as the demo does) and `dummy` (prints nowhere). python-escpos is imported
only here and only when a printer is opened, so a process that never prints never
pays the ~180 ms import.

Every failure becomes a `PrinterFault` with a stable `reason` (one of `REASONS`,
the key of its message in `printer.toml`) and a short technical `detail` for the
log; neither ever carries anything about the visitor.
"""

from __future__ import annotations

import errno
import socket
from typing import TYPE_CHECKING

from onewindow.config import PrinterConfig

if TYPE_CHECKING:
    from escpos.escpos import Escpos

REASONS = (
    "refused",  # nothing listens at host:port (printer off, wrong port)
    "timeout",  # no answer in timeout_s (wrong address, cable out, printer hung)
    "unreachable",  # unknown host name or no route to it
    "closed",  # the printer dropped the connection before it confirmed the ticket
    "paper_out",  # the paper sensor says the roll is empty
    "no_device",  # the device node or USB device is not there (unplugged)
    "no_permission",  # the device exists but this user may not write to it
    "driver_missing",  # usb/serial support of python-escpos is not installed
    "io_error",  # anything else the device or the OS said
)


class PrinterFault(Exception):
    def __init__(self, reason: str, detail: str = "") -> None:
        assert reason in REASONS, reason
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


def describe(cfg: PrinterConfig) -> str:
    """Where tickets go, for staff screens and logs: `network 192.0.2.10:9100`."""
    if cfg.backend == "network":
        return f"network {cfg.host}:{cfg.port}"
    if cfg.backend == "usb":
        return f"usb {cfg.vendor_id:04x}:{cfg.product_id:04x}"
    if cfg.backend in ("file", "serial"):
        return f"{cfg.backend} {cfg.device}"
    return cfg.backend


def classify(error: BaseException) -> PrinterFault:
    """The fault behind an exception from socket, file or python-escpos code."""
    if isinstance(error, PrinterFault):
        return error
    cause = error
    # python-escpos wraps the OSError of a failed open without `from`: look behind it.
    while not isinstance(cause, OSError) and cause.__context__ is not None:
        cause = cause.__context__
    detail = f"{type(cause).__name__}: {cause}"[:200]
    if isinstance(cause, ConnectionRefusedError):
        return PrinterFault("refused", detail)
    if isinstance(cause, TimeoutError):
        return PrinterFault("timeout", detail)
    if isinstance(cause, socket.gaierror):
        return PrinterFault("unreachable", detail)
    if isinstance(cause, ConnectionError | EOFError):
        return PrinterFault("closed", detail)
    if isinstance(cause, FileNotFoundError):
        return PrinterFault("no_device", detail)
    if isinstance(cause, PermissionError):
        return PrinterFault("no_permission", detail)
    if isinstance(cause, OSError) and cause.errno in (errno.EHOSTUNREACH, errno.ENETUNREACH):
        return PrinterFault("unreachable", detail)
    if isinstance(cause, OSError) and cause.errno in (errno.ENODEV, errno.ENXIO):
        return PrinterFault("no_device", detail)
    if type(error).__name__ in ("USBNotFoundError", "DeviceNotFoundError"):
        return PrinterFault("no_device", detail)
    return PrinterFault("io_error", detail)


def open_device(cfg: PrinterConfig) -> Escpos:
    """An open python-escpos printer for `cfg`; raises `PrinterFault`."""
    try:
        device = _make(cfg)
        device.open()
    except Exception as e:
        raise classify(e) from e
    return device


def _make(cfg: PrinterConfig) -> Escpos:
    if cfg.backend == "network":
        from escpos.printer import Network

        # Never the library's default of 60 s: a visitor is waiting at the machine.
        return Network(cfg.host, cfg.port, timeout=cfg.timeout_s)
    if cfg.backend == "usb":
        from escpos.printer import Usb

        if not Usb.is_usable():
            raise PrinterFault("driver_missing", "pip install 'python-escpos[usb]'")
        return Usb(cfg.vendor_id, cfg.product_id, timeout=int(cfg.timeout_s * 1000))
    if cfg.backend == "serial":
        from escpos.printer import Serial

        if not Serial.is_usable():
            raise PrinterFault("driver_missing", "pip install 'python-escpos[serial]'")
        return Serial(cfg.device, baudrate=cfg.baudrate, timeout=cfg.timeout_s)
    if cfg.backend == "file":
        return _append_file(cfg.device)
    from escpos.printer import Dummy

    return Dummy()


def _append_file(path: str) -> Escpos:
    """python-escpos's `File` truncates on open; a collecting file should keep every slip.

    On a device node appending is the same as writing, so one class serves both.
    """
    from escpos.printer import File

    class AppendFile(File):  # type: ignore[misc]
        def open(self, raise_not_found: bool = True) -> None:
            self.device = open(self.devfile, "ab")  # noqa: SIM115 (closed by close())

    return AppendFile(path, auto_flush=True)
