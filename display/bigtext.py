"""Ticket numbers in large block letters, for a terminal read from across the hall."""

from __future__ import annotations

# 5×5 glyphs, rows split by "|"; "#" is lit. Ticket numbers use A–Z and 0–9 only.
_FONT = {
    "0": " ### |#   #|#   #|#   #| ### ",
    "1": "  #  | ##  |  #  |  #  | ### ",
    "2": " ### |#   #|  ## | #   |#####",
    "3": "#### |    #| ### |    #|#### ",
    "4": "#   #|#   #|#####|    #|    #",
    "5": "#####|#    |#### |    #|#### ",
    "6": " ### |#    |#### |#   #| ### ",
    "7": "#####|    #|   # |  #  |  #  ",
    "8": " ### |#   #| ### |#   #| ### ",
    "9": " ### |#   #| ####|    #| ### ",
    "A": " ### |#   #|#####|#   #|#   #",
    "B": "#### |#   #|#### |#   #|#### ",
    "C": " ####|#    |#    |#    | ####",
    "D": "#### |#   #|#   #|#   #|#### ",
    "E": "#####|#    |#### |#    |#####",
    "F": "#####|#    |#### |#    |#    ",
    "G": " ####|#    |#  ##|#   #| ### ",
    "H": "#   #|#   #|#####|#   #|#   #",
    "I": " ### |  #  |  #  |  #  | ### ",
    "J": "  ###|    #|    #|#   #| ### ",
    "K": "#   #|#  # |###  |#  # |#   #",
    "L": "#    |#    |#    |#    |#####",
    "M": "#   #|## ##|# # #|#   #|#   #",
    "N": "#   #|##  #|# # #|#  ##|#   #",
    "O": " ### |#   #|#   #|#   #| ### ",
    "P": "#### |#   #|#### |#    |#    ",
    "Q": " ### |#   #|# # #|#  # | ## #",
    "R": "#### |#   #|#### |#  # |#   #",
    "S": " ####|#    | ### |    #|#### ",
    "T": "#####|  #  |  #  |  #  |  #  ",
    "U": "#   #|#   #|#   #|#   #| ### ",
    "V": "#   #|#   #|#   #| # # |  #  ",
    "W": "#   #|#   #|# # #|## ##|#   #",
    "X": "#   #| # # |  #  | # # |#   #",
    "Y": "#   #| # # |  #  |  #  |  #  ",
    "Z": "#####|   # |  #  | #   |#####",
    "-": "     |     | ### |     |     ",
    " ": "     |     |     |     |     ",
}
HEIGHT = 5


def width(text: str, scale: int = 2) -> int:
    return max(0, len(text) * (5 * scale + scale) - scale)


def big(text: str, scale: int = 2) -> list[str]:
    """`text` as HEIGHT lines of block characters; each cell is `scale` columns wide
    (terminal cells are about twice as tall as wide, so 2 looks square)."""
    rows = [""] * HEIGHT
    gap = " " * scale
    for i, ch in enumerate(text.upper()):
        glyph = _FONT.get(ch, _FONT["-"]).split("|")
        for r in range(HEIGHT):
            cells = "".join("█" * scale if c == "#" else " " * scale for c in glyph[r])
            rows[r] += (gap if i else "") + cells
    return rows
