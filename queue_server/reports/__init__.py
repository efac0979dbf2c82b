"""统计报表 Reports: the figures of a period (docs/reports.md), as HTML, CSV and JSON.

`compute(db, config, period)` is the one way to the figures; the command line
(`onewindow report`), the API (`GET /api/reports`) and the simulator's checks all call it.
It is imported on first use: it brings numpy, which a server starting up does not need.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from queue_server.reports.period import Period, PeriodError, parse_period

if TYPE_CHECKING:
    from queue_server.reports.figures import compute


def __getattr__(name: str) -> Any:
    if name == "compute":
        from queue_server.reports.figures import compute

        return compute
    raise AttributeError(name)


__all__ = ["Period", "PeriodError", "compute", "parse_period"]
