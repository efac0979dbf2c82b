"""The waiting lines and who is next: the ordering half of the queue rules.

A line holds the waiting tickets of one (service, or named window) and one class
(special, priority, normal), sorted by each ticket's place, which a transfer or a
reinstatement keeps. Standard library only.
"""

from __future__ import annotations

import bisect

from queue_server.rules.state import (
    RANK,
    RANKS,
    Rank,
    ServiceRule,
    Ticket,
    TicketState,
    Window,
    WindowState,
)


class _Line:
    """Waiting tickets of one (service or window, rank), kept sorted by place."""

    __slots__ = ("ids", "places")

    def __init__(self) -> None:
        self.places: list[int] = []
        self.ids: dict[int, str] = {}

    def add(self, place: int, ticket_id: str) -> None:
        if not self.places or place > self.places[-1]:
            self.places.append(place)
        else:
            bisect.insort(self.places, place)
        self.ids[place] = ticket_id

    def remove(self, place: int) -> None:
        i = bisect.bisect_left(self.places, place)
        if i < len(self.places) and self.places[i] == place:
            del self.places[i]
            del self.ids[place]

    def head(self) -> int | None:
        return self.places[0] if self.places else None

    def before(self, place: int) -> int:
        return bisect.bisect_left(self.places, place)

    def __len__(self) -> int:
        return len(self.places)


class WaitingLines:
    """Every line of the day, over the hall's own ticket and window tables."""

    def __init__(
        self,
        services: dict[str, ServiceRule],
        windows: dict[int, Window],
        tickets: dict[str, Ticket],
    ) -> None:
        self._services = services
        self._windows = windows
        self._tickets = tickets
        self._by_key: dict[tuple[str, Rank], _Line] = {}
        self._caller_cache: dict[tuple[str, Rank], list[Window]] = {}

    def clear(self) -> None:
        self._by_key.clear()

    def key(self, t: Ticket) -> tuple[str, Rank]:
        rank = RANK.get(t.kind, Rank.NORMAL)
        owner = f"#{t.target_window}" if t.target_window is not None else t.service
        return owner, rank

    def add(self, t: Ticket) -> None:
        key = self.key(t)
        self._by_key.setdefault(key, _Line()).add(t.place, t.id)

    def remove(self, t: Ticket) -> None:
        if t.state is TicketState.WAITING:
            line = self._by_key.get(self.key(t))
            if line is not None:
                line.remove(t.place)

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(self._services, 0)
        for (owner, _), line in self._by_key.items():
            if not owner.startswith("#"):
                counts[owner] += len(line)
        return counts

    def for_window(self, number: int) -> int:
        return sum(len(line) for (owner, _), line in self._by_key.items() if owner == f"#{number}")

    def eligible(self, w: Window, service: str, rank: Rank) -> bool:
        consult_first = self._services[service].consult_first
        if w.role == "consultation":
            return rank is not Rank.SPECIAL
        if w.role == "guide":
            return False
        return rank is Rank.SPECIAL or not consult_first

    def _sources(self, w: Window, rank: Rank) -> list[_Line]:
        lines = []
        own = self._by_key.get((f"#{w.number}", rank))
        if own:
            lines.append(own)
        for code in w.services:
            line = self._by_key.get((code, rank))
            if line and self.eligible(w, code, rank):
                lines.append(line)
        return lines

    def next_for(self, w: Window) -> Ticket | None:
        """Who is next at `w`: special, then priority, then normal; oldest or listed first."""
        for rank in RANKS:
            lines = self._sources(w, rank)
            if not lines:
                continue
            line = lines[0] if w.order == "listed" else min(lines, key=lambda li: li.places[0])
            head = line.head()
            assert head is not None
            return self._tickets[line.ids[head]]
        return None

    def people_ahead(self, t: Ticket) -> int:
        """Waiting tickets that the hall would call before `t` in its line."""
        if t.state is not TicketState.WAITING:
            return 0
        owner, rank = self.key(t)
        # A consult-first service's special tickets and its other tickets are called at
        # different windows, so neither side waits behind the other.
        split = t.target_window is None and self._services[t.service].consult_first
        ahead = 0
        for r in RANKS:
            line = self._by_key.get((owner, r))
            if (
                line is None
                or r > rank
                or (split and (r is Rank.SPECIAL) != (rank is Rank.SPECIAL))
            ):
                continue
            ahead += len(line) if r < rank else line.before(t.place)
        return ahead

    def serving_windows(self, t: Ticket) -> int:
        """Open windows that could call `t`."""
        owner, rank = self.key(t)
        if t.target_window is not None:
            w = self._windows.get(t.target_window)
            return int(w is not None and w.state is WindowState.OPEN)
        return sum(1 for w in self._callers(owner, rank) if w.state is WindowState.OPEN)

    def _callers(self, service: str, rank: Rank) -> list[Window]:
        """Windows that may call tickets of (service, rank): fixed by the config."""
        key = (service, rank)
        found = self._caller_cache.get(key)
        if found is None:
            found = [
                w
                for w in self._windows.values()
                if service in w.services and self.eligible(w, service, rank)
            ]
            self._caller_cache[key] = found
        return found
