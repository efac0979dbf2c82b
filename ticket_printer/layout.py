"""A `Document` as ESC/POS bytes, written with python-escpos for a 58 or 80 mm printer.

Chinese thermal printers print double-byte text only in their Chinese mode, which
python-escpos never switches on: each line with Chinese in it goes out as GBK (the
two-byte part of GB18030 that printers carry in their font) between `FS &` (enter
Chinese mode) and `FS .` (leave it). A character outside GBK becomes a full-width
question mark rather than stray bytes. Sizes, bold and alignment are reset
explicitly after every block, because `set(normal_textsize=True)` does not undo a
custom size. The QR code is drawn by the printer (`native=True`, about 60 bytes
instead of a 3 KB image) and centred with `set(align="center")`.

`render` works on a `Dummy` printer, so the whole slip exists as bytes before any
device is touched: a fault while laying out can never leave half a ticket printed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ticket_printer.document import (
    COLUMNS,
    QR,
    Block,
    Document,
    Feed,
    Pair,
    Rule,
    Text,
    pair_line,
    wrap,
)

if TYPE_CHECKING:
    from escpos.escpos import Escpos

FS_CHINESE_ON = b"\x1c\x26"  # FS &
FS_CHINESE_OFF = b"\x1c\x2e"  # FS .
_UNPRINTABLE = "？".encode("gbk")
# QR module size in dots: about 2.5 cm wide on either paper for a ~60-character URL.
QR_MODULE = {80: 6, 58: 5}


def encode_line(text: str) -> bytes:
    """One line of text for the printer, in Chinese mode when it holds any non-ASCII."""
    if text.isascii():
        return text.encode("ascii") + b"\n"
    out = bytearray()
    for c in text:
        try:
            out += c.encode("gbk")
        except UnicodeEncodeError:
            out += _UNPRINTABLE
    return FS_CHINESE_ON + bytes(out) + FS_CHINESE_OFF + b"\n"


def render(doc: Document, width_mm: int) -> bytes:
    """The ESC/POS bytes of `doc` for paper `width_mm` (58 or 80) wide."""
    from escpos.printer import Dummy  # lazily: importing escpos costs ~180 ms

    if width_mm not in COLUMNS:
        raise ValueError(f"paper width must be 58 or 80 mm, not {width_mm}")
    printer = Dummy()
    printer.hw("INIT")
    printer._raw(FS_CHINESE_OFF)  # start from a known mode, whatever the printer's default
    _reset(printer)
    for block in doc.blocks:
        _block(printer, block, width_mm)
    if doc.cut:
        printer.cut()
    return bytes(printer.output)


def _reset(printer: Escpos) -> None:
    printer.set(align="left", bold=False, custom_size=True, width=1, height=1)


def _block(printer: Escpos, block: Block, width_mm: int) -> None:
    columns = COLUMNS[width_mm]
    if isinstance(block, Text):
        size = max(1, min(block.size, 8))
        printer.set(align=block.align, bold=block.bold, custom_size=True, width=size, height=size)
        for line in wrap(block.text, columns // size):
            printer._raw(encode_line(line))
        _reset(printer)
    elif isinstance(block, Pair):
        for line in pair_line(block.label, block.value, columns):
            printer._raw(encode_line(line))
    elif isinstance(block, Rule):
        printer._raw(encode_line((block.char or "-")[0] * columns))
    elif isinstance(block, QR):
        printer.set(align="center")
        printer.qr(block.payload, native=True, size=QR_MODULE[width_mm])
        for line in wrap(block.caption, columns) if block.caption else []:
            printer._raw(encode_line(line))
        _reset(printer)
    elif isinstance(block, Feed):
        printer._raw(b"\n" * max(0, block.lines))
