"""Sending a rendered slip to the printer, and saying plainly how it went.

`Printer(cfg).print(doc)` never raises: it returns a `PrintOutcome`, so a printer
fault can never take the ticket (already stored by the server) down with it. The
caller shows `outcome.message(lang)` and offers a reprint.

On a network printer the slip is bracketed by real-time status requests
(`DLE EOT 4`, the paper sensor), which ESC/POS printers answer at once even when
offline. The first tells an empty roll before anything is sent (so the ticket does
not print by surprise when paper is loaded, after staff reprinted it); the second
proves the printer was still there after the last byte, which is how a connection
dropped mid-ticket is noticed: `sendall` alone succeeds into the socket buffer.
A printer that never answers status is remembered and not asked again, so it costs
one `timeout_s` once rather than on every ticket.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from onewindow import i18n
from onewindow.config import PrinterConfig
from ticket_printer.backends import PrinterFault, classify, describe, open_device
from ticket_printer.document import Document
from ticket_printer.layout import render

log = logging.getLogger(__name__)

DLE_EOT_PAPER = b"\x10\x04\x04"
_STATUS_FIXED_MASK, _STATUS_FIXED = 0x93, 0x12  # bits that every status byte has set/clear
_PAPER_END, _PAPER_NEAR_END = 0x60, 0x0C


@dataclass(frozen=True)
class PrintOutcome:
    """How one print went. `reason` is a `backends.REASONS` code when `ok` is False."""

    ok: bool
    target: str
    reason: str = ""
    detail: str = ""
    paper_low: bool = False
    confirmed: bool = False  # the printer answered the status check after the slip

    def message(self, lang: str = "zh") -> str:
        if self.ok:
            key = "printer.state.paper_low" if self.paper_low else "printer.state.ok"
            return i18n.text(key, lang)
        return i18n.text(f"printer.fault.{self.reason}", lang)


class Printer:
    """One configured printer; remembers whether it answers status requests.

    Safe to share between threads: prints are serialised, as the printer would.
    """

    def __init__(self, cfg: PrinterConfig) -> None:
        self.cfg = cfg
        self.target = describe(cfg)
        self.last_bytes = b""
        self._answers_status: bool | None = None
        self._lock = threading.Lock()

    def print(self, doc: Document) -> PrintOutcome:
        """Print `doc`; blocks up to about 3 × `timeout_s`. Run it off the UI thread."""
        with self._lock:
            try:
                data = render(doc, self.cfg.width_mm)
                paper_low, confirmed = self._send(data)
            except Exception as e:
                fault = classify(e)
                log.warning(
                    "print of %s failed on %s: %s (%s)",
                    doc.name or "document",
                    self.target,
                    fault.reason,
                    fault.detail,
                )
                return PrintOutcome(False, self.target, fault.reason, fault.detail)
        log.info("printed %s on %s", doc.name or "document", self.target)
        return PrintOutcome(True, self.target, paper_low=paper_low, confirmed=confirmed)

    def check(self) -> PrintOutcome:
        """Is the printer there (and, if it says, has it paper)? Prints nothing.

        The kiosk asks at start and now and then, so staff see a fault before a
        visitor meets it."""
        with self._lock:
            try:
                device = open_device(self.cfg)
                try:
                    paper_low = False
                    if self.cfg.backend == "network" and self._answers_status is not False:
                        paper_low = self._paper(device.device, before=True)
                finally:
                    device.close()
            except Exception as e:
                fault = classify(e)
                log.warning("printer %s: %s (%s)", self.target, fault.reason, fault.detail)
                return PrintOutcome(False, self.target, fault.reason, fault.detail)
        return PrintOutcome(True, self.target, paper_low=paper_low)

    def _send(self, data: bytes) -> tuple[bool, bool]:
        """Write `data`; returns (paper low, confirmed by the printer)."""
        device = open_device(self.cfg)
        try:
            if self.cfg.backend != "network":
                device._raw(data)
                self.last_bytes = data
                return False, False
            sock = device.device
            paper_low = False
            if self._answers_status is not False:
                paper_low = self._paper(sock, before=True)
            if not self._answers_status:
                sock.sendall(data)
                self.last_bytes = data
                return paper_low, False
            # One write for the slip and the status request after it: two small writes
            # in a row would wait out the peer's delayed ACK (Nagle), ~40 ms a ticket.
            sock.sendall(data + DLE_EOT_PAPER)
            self.last_bytes = data
            self._paper(sock, before=False, asked=True)
            return paper_low, True
        finally:
            device.close()

    def _paper(self, sock: object, *, before: bool, asked: bool = False) -> bool:
        """Ask the paper sensor (unless `asked` already); raises on an empty roll or a
        dropped link."""
        import socket

        assert isinstance(sock, socket.socket)
        if not asked:
            sock.sendall(DLE_EOT_PAPER)
        try:
            reply = sock.recv(1)
        except TimeoutError:
            if before and self._answers_status is None:
                log.info("%s does not answer status requests; not asking again", self.target)
                self._answers_status = False
                return False
            raise
        if not reply:
            raise PrinterFault("closed", "connection closed before the status answer")
        status = reply[0]
        if status & _STATUS_FIXED_MASK != _STATUS_FIXED:
            # Not a status byte: this printer talks back some other way; stop asking.
            self._answers_status = False
            return False
        self._answers_status = True
        if status & _PAPER_END:
            raise PrinterFault("paper_out", f"status 0x{status:02x}")
        return bool(status & _PAPER_NEAR_END)


def print_document(cfg: PrinterConfig, doc: Document) -> PrintOutcome:
    """Print one document on the printer `cfg` describes (a fresh `Printer` each time)."""
    return Printer(cfg).print(doc)
