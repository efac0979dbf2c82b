"""The 好差评 scale: five levels, and which of them are bad or good.

One definition for the server (follow-ups, reports), the clerk terminal and the simulator,
so that "bad" means the same everywhere. 5 非常满意, 4 满意, 3 基本满意, 2 不满意,
1 非常不满意.
"""

from __future__ import annotations

SCORES = range(1, 6)
BAD = (1, 2)  # 不满意, 非常不满意: a supervisor follows each of these up
GOOD = (4, 5)  # 满意, 非常满意


def is_bad(score: int) -> bool:
    return score in BAD


def is_good(score: int) -> bool:
    return score in GOOD
