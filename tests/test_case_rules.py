"""Case rules: transitions, working-day deadlines, warnings at the right moment, masking."""

from __future__ import annotations

import datetime as dt

import pytest

from onewindow.applicant_rules import mask_id, mask_name, mask_phone
from onewindow.catalogue import CatalogueItem, Material
from onewindow.config import load_config
from onewindow.workdays import WorkCalendar
from queue_server import rules as r
from queue_server.rules.cases import Case, CaseRules, phone_matches
from tests.hallserver import SAMPLE_CONFIG

TZ = dt.timezone(dt.timedelta(hours=8))
CONFIG = load_config(SAMPLE_CONFIG)
CALENDAR = WorkCalendar(CONFIG.holidays, CONFIG.workdays)


def _item(promised: int = 5, immediate: bool = False) -> CatalogueItem:
    return CatalogueItem(
        code="440105-T-001",
        name_zh="测试事项",
        name_en="Test item",
        department="测试局",
        level="district",
        mode="direct",
        service="A",
        immediate=immediate,
        legal_basis=("《测试条例》",),
        conditions="",
        materials=(Material("申请表"), Material("身份证明"), Material("照片", required=False)),
        forms=(),
        process=(),
        legal_limit_days=max(promised, 1) * 2 if promised else 0,
        promised_limit_days=promised,
        fee="不收费",
        enquiry_phone="020-80000000",
    )


def _case(now: dt.datetime) -> Case:
    return Case(id="c1", item="440105-T-001", service="A", state="prechecked", created_at=now)


def _at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hour:02d}:00:00").replace(tzinfo=TZ)


def test_complete_case_is_accepted_with_a_working_day_deadline() -> None:
    rules = CaseRules(CALENDAR)
    case = _case(_at("2026-11-26"))  # a Thursday
    events = rules.submit(case, _item(5), ("申请表", "身份证明"), _at("2026-11-26"))
    assert [e.kind for e in events] == ["accepted"]
    # Fri 27, Mon 30, Tue 1, Wed 2, Thu 3: five working days after the Thursday.
    assert case.deadline == dt.date(2026, 12, 3)
    assert case.state == "accepted" and case.missing == ()


def test_deadline_skips_the_national_day_holiday_and_counts_the_make_up_workday() -> None:
    rules = CaseRules(CALENDAR)
    case = _case(_at("2026-09-30"))
    rules.submit(case, _item(3), ("申请表", "身份证明"), _at("2026-09-30"))
    # Oct 1–7 are holidays or the weekend; then Thu 8, Fri 9 and Sat 10 (a make-up workday).
    assert case.deadline == dt.date(2026, 10, 10)


def test_missing_required_material_returns_the_case_with_every_gap() -> None:
    rules = CaseRules(CALENDAR)
    case = _case(_at("2026-11-26"))
    events = rules.submit(case, _item(), ("照片",), _at("2026-11-26"))
    assert [e.kind for e in events] == ["returned"]
    assert case.missing == ("申请表", "身份证明") and case.deadline is None


def test_the_clock_restarts_when_the_missing_materials_arrive() -> None:
    rules = CaseRules(CALENDAR)
    case = _case(_at("2026-11-26"))
    rules.submit(case, _item(5), ("申请表",), _at("2026-11-26"))
    rules.add_materials(case, _item(5), ("身份证明",), _at("2026-12-07"))  # a Monday
    assert case.state == "accepted" and case.received == ("申请表", "身份证明")
    assert case.accepted_at == _at("2026-12-07") and case.deadline == dt.date(2026, 12, 14)


def test_send_back_stops_the_clock_and_a_second_acceptance_restarts_it() -> None:
    rules = CaseRules(CALENDAR)
    case = _case(_at("2026-11-26"))
    rules.submit(case, _item(5), ("申请表", "身份证明"), _at("2026-11-26"))
    rules.send_back(case, _item(5), ["身份证明"], "复印件不清晰")
    assert case.state == "returned" and case.deadline is None and case.received == ("申请表",)
    rules.add_materials(case, _item(5), ("身份证明",), _at("2026-11-30"))
    assert case.clock_restarts == 1 and case.deadline == dt.date(2026, 12, 7)


def test_immediate_item_is_finished_on_the_spot() -> None:
    rules = CaseRules(CALENDAR)
    case = _case(_at("2026-11-26"))
    events = rules.submit(case, _item(0, immediate=True), ("申请表", "身份证明"), _at("2026-11-26"))
    assert [e.kind for e in events] == ["accepted", "approved", "issued"]
    assert case.state == "issued" and case.deadline == dt.date(2026, 11, 26)


@pytest.mark.parametrize(
    ("state", "action"),
    [
        ("prechecked", "approve"),
        ("returned", "issue"),
        ("approved", "approve"),
        ("issued", "submit"),
        ("accepted", "materials"),
        ("rejected", "return"),
    ],
)
def test_illegal_case_moves_are_refused_and_change_nothing(state: str, action: str) -> None:
    rules = CaseRules(CALENDAR)
    case = _case(_at("2026-11-26"))
    case.state = state
    before = dict(case.__dict__)
    moves = {
        "approve": lambda: rules.decide(case, True, "", _at("2026-11-27")),
        "issue": lambda: rules.issue(case, _at("2026-11-27")),
        "submit": lambda: rules.submit(case, _item(), ("申请表", "身份证明"), _at("2026-11-27")),
        "materials": lambda: rules.add_materials(case, _item(), ("申请表",), _at("2026-11-27")),
        "return": lambda: rules.send_back(case, _item(), ["申请表"], ""),
    }
    with pytest.raises(r.IllegalMove) as e:
        moves[action]()
    assert e.value.code == "case_state"
    assert case.__dict__ == before


def test_warning_comes_once_within_the_warning_days_then_overdue_once() -> None:
    rules = CaseRules(CALENDAR, warning_days=2)
    case = _case(_at("2026-11-26"))
    rules.submit(case, _item(5), ("申请表", "身份证明"), _at("2026-11-26"))  # due Thu 3 Dec
    assert rules.due(case, dt.date(2026, 11, 30)) == []  # 3 working days left
    (warning,) = rules.due(case, dt.date(2026, 12, 1))  # 2 left
    assert warning.kind == "warning" and warning.remaining == 2
    assert rules.due(case, dt.date(2026, 12, 2)) == []  # already warned
    assert rules.due(case, dt.date(2026, 12, 3)) == []  # due today: not yet overdue
    (overdue,) = rules.due(case, dt.date(2026, 12, 4))
    assert overdue.kind == "overdue"
    assert rules.due(case, dt.date(2026, 12, 7)) == []


def test_finished_case_is_never_warned() -> None:
    rules = CaseRules(CALENDAR)
    case = _case(_at("2026-11-26"))
    rules.submit(case, _item(1), ("申请表", "身份证明"), _at("2026-11-26"))
    rules.decide(case, True, "", _at("2026-11-26"))
    assert rules.due(case, dt.date(2027, 1, 1)) == []


def test_masks_show_no_personal_data() -> None:
    assert mask_name("张三丰") == "张**"
    assert mask_id("id_card", "440105199001011234") == "**************1234"
    assert mask_phone("138-1234-5678") == "*******5678"
    assert phone_matches("13812345678", "5678") and not phone_matches("13812345678", "1234")
    assert not phone_matches(None, "5678") and not phone_matches("13812345678", "678")
