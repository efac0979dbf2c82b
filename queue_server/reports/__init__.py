"""统计报表 Reports: the figures of a period (docs/reports.md), as HTML, CSV and JSON.

`compute(db, config, period)` is the one way to the figures; the command line
(`onewindow report`), the API (`GET /api/reports`) and the simulator's checks all call it.
"""

from queue_server.reports.figures import compute
from queue_server.reports.period import Period, PeriodError, parse_period

__all__ = ["Period", "PeriodError", "compute", "parse_period"]
