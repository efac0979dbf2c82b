"""What a printed slip says, before it becomes printer bytes: a generic "document".

A queue ticket, a special-call ticket, a one-time notice (一次性告知单) or an
acceptance receipt (受理回执) are all the same shape: a few blocks of text in some
size and alignment, label/value pairs, separator rules, maybe a QR code. Building
one is pure (no printer, no escpos import); `ticket_printer.layout.render` turns it
into ESC/POS bytes for a given paper width, and `ticket_printer.output` sends them.

A later caller (the intake feature) prints its own slips like this::

    from ticket_printer.document import Document, Pair, QR, Rule, Text
    from ticket_printer.output import print_document

    doc = Document(blocks=(
        Text("一次性告知单", size=2, align="center", bold=True),
        Rule(),
        Pair("事项", "食品经营许可"),
        Text("尚缺材料："),
        Text("1. 营业执照复印件"),
        QR("https://hall.example/progress"),
    ))
    outcome = print_document(config.printer, doc)   # never raises; check outcome.ok

Text is wrapped to the paper by printed width (a Chinese character takes two
columns), so callers never count columns themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Align = Literal["left", "center", "right"]

# Characters per line of the printer's font A (12 dots wide): 576 dots on 80 mm
# paper, 384 dots on 58 mm paper. A Chinese character is two of these columns.
COLUMNS = {80: 48, 58: 32}
NO_LINE_START = frozenset("，。、；：？！）》」』”’,.;:?!)")


@dataclass(frozen=True)
class Text:
    """A paragraph; `size` multiplies width and height (1–8), wrapping narrows with it."""

    text: str
    size: int = 1
    align: Align = "left"
    bold: bool = False


@dataclass(frozen=True)
class Pair:
    """`label` on the left, `value` on the right of one line (wraps if both do not fit)."""

    label: str
    value: str


@dataclass(frozen=True)
class Rule:
    """A separator line across the paper."""

    char: str = "-"


@dataclass(frozen=True)
class QR:
    """A QR code drawn by the printer itself, centred, with an optional caption under it."""

    payload: str
    caption: str = ""


@dataclass(frozen=True)
class Feed:
    lines: int = 1


Block = Text | Pair | Rule | QR | Feed


@dataclass(frozen=True)
class Document:
    """A slip to print; `name` is what logs and errors call it (a ticket number, say)."""

    blocks: tuple[Block, ...]
    name: str = ""
    cut: bool = True


def width(text: str) -> int:
    """Columns `text` takes on the printer: in Chinese mode every non-ASCII character
    goes out as two bytes and prints full width, even those a terminal draws narrow."""
    return sum(1 if c.isascii() else 2 for c in text)


def wrap(text: str, columns: int) -> list[str]:
    """Break `text` into lines of at most `columns`, keeping English words whole."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line, used = "", 0
        for token in _tokens(paragraph):
            w = width(token)
            if used + w > columns and line:
                # Chinese typesetting: a line never starts with closing punctuation,
                # so the character before it moves down with it.
                carry = line[-1] if token in NO_LINE_START and len(line) > 1 else ""
                lines.append(line[: len(line) - len(carry)].rstrip())
                line, used = carry, width(carry)
                token = token.lstrip()
                w = width(token)
            while w > columns:  # a word longer than a line: cut it
                head = _fit(token, columns)
                lines.append(head)
                token = token[len(head) :]
                w = width(token)
            line += token
            used += w
        lines.append(line.rstrip())
    return lines


def _tokens(text: str) -> list[str]:
    """Chinese characters stand alone; runs of ASCII stay together as words."""
    tokens: list[str] = []
    word = ""
    for c in text:
        if not c.isascii():
            if word:
                tokens.append(word)
                word = ""
            tokens.append(c)
        elif c == " ":
            tokens.append(word + c)
            word = ""
        else:
            word += c
    if word:
        tokens.append(word)
    return tokens


def _fit(text: str, columns: int) -> str:
    out, used = "", 0
    for c in text:
        w = width(c)
        if used + w > columns:
            break
        out += c
        used += w
    return out or text[:1]


def pair_line(label: str, value: str, columns: int) -> list[str]:
    """One `label ... value` line, or two lines when they do not fit side by side."""
    gap = columns - width(label) - width(value)
    if gap >= 1:
        return [label + " " * gap + value]
    values = [" " * max(0, columns - width(v)) + v for v in wrap(value, columns)]
    return [*wrap(label, columns), *values]
