"""The issued number drawn five rows high, readable from a step back.

Textual's `Digits` has no letters beyond A–F, and ticket prefixes use the whole
alphabet (`H012`, `T005`, `Z003`), so this widget carries its own block font.
"""

from __future__ import annotations

from textual.widgets import Static

_FONT = """
0 ████ █..█ █..█ █..█ ████
1 .██. .██. .██. .██. .██.
2 ████ ...█ ████ █... ████
3 ████ ...█ ████ ...█ ████
4 █..█ █..█ ████ ...█ ...█
5 ████ █... ████ ...█ ████
6 ████ █... ████ █..█ ████
7 ████ ...█ ..█. .█.. .█..
8 ████ █..█ ████ █..█ ████
9 ████ █..█ ████ ...█ ████
A .██. █..█ ████ █..█ █..█
B ███. █..█ ███. █..█ ███.
C .███ █... █... █... .███
D ███. █..█ █..█ █..█ ███.
E ████ █... ███. █... ████
F ████ █... ███. █... █...
G .███ █... █.██ █..█ .███
H █..█ █..█ ████ █..█ █..█
I ████ .██. .██. .██. ████
J ████ ...█ ...█ █..█ .██.
K █..█ █.█. ██.. █.█. █..█
L █... █... █... █... ████
M █..█ ████ █..█ █..█ █..█
N █..█ ██.█ █.██ █..█ █..█
O .██. █..█ █..█ █..█ .██.
P ███. █..█ ███. █... █...
Q .██. █..█ █..█ █.██ .███
R ███. █..█ ███. █.█. █..█
S .███ █... .██. ...█ ███.
T ████ .██. .██. .██. .██.
U █..█ █..█ █..█ █..█ .██.
V █..█ █..█ █..█ .██. .██.
W █..█ █..█ █..█ ████ █..█
X █..█ █..█ .██. █..█ █..█
Y █..█ █..█ .██. .██. .██.
Z ████ ...█ .██. █... ████
"""
ROWS = 5
# One glyph per line: the character, then its five rows ("." is blank).
GLYPHS: dict[str, list[str]] = {
    char: [row.replace(".", " ") for row in rows]
    for char, *rows in (line.split() for line in _FONT.strip().splitlines())
}


def big_text(text: str) -> str:
    """`text` in the block font, five lines; characters it lacks are left out."""
    glyphs = [GLYPHS[c] for c in text.upper() if c in GLYPHS]
    return "\n".join("  ".join(g[r] for g in glyphs) for r in range(ROWS))


class BigNumber(Static):
    """A ticket number in five-row block letters (the plain number is its tooltip)."""

    DEFAULT_CSS = """
    BigNumber { width: auto; height: 5; }
    """

    def __init__(self, number: str, **kwargs: object) -> None:
        super().__init__(big_text(number), **kwargs)  # type: ignore[arg-type]
        self.number = number
