"""Who is asking: a device from the config or a signed-in member of staff."""

from __future__ import annotations

from dataclasses import dataclass

SUPERVISING = frozenset({"supervisor", "admin"})


@dataclass(frozen=True)
class Principal:
    """The caller of one request."""

    kind: str  # "device" or "staff"
    role: str  # kiosk / display / evaluator, or clerk / guide / supervisor / admin
    name: str  # device name or staff id
    window: int | None = None
    token_hash: str = ""

    @property
    def supervises(self) -> bool:
        return self.kind == "staff" and self.role in SUPERVISING
