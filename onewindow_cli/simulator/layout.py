"""The simulated hall's windows: which ones are staffed, by whom, and what each may call.

The simulator mirrors the server's rule of who may call what (docs/architecture.md):
a consultation window calls the ordinary tickets of its services, an acceptance or
specialist window the special tickets of its services and the ordinary tickets of its
direct services, and every window the tickets sent to it by name. It needs that rule
for two things only: to wake an idle window when something it could call is waiting,
and to know which requests may touch the same waiting line (those are never sent at the
same instant, so the server sees them in the same order every run).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

SUPERVISOR_ID = "7000"
CALLING_ROLES = ("consultation", "acceptance", "specialist")


class LayoutError(ValueError):
    """The hall cannot be simulated with the windows asked for."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


@dataclass(frozen=True)
class WindowShape:
    number: int
    role: str
    services: tuple[str, ...]


@dataclass(frozen=True)
class Desk:
    """A window the simulation staffs, with its clerk's staff id."""

    number: int
    role: str
    services: tuple[str, ...]
    staff_id: str
    lines: tuple[str, ...]  # the waiting lines it may call from, see `line_of`


def staff_id(window: int) -> str:
    """Simulated clerks are 7 + the window number (7005 sits at window 5)."""
    return f"7{window:03d}"


def line_of(service: str, special: bool, target_window: int | None) -> str:
    """The waiting line a ticket is in: `#5` (sent to window 5), `D*` (special), `D`."""
    if target_window is not None:
        return f"#{target_window}"
    return f"{service}*" if special else service


def desk_lines(w: WindowShape, consult_first: frozenset[str]) -> tuple[str, ...]:
    if w.role not in CALLING_ROLES:
        return ()
    lines = [f"#{w.number}"]
    for code in w.services:
        if w.role == "consultation":
            lines.append(code)
        else:
            lines.append(f"{code}*")
            if code not in consult_first:
                lines.append(code)
    return tuple(lines)


def _covered(
    windows: Iterable[WindowShape], services: Sequence[str], consult_first: frozenset[str]
) -> bool:
    """Every service can be called somewhere: its tickets and, if consult-first, its specials."""
    lines = {line for w in windows for line in desk_lines(w, consult_first)}
    return all(
        code in lines and (code not in consult_first or f"{code}*" in lines) for code in services
    )


def choose(
    windows: Sequence[WindowShape],
    count: int,
    services: Sequence[str],
    consult_first: frozenset[str],
) -> list[WindowShape]:
    """`count` of the hall's windows that still serve every service.

    Windows are left out from the highest number down: acceptance windows first, then
    specialist and consultation windows; the guide desk is kept while there is room.
    """
    chosen = sorted(windows, key=lambda w: w.number)
    if not _covered(chosen, services, consult_first):
        raise LayoutError("services_uncovered")
    rank = {"acceptance": 0, "specialist": 1, "consultation": 2, "guide": 3}
    while len(chosen) > count:
        candidates = sorted(chosen, key=lambda w: (rank.get(w.role, 0), -w.number))
        for w in candidates:
            rest = [x for x in chosen if x is not w]
            if _covered(rest, services, consult_first):
                chosen = rest
                break
        else:
            raise LayoutError("too_few_windows", minimum=len(chosen))
    return chosen


def desks(windows: Iterable[WindowShape], consult_first: frozenset[str]) -> list[Desk]:
    return [
        Desk(w.number, w.role, w.services, staff_id(w.number), desk_lines(w, consult_first))
        for w in sorted(windows, key=lambda w: w.number)
    ]


def extra_windows(windows: Sequence[WindowShape], count: int) -> list[WindowShape]:
    """`count` more windows for a bigger hall, copied from the hall's own.

    One in four is a consultation window: a bigger hall needs more pre-checks too,
    and with acceptance windows only its consult-first visitors would queue for hours.
    """
    numbers = [w.number for w in windows]
    consult = [w for w in windows if w.role == "consultation"]
    others = [w for w in windows if w.role in ("acceptance", "specialist")]
    if not others:
        raise LayoutError("no_acceptance_window")
    out = []
    next_number = max(numbers, default=0) + 1
    for k in range(count):
        pool = consult if consult and k % 4 == 0 else others
        model = pool[(k // 4 if pool is consult else k - k // 4 - 1) % len(pool)]
        out.append(WindowShape(next_number + k, model.role, model.services))
    return out
