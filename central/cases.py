"""The district-wide progress query, over every case of the district (`hall_cases`).

The table is projected from the halls' `case.*` events (central/projection.py), in seq
order, in the same transaction that acks them: a case's state, item, acceptance time,
deadline, the time it was finished, the materials a returned case still lacks, and the
proof digest its accepted event carries. Nothing about the applicant.

A hall asks `GET /api/cases/{case_no}?proof=...` for a visitor who typed another
hall's case number. The proof is compared in constant time; a wrong proof and an
unknown number get the same 404, and both count against the asking hall for that
number, so one hall cannot try the 10,000 digit groups of a case through the centre.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool

from central.config import DistrictConfig
from onewindow import case_numbers
from onewindow.protocol import district as pd
from queue_server.attempts import AttemptLimit

PROOF_ATTEMPTS = 5  # wrong proofs one hall may give for one case number ...
PROOF_WINDOW_S = 15 * 60.0  # ... in this many seconds


class Limited(Exception):
    """Too many wrong proofs from one hall for one number: try again after `retry_s`."""

    def __init__(self, retry_s: int) -> None:
        super().__init__(retry_s)
        self.retry_s = retry_s


class CaseQuery:
    """The progress query of the district, limited per asking hall and case number."""

    def __init__(self, config: DistrictConfig) -> None:
        self.config = config
        self.attempts = AttemptLimit(PROOF_WINDOW_S)

    async def find(
        self, pool: AsyncConnectionPool, asking: str, case_no: str, proof: str
    ) -> pd.DistrictCaseView | None:
        """The case; None for a wrong proof or an unknown number alike."""
        attempt = self.attempts.take(f"{asking}|{case_no}", PROOF_ATTEMPTS)
        if attempt is None:
            raise Limited(round(PROOF_WINDOW_S))
        try:
            async with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
                await cur.execute("SELECT * FROM hall_cases WHERE case_no = %s", (case_no,))
                candidates = await cur.fetchall()
        except BaseException:
            self.attempts.give_back(attempt)  # never checked: not a guess
            raise
        # Old numbers (no hall code) may repeat across halls: the proof tells them apart.
        # Every candidate is compared, so the time taken says nothing about which matched.
        matches = [row for row in candidates if case_numbers.proof_matches(row["proof"], proof)]
        if not candidates:
            case_numbers.proof_matches(None, proof)
        if len(matches) != 1:
            return None
        self.attempts.give_back(attempt)
        return self._view(matches[0])

    def _view(self, row: dict[str, Any]) -> pd.DistrictCaseView:
        hall = self.config.hall(row["hall"])
        today = dt.datetime.now(self.config.centre.tz).date()
        deadline: dt.date | None = row["deadline"]
        open_ = row["finished_at"] is None and row["state"] == "accepted"
        return pd.DistrictCaseView(
            case_no=row["case_no"],
            hall=row["hall"],
            hall_name_zh=hall.name_zh if hall else row["hall"],
            hall_name_en=hall.name_en if hall else row["hall"],
            item=row["item"],
            state=row["state"],
            accepted_at=row["accepted_at"],
            deadline=deadline,
            finished_at=row["finished_at"],
            days_left=(deadline - today).days if deadline and open_ else None,
            missing=list(row["missing"] or []),
        )
