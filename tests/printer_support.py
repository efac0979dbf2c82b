"""Test helpers for printing: an ESC/POS decoder and a fake network printer.

The decoder is written from the ESC/POS command reference, independently of
python-escpos, so a test reads what a printer would print: lines of text (Chinese
decoded from GBK only inside `FS &` … `FS .`), their size, alignment and weight,
QR payloads, feeds and cuts. Any command it does not know fails the test, and so
does a non-ASCII byte outside Chinese mode (a real printer prints garbage there).

`FakePrinter` is a real TCP listener on 127.0.0.1 that behaves like a thermal
printer's raw port: it collects bytes and answers `DLE EOT 4` paper-status
requests, or misbehaves in the ways the tests need.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Line:
    text: str
    width: int
    height: int
    bold: bool
    align: str
    chinese: bool  # printed in Chinese mode


@dataclass
class Slip:
    lines: list[Line] = field(default_factory=list)
    qr: list[tuple[str, str]] = field(default_factory=list)  # (payload, alignment)
    cuts: int = 0
    status_queries: int = 0
    ops: list[str] = field(default_factory=list)
    chinese_at_end: bool = False

    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    def find(self, needle: str) -> Line:
        return next(line for line in self.lines if needle in line.text)


_ALIGN = {0: "left", 1: "center", 2: "right", 48: "left", 49: "center", 50: "right"}


class Decoder:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.i = 0
        self.slip = Slip()
        self._init()
        self.buffer = bytearray()
        self.stored_qr = ""

    def _init(self) -> None:
        self.width = self.height = 1
        self.bold = False
        self.align = "left"
        self.chinese = False
        self.line_chinese = False

    def take(self, n: int) -> bytes:
        if self.i + n > len(self.data):
            raise ValueError(f"truncated command at byte {self.i}")
        out = self.data[self.i : self.i + n]
        self.i += n
        return out

    def flush(self) -> None:
        text = self.buffer.decode("gb18030") if self.line_chinese else self.buffer.decode("ascii")
        self.slip.lines.append(
            Line(text, self.width, self.height, self.bold, self.align, self.line_chinese)
        )
        self.buffer.clear()
        self.line_chinese = self.chinese

    def run(self) -> Slip:
        while self.i < len(self.data):
            b = self.take(1)[0]
            if b == 0x0A:
                self.flush()
            elif b == 0x1B:
                self.esc()
            elif b == 0x1D:
                self.gs()
            elif b == 0x1C:
                self.fs()
            elif b == 0x10:
                self.dle()
            elif b >= 0x80:
                if not self.chinese:
                    raise ValueError(f"byte 0x{b:02x} outside Chinese mode at {self.i - 1}")
                self.buffer += bytes([b]) + self.take(1)  # GBK: two bytes per character
            elif b < 0x20:
                raise ValueError(f"unknown control byte 0x{b:02x} at {self.i - 1}")
            else:
                self.buffer.append(b)
        if self.buffer:
            self.flush()
        self.slip.chinese_at_end = self.chinese
        return self.slip

    def esc(self) -> None:
        c = self.take(1)
        if c == b"@":
            self._init()
            self.slip.ops.append("init")
        elif c == b"E":
            self.bold = bool(self.take(1)[0] & 1)
        elif c == b"a":
            self.align = _ALIGN[self.take(1)[0]]
        elif c == b"d":
            n = self.take(1)[0]
            if self.buffer:
                self.flush()
            self.slip.ops.append(f"feed {n}")
        elif c in (b"!", b"-", b"M", b"t", b"G"):
            self.take(1)
        else:
            raise ValueError(f"unknown ESC {c!r} at {self.i}")

    def gs(self) -> None:
        c = self.take(1)
        if c == b"!":
            n = self.take(1)[0]
            self.width, self.height = (n >> 4) + 1, (n & 0x0F) + 1
        elif c == b"V":
            m = self.take(1)[0]
            if m in (65, 66):
                self.take(1)
            self.slip.cuts += 1
            self.slip.ops.append("cut")
        elif c == b"(":
            if self.take(1) != b"k":
                raise ValueError(f"unknown GS ( at {self.i}")
            size = struct.unpack("<H", self.take(2))[0]
            body = self.take(size)
            cn, fn = body[0], body[1]
            if cn == 0x31 and fn == 0x50:  # QR: store the data (after m = '0')
                self.stored_qr = body[3:].decode("utf-8")
            elif cn == 0x31 and fn == 0x51:  # QR: print what is stored
                self.slip.qr.append((self.stored_qr, self.align))
                self.slip.ops.append("qr")
        else:
            raise ValueError(f"unknown GS {c!r} at {self.i}")

    def fs(self) -> None:
        c = self.take(1)
        if c == b"&":
            self.chinese = self.line_chinese = True
        elif c == b".":
            self.chinese = False
        else:
            raise ValueError(f"unknown FS {c!r} at {self.i}")

    def dle(self) -> None:
        if self.take(1) != b"\x04":
            raise ValueError(f"unknown DLE command at {self.i}")
        self.take(1)
        self.slip.status_queries += 1


def decode(data: bytes) -> Slip:
    return Decoder(data).run()


def decode_slips(data: bytes) -> list[Slip]:
    """A stream of several slips (a file back-end's collecting file), split at each cut."""
    slips, start = [], 0
    for marker in (b"\x1dV\x00", b"\x1dV0"):
        if marker in data:
            break
    while (end := data.find(marker, start)) != -1:
        slips.append(decode(data[start : end + len(marker)]))
        start = end + len(marker)
    return slips


# --- a fake network printer -------------------------------------------------------

PAPER_OK, PAPER_OUT, PAPER_LOW = 0x12, 0x72, 0x1E
STATUS = b"\x10\x04\x04"


class FakePrinter:
    """A printer's raw TCP port on 127.0.0.1. `mode`:

    - `ok`: answers status with `paper`, keeps every byte;
    - `silent`: never answers status (many cheap printers), keeps every byte;
    - `close_mid`: answers the first status, reads `cut_after` more bytes, then resets;
    - `hang`: answers the first status, then reads nothing and answers nothing.
    """

    def __init__(self, mode: str = "ok", paper: int = PAPER_OK, cut_after: int = 40) -> None:
        self.mode = mode
        self.paper = paper
        self.cut_after = cut_after
        self.received: list[bytes] = []  # one entry per connection
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port: int = self.sock.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        self.sock.settimeout(0.1)
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._client, args=(conn,), daemon=True).start()

    def _client(self, conn: socket.socket) -> None:
        got = bytearray()
        self.received.append(b"")
        slot = len(self.received) - 1
        answered = 0
        conn.settimeout(5)
        try:
            while True:
                chunk = conn.recv(4096)
                if not chunk:
                    break
                got += chunk
                self.received[slot] = bytes(got)
                asked = got.count(STATUS)
                if self.mode == "hang" and answered >= 1:
                    self._stop.wait(10)
                    break
                if self.mode == "close_mid" and answered >= 1:
                    if len(got) >= self.cut_after:
                        conn.setsockopt(
                            socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                        )
                        break
                    continue
                while answered < asked and self.mode != "silent":
                    conn.sendall(bytes([self.paper]))
                    answered += 1
        except OSError:
            pass
        finally:
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self.sock.close()


class BusyPort:
    """A port whose accept queue is full, so a connect times out (a printer that hangs)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(0)
        self.port: int = self.sock.getsockname()[1]
        self.fillers = []
        for _ in range(4):
            s = socket.socket()
            s.setblocking(False)
            with contextlib.suppress(BlockingIOError):
                s.connect(("127.0.0.1", self.port))
            self.fillers.append(s)

    def close(self) -> None:
        for s in self.fillers:
            s.close()
        self.sock.close()


def closed_port() -> int:
    """A port nothing listens on (connecting is refused at once)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
