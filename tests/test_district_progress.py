"""The district-wide progress query (全城通办): two real halls, a real centre, PostgreSQL.

A case accepted in hall HZ is asked about at hall JN: JN's /api/progress, /progress
page and kiosk go to the centre with a keyed digest of the number and the visitor's
4 digits; the centre never holds the digits.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp
import psycopg
import pytest
from aiohttp.test_utils import TestClient, TestServer

from central.app import create_central_app
from onewindow import case_numbers
from onewindow import protocol as p
from onewindow.config import Config, UplinkConfig
from queue_server.http.app import create_app
from tests.api_helpers import act, add_staff, issue, login
from tests.district_helpers import HALL_TOKENS, district

Factory = Callable[..., Awaitable[Any]]
PROOF_KEY = "district-proof-key-for-tests-0001"
RESIDENCE = "440105-GA-002"  # 居住证申领, queued under A
REQUIRED = ["居住证申领登记表", "申请人身份证件", "居住证明"]
APPLICANT = p.Applicant(
    name="王小明", id_type="id_card", id_number="440105199001011239", phone="13812345678"
)
LAST4, WRONG4 = "5678", "5679"
PERSONAL = ("王小明", "13812345678", "440105199001011239", "1239")


def hall_config(config: Config, code: str, centre_url: str, proof_key: str = PROOF_KEY) -> Config:
    link = UplinkConfig(
        url=centre_url,
        hall=code,
        token=HALL_TOKENS[code],
        batch=50,
        interval_s=0.02,
        heartbeat_s=0.5,
        retry_max_s=0.2,
        timeout_s=2.0,
        proof_key=proof_key,
    )
    return dataclasses.replace(
        config, uplink=link, hall=dataclasses.replace(config.hall, code=code)
    )


class District:
    def __init__(self, new_server: Factory, new_client: Factory, dsn: str, tmp: Path) -> None:
        self.new_server, self.new_client, self.dsn, self.tmp = new_server, new_client, dsn, tmp
        self.centre: TestServer | None = None
        self.session = aiohttp.ClientSession()

    @property
    def url(self) -> str:
        assert self.centre is not None
        return f"http://127.0.0.1:{self.centre.port}"

    async def start_centre(self) -> None:
        self.centre = await self.new_server(create_central_app(district(self.dsn)))

    async def hall(self, config: Config, code: str, **link: Any) -> TestClient:
        db_path = self.tmp / f"{code}.sqlite"
        add_staff(db_path, ("1005", "clerk"))
        app = create_app(hall_config(config, code, self.url, **link), db_path)
        client: TestClient = await self.new_client(app)
        return client

    async def ask_centre(self, code: str, case_no: str, proof: str) -> aiohttp.ClientResponse:
        return await self.session.get(
            f"{self.url}/api/cases/{case_no}",
            params={"proof": proof},
            headers={"Authorization": f"Bearer {HALL_TOKENS[code]}"},
        )

    async def known(self, case_no: str) -> None:
        """Wait until the centre holds the case (the uplink ships on its own time)."""
        for _ in range(300):
            with psycopg.connect(self.dsn) as conn:
                row = conn.execute("SELECT 1 FROM hall_cases WHERE case_no = %s", (case_no,))
                if row.fetchone():
                    return
            await _sleep(0.05)
        raise AssertionError(f"the centre never learnt {case_no}")


async def _sleep(seconds: float) -> None:
    import asyncio

    await asyncio.sleep(seconds)


@pytest.fixture
async def town(
    pg_dsn: str, aiohttp_server: Factory, aiohttp_client: Factory, tmp_path: Path
) -> AsyncIterator[District]:
    place = District(aiohttp_server, aiohttp_client, pg_dsn, tmp_path)
    await place.start_centre()
    yield place
    await place.session.close()


async def accept_case(hall: TestClient) -> p.CaseView:
    clerk = await login(hall, "1005", 5)
    await issue(hall, "A")
    await act(hall, clerk, 5, "call-next")
    body = p.NewCaseRequest(item=RESIDENCE, materials=REQUIRED, applicant=APPLICANT)
    made = await hall.post("/api/cases", data=p.encode(body), headers=clerk)
    assert made.status == 201, await made.text()
    case = p.decode(await made.read(), p.CaseView)
    await act(hall, clerk, 5, "finish")
    assert case.state == "accepted" and case.case_no
    return case


async def progress(hall: TestClient, case_no: str, last4: str) -> aiohttp.ClientResponse:
    return await hall.get("/api/progress", params={"case_no": case_no, "phone4": last4})


async def test_a_case_of_hall_hz_is_answered_at_hall_jn_with_the_right_digits(
    town: District, config: Config
) -> None:
    hz, jn = await town.hall(config, "HZ"), await town.hall(config, "JN")
    case = await accept_case(hz)
    assert case.case_no and case.case_no.startswith("HZ")
    await town.known(case.case_no)
    resp = await progress(jn, case.case_no.lower(), LAST4)  # typed in small letters
    assert resp.status == 200, await resp.text()
    view = p.decode(await resp.read(), p.ProgressView)
    assert view.case_no == case.case_no and view.state == "accepted" and view.hall == "HZ"
    assert view.hall_name_zh == "海珠区政务服务中心" and view.item_name_zh == "居住证申领"
    assert view.deadline == case.deadline and view.remaining_workdays == case.remaining_workdays
    raw = (await resp.read()).decode()
    assert not any(secret in raw for secret in PERSONAL)


async def test_wrong_digits_and_an_unknown_number_look_the_same(
    town: District, config: Config
) -> None:
    hz, jn = await town.hall(config, "HZ"), await town.hall(config, "JN")
    case = await accept_case(hz)
    assert case.case_no
    await town.known(case.case_no)
    unknown = case.case_no[:-4] + "9999"
    wrong = await town.ask_centre(
        "JN", case.case_no, case_numbers.proof(PROOF_KEY, case.case_no, WRONG4)
    )
    missing = await town.ask_centre("JN", unknown, case_numbers.proof(PROOF_KEY, unknown, LAST4))
    assert wrong.status == missing.status == 404
    assert await wrong.json() == await missing.json()
    at_hall = [await progress(jn, case.case_no, WRONG4), await progress(jn, unknown, LAST4)]
    assert [r.status for r in at_hall] == [404, 404]
    assert (await at_hall[0].json()) == (await at_hall[1].json())
    right = await town.ask_centre(
        "JN", case.case_no, case_numbers.proof(PROOF_KEY, case.case_no, LAST4)
    )
    assert right.status == 200 and (await right.json())["hall"] == "HZ"


def _every_value(dsn: str) -> list[tuple[str, str, str]]:
    """(table, column, value as text) of every value of every table of the centre."""
    out = []
    with psycopg.connect(dsn) as conn:
        tables = conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchall()
        for (table,) in tables:
            cur = conn.execute(f'SELECT * FROM "{table}"')
            names = [d.name for d in cur.description or []]
            for row in cur.fetchall():
                out += [
                    (table, n, str(v)) for n, v in zip(names, row, strict=True) if v is not None
                ]
    return out


async def test_the_centre_holds_no_phone_digits_and_no_digest_made_without_the_key(
    town: District, config: Config
) -> None:
    hz = await town.hall(config, "HZ")
    case = await accept_case(hz)
    assert case.case_no
    await town.known(case.case_no)
    values = _every_value(town.dsn)
    assert any(t == "hall_cases" and c == "proof" for t, c, _ in values)
    standalone = re.compile(rf"(?<![0-9A-Za-z]){LAST4}(?![0-9A-Za-z])")
    for table, column, value in values:
        assert not standalone.search(value), (table, column)
        assert not any(secret in value for secret in PERSONAL), (table, column)
    stored = {v for t, c, v in values if (t, c) == ("hall_cases", "proof")}
    assert stored == {case_numbers.proof(PROOF_KEY, case.case_no, LAST4)}
    message = f"{case.case_no}|{LAST4}".encode()
    guessable = {
        hashlib.sha256(message).hexdigest(),
        hashlib.sha256(LAST4.encode()).hexdigest(),
        hmac.new(b"", message, hashlib.sha256).hexdigest(),
        hmac.new(case.case_no.encode(), LAST4.encode(), hashlib.sha256).hexdigest(),
    }
    assert not stored & guessable


async def test_the_centre_limits_wrong_proofs_per_asking_hall_and_number(
    town: District, config: Config
) -> None:
    hz = await town.hall(config, "HZ")
    case = await accept_case(hz)
    assert case.case_no
    await town.known(case.case_no)
    right = case_numbers.proof(PROOF_KEY, case.case_no, LAST4)
    for guess in range(5):
        wrong = case_numbers.proof(PROOF_KEY, case.case_no, f"{guess:04d}")
        assert (await town.ask_centre("JN", case.case_no, wrong)).status == 404
    limited = await town.ask_centre("JN", case.case_no, right)
    assert limited.status == 429 and int(limited.headers["Retry-After"]) > 0
    assert (await limited.json())["error"]["code"] == "case_query_limited"
    # Another hall asking for the same number is not held back by JN's guesses.
    assert (await town.ask_centre("HZ", case.case_no, right)).status == 200


async def test_other_halls_cases_cannot_be_looked_up_while_the_centre_is_down(
    town: District, config: Config
) -> None:
    hz, jn = await town.hall(config, "HZ"), await town.hall(config, "JN")
    foreign, own = await accept_case(hz), await accept_case(jn)
    assert foreign.case_no and own.case_no
    await town.known(foreign.case_no)
    assert town.centre is not None
    await town.centre.close()
    resp = await progress(jn, foreign.case_no, LAST4)
    assert resp.status == 503 and (await resp.json())["error"]["code"] == "district_unavailable"
    page = await jn.post("/progress", data={"case_no": foreign.case_no, "phone4": LAST4})
    text = await page.text()
    assert page.status == 503 and "其他大厅受理的办件暂时无法查询" in text
    english = await jn.post(
        "/progress", data={"case_no": foreign.case_no, "phone4": LAST4, "lang": "en"}
    )
    assert "Cases accepted in other halls cannot be looked up just now" in await english.text()
    assert (await progress(jn, own.case_no, LAST4)).status == 200  # its own cases still answer


async def test_the_progress_page_of_hall_jn_shows_a_case_of_hall_hz(
    town: District, config: Config
) -> None:
    hz, jn = await town.hall(config, "HZ"), await town.hall(config, "JN")
    case = await accept_case(hz)
    assert case.case_no and case.deadline
    await town.known(case.case_no)
    printed = f"{case.case_no[:2]} {case.case_no[2:6]} {case.case_no[6:10]} {case.case_no[10:]}"
    page = await jn.post("/progress", data={"case_no": printed, "phone4": LAST4})
    text = await page.text()
    assert page.status == 200, text
    assert "已受理，正在办理" in text and "受理大厅" in text and "海珠区政务服务中心" in text
    assert case.deadline.isoformat() in text and "个工作日" in text
    assert not any(secret in text for secret in PERSONAL)
    wrong = await jn.post("/progress", data={"case_no": case.case_no, "phone4": WRONG4})
    assert wrong.status == 404 and "没有查到该办件" in await wrong.text()


async def test_case_numbers_carry_the_hall_code_and_stay_unique_across_two_halls(
    town: District, config: Config
) -> None:
    hz, jn = await town.hall(config, "HZ"), await town.hall(config, "JN")
    made = [await accept_case(h) for h in (hz, jn, hz, jn)]
    numbers = [c.case_no for c in made]
    assert len(set(numbers)) == 4
    assert [n[:2] for n in numbers if n] == ["HZ", "JN", "HZ", "JN"]
    assert [case_numbers.sequence(n) for n in numbers if n] == [1, 1, 2, 2]
    for n in numbers:
        assert n
        await town.known(n)
    with psycopg.connect(town.dsn) as conn:
        rows = conn.execute("SELECT hall, case_no FROM hall_cases ORDER BY case_no").fetchall()
    assert sorted(rows) == sorted((n[:2], n) for n in numbers if n)
