"""The applicant through the real API: checked by the server like the terminal checks it,
control characters refused with the field named, and masked to at most 4 characters."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from onewindow import i18n
from onewindow.applicant_rules import PROBLEM_KEYS, mask_id, mask_phone
from onewindow.config import Config
from queue_server.http.app import create_app
from tests.api_helpers import DISPLAY, act, add_staff, error_code, issue, login

APPLICANT = {
    "name": "王小明",
    "id_type": "id_card",
    "id_number": "440105199001011239",
    "phone": "13812345678",
}


@pytest.fixture
async def client(aiohttp_client: Any, config: Config, db_path: Path) -> TestClient:
    add_staff(db_path, ("1005", "clerk"), ("9001", "supervisor"))
    return await aiohttp_client(create_app(config, db_path))


async def _submit(client: TestClient, clerk: dict[str, str], applicant: dict[str, str]) -> Any:
    """A complete case at window 5 for a visitor called for it; the raw answer."""
    items = (await (await client.get("/api/catalogue", headers=DISPLAY)).json())["items"]
    item = next(i for i in items if i["service"] == "A" and not i["immediate"])
    await issue(client, "A")
    await act(client, clerk, 5, "call-next")
    body = {
        "item": item["code"],
        "applicant": applicant,
        "materials": [m["name"] for m in item["materials"] if m["required"]],
    }
    return await client.post("/api/cases", json=body, headers=clerk)


@pytest.mark.parametrize(
    ("changes", "shown_id", "shown_phone"),
    [
        ({}, "**************1239", "*******5678"),
        ({"id_type": "passport", "id_number": "E12345678"}, "*******78", "*******5678"),
        ({"phone": "8300123"}, "**************1239", "******3"),
        ({"phone": "020-83001234"}, "**************1239", "*******1234"),
    ],
)
async def test_staff_answers_show_at_most_four_characters_of_an_id_or_phone(
    client: TestClient, changes: dict[str, str], shown_id: str, shown_phone: str
) -> None:
    clerk = await login(client, "1005", 5)
    resp = await _submit(client, clerk, {**APPLICANT, **changes})
    assert resp.status == 201, await resp.text()
    masked = (await resp.json())["applicant"]
    assert masked == {
        "name": "王**",
        "id_type": changes.get("id_type", "id_card"),
        "id_number": shown_id,
        "phone": shown_phone,
    }


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"id_number": "1234"}, "applicant_id_card_format"),
        ({"id_number": "440105199001011234"}, "applicant_id_card_check"),
        ({"id_number": "440105199002301238"}, "applicant_id_card_date"),  # 30 February
        ({"id_number": "440105209901011230"}, "applicant_id_card_date"),  # born in 2099
        ({"phone": "1381234567"}, "applicant_mobile_format"),
        ({"phone": "02-12-34"}, "applicant_phone_format"),
        (
            {"id_type": "business_licence", "id_number": "91440101MA5XXXXX1"},
            "applicant_credit_code_format",
        ),
        ({"name": "   "}, "applicant_name_required"),
    ],
)
async def test_the_server_checks_the_applicant_as_the_terminal_does(
    client: TestClient, changes: dict[str, str], code: str
) -> None:
    clerk = await login(client, "1005", 5)
    resp = await _submit(client, clerk, {**APPLICANT, **changes})
    assert resp.status == 422 and await error_code(resp) == code
    field = (
        "applicant.name"
        if "name" in changes
        else "applicant." + ("phone" if "phone" in changes else "id_number")
    )
    assert field in (await resp.json())["error"]["message"]


@pytest.mark.parametrize(
    "name", ["王\x00明", "王\x1b[2J明", "王\a明", "王\u202e明", "王\u200b明", "王\n明"]
)
async def test_control_characters_in_a_name_are_refused_naming_the_field(
    client: TestClient, name: str
) -> None:
    clerk = await login(client, "1005", 5)
    resp = await _submit(client, clerk, {**APPLICANT, "name": name})
    assert resp.status == 422 and await error_code(resp) == "control_character"
    assert "applicant.name" in (await resp.json())["error"]["message"]


async def test_control_characters_in_free_text_are_refused_naming_the_field(
    client: TestClient,
) -> None:
    clerk = await login(client, "1005", 5)
    case = await (await _submit(client, clerk, APPLICANT)).json()
    await act(client, clerk, 5, "finish")
    for path, body, field in [
        (f"/api/cases/{case['id']}/approve", {"reason": "ok\x1b]0;x\a"}, "reason"),
        (f"/api/cases/{case['id']}/return", {"missing": ["x\x00"], "reason": ""}, "missing"),
    ]:
        resp = await client.post(path, json=body, headers=clerk)
        assert resp.status == 422 and await error_code(resp) == "control_character", path
        assert f"“{field}”" in (await resp.json())["error"]["message"]
    tablet = {"Authorization": "Bearer demo-evaluator-token"}
    resp = await client.post("/api/ratings", json={"score": 5, "comment": "好\x07"}, headers=tablet)
    assert resp.status == 422 and await error_code(resp) == "control_character"
    resp = await client.post("/api/ratings", json={"score": 5, "comment": "好"}, headers=tablet)
    assert resp.status == 201


def test_every_applicant_problem_has_a_server_message_in_both_languages() -> None:
    for key in PROBLEM_KEYS:
        code = "control_character" if key == "name_control" else f"applicant_{key}"
        for lang in i18n.LANGUAGES:
            assert f"errors.{code}" in i18n.catalogue(lang), (code, lang)
            assert f"intake.applicant.{key}" in i18n.catalogue(lang), (key, lang)


@pytest.mark.parametrize(
    "id_type",
    ["id_card", "passport", "hk_macao_permit", "other", "business_licence", "residence_permit"],
)
def test_no_mask_shows_more_than_four_characters_or_a_quarter(id_type: str) -> None:
    for length in range(1, 41):
        masked = mask_id(id_type, "9" * length)
        shown = len(masked.replace("*", ""))
        assert len(masked) == length and shown <= 4 and shown <= length // 4
    for digits in range(1, 21):
        shown = len(mask_phone("9" * digits).replace("*", ""))
        assert shown <= 4 and (shown < 4 or digits >= 11)
