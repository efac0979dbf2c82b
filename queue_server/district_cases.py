"""Asking the district centre about a case accepted in another hall (全城通办).

The visitor's 4 digits never leave the hall: it sends the case number and the keyed
digest of number and digits (`case_numbers.proof`), with its uplink token. Whatever
goes wrong on the way (no uplink, no proof key, the centre down or refusing) is one
answer for the visitor: other halls' cases cannot be looked up right now.
"""

from __future__ import annotations

import logging
import math
from urllib.parse import quote

import aiohttp
import msgspec

from onewindow import case_numbers
from onewindow import protocol as p
from onewindow.config import UplinkConfig
from onewindow.protocol import district as pd
from queue_server import rules as r

log = logging.getLogger(__name__)
ASK_TIMEOUT_S = 5.0  # a visitor is waiting at the screen


class DistrictCases:
    def __init__(self, uplink: UplinkConfig | None) -> None:
        self.uplink = uplink

    async def find(self, case_no: str, last4: str) -> pd.DistrictCaseView:
        """The case, or `NotFound` (wrong digits and unknown number alike); 429 when the
        centre limits this number; 503 `district_unavailable` for everything else."""
        up = self.uplink
        if up is None or not up.proof_key:
            raise r.Unavailable("district_unavailable")
        proof = case_numbers.proof(up.proof_key, case_no, last4)
        url = f"{up.url}/api/cases/{quote(case_no, safe='')}"
        timeout = aiohttp.ClientTimeout(total=min(ASK_TIMEOUT_S, up.timeout_s))
        headers = {"Authorization": f"Bearer {up.token}"}
        try:
            async with (
                aiohttp.ClientSession(timeout=timeout, headers=headers) as session,
                session.get(url, params={"proof": proof}) as resp,
            ):
                raw = await resp.read()
                status, retry = resp.status, resp.headers.get("Retry-After", "")
        except (aiohttp.ClientError, TimeoutError) as e:
            log.warning("district case query failed: %s: %s", type(e).__name__, e)
            raise r.Unavailable("district_unavailable") from None
        if status == 404:
            raise r.NotFound("progress_not_found")
        if status == 429:
            minutes = math.ceil(int(retry) / 60) if retry.isdigit() else 15
            raise r.Limited("progress_limited", minutes=minutes)
        if status != 200:
            log.warning("district case query refused: %s %s", status, raw[:200])
            raise r.Unavailable("district_unavailable")
        try:
            return p.decode(raw, pd.DistrictCaseView)
        except (msgspec.DecodeError, msgspec.ValidationError):
            log.warning("district case answer not understood: %s", raw[:200])
            raise r.Unavailable("district_unavailable") from None
