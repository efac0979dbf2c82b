"""Refusals that name a state say it in the caller's words, never as the code's state name."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from onewindow import i18n
from onewindow.config import Config
from queue_server.http.app import create_app
from queue_server.rules import TicketState, WindowState
from queue_server.rules.cases import STATES as CASE_STATES
from tests.api_helpers import DISPLAY, act, add_staff, issue, login

APPLICANT = {
    "name": "王小明",
    "id_type": "id_card",
    "id_number": "440105199001011239",
    "phone": "13812345678",
}
CODE_WORDS = re.compile(
    r"\b(?:open|paused|closed|waiting|called|serving|done|no_show|"
    r"cancelled|expired|prechecked|returned|accepted|approved|rejected|"
    r"issued|submit|materials|return|approve|reject|issue)\b"
)
CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")


@pytest.fixture
async def client(aiohttp_client: Any, config: Config, db_path: Path) -> TestClient:
    add_staff(db_path, ("1005", "clerk"))
    return await aiohttp_client(create_app(config, db_path))


async def refusal(
    client: TestClient, path: str, body: Any, headers: dict[str, str], lang: str
) -> tuple[str, str]:
    resp = await client.post(path, json=body, headers={**headers, "Accept-Language": lang})
    assert resp.status == 409, await resp.text()
    error = (await resp.json())["error"]
    return error["code"], error["message"]


async def test_calling_at_a_paused_window_says_paused_in_words(client: TestClient) -> None:
    clerk = await login(client, "1005", 5)
    await act(client, clerk, 5, "pause", {"reason": "午休"})
    await issue(client, "A")
    code, zh = await refusal(client, "/api/windows/5/call-next", None, clerk, "zh-CN")
    assert code == "window_not_open"
    assert zh == "5 号窗口已暂停：要叫号，请先恢复窗口。"
    code, en = await refusal(client, "/api/windows/5/call-next", None, clerk, "en")
    assert en == "Window 5 is paused: resume it to call again."


async def test_calling_a_finished_ticket_says_finished(client: TestClient) -> None:
    clerk = await login(client, "1005", 5)
    await issue(client, "A")
    await act(client, clerk, 5, "call-next")
    await act(client, clerk, 5, "finish")
    body = {"ticket": "A001"}
    code, zh = await refusal(client, "/api/windows/5/call", body, clerk, "zh")
    assert code == "ticket_not_waiting" and zh == "号票 A001 已办结，不在等候中。"
    _, en = await refusal(client, "/api/windows/5/call", body, clerk, "en-GB")
    assert en == "Ticket A001 is finished, not waiting."


async def test_approving_a_case_twice_names_its_state_and_the_action(client: TestClient) -> None:
    clerk = await login(client, "1005", 5)
    items = (await (await client.get("/api/catalogue", headers=DISPLAY)).json())["items"]
    item = next(i for i in items if i["service"] == "A" and not i["immediate"])
    await issue(client, "A")
    await act(client, clerk, 5, "call-next")
    required = [m["name"] for m in item["materials"] if m["required"]]
    resp = await client.post(
        "/api/cases",
        headers=clerk,
        json={"item": item["code"], "materials": required, "applicant": APPLICANT},
    )
    assert resp.status == 201, await resp.text()
    case = await resp.json()
    path = f"/api/cases/{case['id']}/approve"
    assert (await client.post(path, json={}, headers=clerk)).status == 200
    code, zh = await refusal(client, path, {}, clerk, "zh")
    assert code == "case_state"
    assert zh == f"办件 {case['case_no']} 当前已办结（准予），不能准予办结。"
    _, en = await refusal(client, path, {}, clerk, "en")
    assert en == f"Case {case['case_no']} is approved: it cannot be approved now."
    _, en = await refusal(
        client, f"/api/cases/{case['id']}/submit", {"applicant": APPLICANT}, clerk, "en"
    )
    assert en == f"Case {case['case_no']} is approved: it cannot be submitted now."


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_every_state_and_action_has_words_in_each_language(lang: str) -> None:
    tables = {
        "states.window": [s.value for s in WindowState],
        "states.window_next": [s.value for s in WindowState],
        "states.ticket": [s.value for s in TicketState],
        "states.case": list(CASE_STATES),
        "states.case_action": ["submit", "materials", "return", "approve", "reject", "issue"],
    }
    words = i18n.catalogue(lang)
    for table, values in tables.items():
        for value in values:
            assert f"{table}.{value}" in words, (lang, table, value)
    for value in (s.value for s in WindowState):
        zh = i18n.text("errors.window_not_open", "zh", window=3, state=value)
        assert not CODE_WORDS.search(zh) and "@" not in zh, zh


@pytest.mark.parametrize(
    ("key", "values"),
    [
        ("errors.window_not_open", {"window": 3, "state": "closed"}),
        ("errors.ticket_not_waiting", {"ticket": "A001", "state": "no_show"}),
        ("errors.ticket_closed", {"ticket": "A001", "state": "expired"}),
        ("errors.ticket_not_served", {"ticket": "A001", "state": "serving"}),
        ("errors.case_state", {"case": "X1", "state": "returned", "action": "issue"}),
    ],
)
def test_state_refusals_never_quote_the_code(key: str, values: dict[str, object]) -> None:
    zh = i18n.text(key, "zh", **values)
    assert not CODE_WORDS.search(zh) and "{" not in zh, zh
    en = i18n.text(key, "en", **values)
    assert not CJK.search(en) and "no_show" not in en and "{" not in en, en


def test_a_value_missing_from_its_table_is_shown_as_it_is() -> None:
    assert i18n.word("states.window", "paused", "en") == "paused"
    assert i18n.word("states.window", "paused", "zh") == "已暂停"
    assert i18n.word("states.window", "mystery", "zh") == "mystery"
