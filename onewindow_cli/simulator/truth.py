"""The ground-truth file: every ticket, case and rating the simulator made, and the
figures of docs/reports.md computed from them (`figures`).

Server-made identifiers that depend on the order of simultaneous requests (ticket ids,
rating ids) stay out of the file, so one seed always writes the same bytes. Times are
unix seconds; `timezone` says how to read them as the hall's clock.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec

from onewindow_cli.simulator.figures import Figures
from onewindow_cli.simulator.records import CaseRecord, RatingRecord, TicketRecord


class Truth(msgspec.Struct, kw_only=True):
    """Everything the simulator did, and the report figures computed from it."""

    seed: str
    config: str
    days: list[str]
    visitors_per_day: int
    windows: list[int]
    tick_s: int
    timezone: str
    tickets: list[TicketRecord]
    cases: list[CaseRecord]
    ratings: list[RatingRecord]
    figures: Figures | None = None
    refused: list[str] = msgspec.field(default_factory=list)


def _public(obj: Any) -> Any:
    """Drop the in-memory server ids (`_id`...), which vary between runs of one seed."""
    if isinstance(obj, dict):
        return {k: _public(v) for k, v in obj.items() if not k.startswith("_")}
    if isinstance(obj, list):
        return [_public(v) for v in obj]
    return obj


def to_json(truth: Truth) -> bytes:
    plain = _public(msgspec.to_builtins(truth))
    return msgspec.json.format(msgspec.json.encode(plain), indent=1)


def write(truth: Truth, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(to_json(truth))


def read(path: Path) -> Truth:
    """A truth file back as records (for tests and the reports' checks)."""
    return msgspec.json.decode(path.read_bytes(), type=Truth)
