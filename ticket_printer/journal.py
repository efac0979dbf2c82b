"""This machine's print journal: which tickets it printed, and which it could not.

One JSON line per print attempt, one file per day (`YYYY-MM-DD.jsonl`), kept a
week. It holds what a ticket slip shows anyway — id, number, service, the outcome —
and nothing about a visitor (tickets carry nothing). It lets staff reprint by the
number a visitor quotes (`onewindow reprint --number A012`) without a staff
sign-in, but only for tickets this very machine issued, and it lists the tickets
still waiting for a reprint after a fault.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from pathlib import Path

import msgspec

from onewindow.protocol import TicketView

log = logging.getLogger(__name__)
KEEP_DAYS = 7


class Entry(msgspec.Struct, frozen=True):
    at: dt.datetime
    id: str
    number: str
    service: str
    ok: bool
    reason: str = ""


class Journal:
    def __init__(self, folder: Path, tz: dt.tzinfo) -> None:
        self.folder = folder
        self.tz = tz
        self._lock = threading.Lock()

    def _file(self, day: dt.date) -> Path:
        return self.folder / f"{day.isoformat()}.jsonl"

    def record(self, ticket: TicketView, ok: bool, reason: str = "") -> None:
        """Append one attempt; a journal that cannot be written is logged, never fatal."""
        now = dt.datetime.now(self.tz)
        entry = Entry(now, ticket.id, ticket.number, ticket.service, ok, reason)
        try:
            with self._lock:
                self.folder.mkdir(parents=True, exist_ok=True)
                with self._file(now.date()).open("ab") as f:
                    f.write(msgspec.json.encode(entry) + b"\n")
                self._prune(now.date())
        except OSError as e:
            log.warning("print journal %s not written: %s", self.folder, e)

    def today(self) -> list[Entry]:
        path = self._file(dt.datetime.now(self.tz).date())
        try:
            raw = path.read_bytes()
        except OSError:
            return []
        entries = []
        for line in raw.splitlines():
            try:
                entries.append(msgspec.json.decode(line, type=Entry))
            except msgspec.DecodeError:
                continue  # a line cut short by a power loss: skip it, keep the rest
        return entries

    def find(self, number: str) -> list[str]:
        """Ids of today's tickets with `number` that this machine printed or tried to."""
        number = number.strip().upper()
        return list(dict.fromkeys(e.id for e in self.today() if e.number == number))

    def unprinted(self) -> list[Entry]:
        """Today's tickets whose latest print attempt failed, oldest first."""
        latest: dict[str, Entry] = {}
        for e in self.today():
            latest[e.id] = e
        return [e for e in latest.values() if not e.ok]

    def _prune(self, today: dt.date) -> None:
        cutoff = (today - dt.timedelta(days=KEEP_DAYS)).isoformat()
        for path in self.folder.glob("*.jsonl"):
            if path.stem < cutoff:
                path.unlink(missing_ok=True)
