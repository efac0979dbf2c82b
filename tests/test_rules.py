"""The queue rules core: numbering, every (state, command) pair, who is next."""

from __future__ import annotations

import datetime as dt

import pytest

from queue_server import rules as r
from tests.rules_helpers import T0, TZ, Clocked, sample_rules

S = r.TicketState


# --- numbering ---------------------------------------------------------------------------


def test_numbers_are_per_service_and_zero_padded() -> None:
    c = Clocked()
    numbers = [c.issue(s).number for s in "AABA"]
    assert numbers == ["A001", "A002", "B001", "A003"]


def test_thousandth_ticket_is_a1000_not_a_wrap() -> None:
    c = Clocked()
    numbers = [c.issue("A").number for _ in range(1000)]
    assert numbers[998:] == ["A999", "A1000"]
    assert len(set(numbers)) == 1000


def test_numbering_restarts_on_a_new_business_day_in_hall_time() -> None:
    c = Clocked(now=dt.datetime(2026, 11, 26, 23, 50, tzinfo=TZ))
    assert c.issue("A").number == "A001"
    # 16:05 UTC is 00:05 the next day in Shanghai: a new business day.
    c.now = dt.datetime(2026, 11, 26, 16, 5, tzinfo=dt.UTC) - dt.timedelta(seconds=10)
    assert c.issue("A").number == "A001"
    assert c.hall.day == dt.date(2026, 11, 27)


def test_day_may_start_at_a_configured_hour() -> None:
    c = Clocked(
        sample_rules(day_starts_at=dt.time(4, 0)), dt.datetime(2026, 11, 27, 3, 0, tzinfo=TZ)
    )
    c.issue("A")
    assert c.hall.day == dt.date(2026, 11, 26)


def test_special_tickets_have_their_own_prefix_and_sequence() -> None:
    c = Clocked()
    c.open(1)
    first = c.issue("D")
    second = c.issue("F")
    specials = []
    for source in (first, second):
        events = c.do(r.IssueSpecial(source.id))
        specials.append(next(e.ticket for e in events if isinstance(e, r.TicketIssued)))
    assert [t.number for t in specials] == ["T001", "T002"]
    assert [t.service for t in specials] == ["D", "F"]
    assert all(t.kind is r.TicketKind.SPECIAL and t.from_ticket for t in specials)


def test_unknown_service_is_a_bad_command() -> None:
    c = Clocked()
    with pytest.raises(r.BadCommand) as e:
        c.issue("Q")
    assert e.value.code == "unknown_service"


def test_ordinary_issue_cannot_make_a_special_ticket() -> None:
    with pytest.raises(r.BadCommand):
        Clocked().issue("A", r.TicketKind.SPECIAL, channel="window")


def test_the_ticket_machine_gives_only_line_numbers() -> None:
    """The kiosk's own rules: no special ticket, no ticket for one window."""
    c = Clocked()
    with pytest.raises(r.Forbidden):
        c.issue("A", r.TicketKind.SPECIAL)
    with pytest.raises(r.Forbidden):
        c.issue("A", target_window=5)
    assert c.issue("A", r.TicketKind.PRIORITY).kind is r.TicketKind.PRIORITY
    no_priority = Clocked(sample_rules(allow_priority_at_kiosk=False))
    with pytest.raises(r.BadCommand) as refused:
        no_priority.issue("A", r.TicketKind.PRIORITY)
    assert refused.value.code == "priority_not_allowed"
    # a clerk may still give a priority number where the kiosk may not
    assert no_priority.issue("A", r.TicketKind.PRIORITY, channel="window").number


def test_repeated_idempotency_key_issues_nothing() -> None:
    c = Clocked()
    c.issue("A", idempotency_key="kiosk-1:abc")
    assert c.do(r.IssueTicket("A", idempotency_key="kiosk-1:abc")) == []
    assert len(c.hall.tickets) == 1


def test_expired_tickets_are_closed_with_an_event_at_rollover() -> None:
    c = Clocked(sample_rules(recalls_before_no_show=0))
    c.open(5, 6)
    waiting = c.issue("A")
    called = c.issue("A")
    missed = c.issue("A")
    c.do(r.CallTicket(6, missed.number))
    c.do(r.MarkNoShow(6))
    c.do(r.CallTicket(5, called.number))
    c.now += dt.timedelta(days=1)
    events = c.hall.tick(c.now)
    expired = {e.ticket.number: e.ticket.state for e in events if isinstance(e, r.TicketExpired)}
    assert expired == {waiting.number: S.EXPIRED, called.number: S.EXPIRED}
    assert missed.number not in expired, "a no-show stays a no-show for the day's figures"
    assert any(isinstance(e, r.WindowClosed) and e.window.number == 5 for e in events)
    assert isinstance(events[-1], r.QueueChanged) and sum(events[-1].waiting.values()) == 0
    assert c.hall.tickets == {} and c.hall.windows[5].state is r.WindowState.CLOSED


# --- who is next -------------------------------------------------------------------------


def test_call_next_gives_special_ticket_first_then_priority_then_normal() -> None:
    c = Clocked()
    c.open(1, 5)
    normal = c.issue("A")
    priority = c.issue("A", r.TicketKind.PRIORITY)
    consult = c.issue("D")
    c.do(r.CallNext(1))
    c.do(r.IssueSpecial(consult.id))  # T001 for D, which window 5 serves
    order = []
    for _ in range(3):
        order.append(c.called(5))
        c.do(r.Finish(5))
    assert [t.number for t in order if t] == ["T001", priority.number, normal.number]


def test_fifo_window_takes_the_oldest_across_its_services() -> None:
    c = Clocked()
    c.open(5)  # serves A, B, D in fifo order
    b = c.issue("B")
    a = c.issue("A")
    assert c.called(5).number == b.number
    c.do(r.Finish(5))
    assert c.called(5).number == a.number


def test_listed_window_takes_its_first_listed_service_first() -> None:
    c = Clocked()
    c.open(13)  # serves B then A, listed
    a = c.issue("A")
    b = c.issue("B")
    assert c.called(13).number == b.number
    c.do(r.Finish(13))
    assert c.called(13).number == a.number


def test_consult_first_tickets_go_to_consultation_and_specials_to_acceptance() -> None:
    c = Clocked()
    c.open(1, 5)
    d = c.issue("D")
    assert c.called(5) is None, "acceptance windows never take an unchecked consult-first ticket"
    assert c.called(1).number == d.number
    c.do(r.IssueSpecial(d.id))
    assert c.hall.tickets[d.id].outcome == "referred"
    assert c.hall.windows[1].current is None
    assert c.called(1) is None, "consultation windows never take special tickets"
    assert c.called(5).number == "T001"


def test_ticket_sent_to_a_named_window_is_called_only_there() -> None:
    c = Clocked()
    c.open(5, 6)
    t = c.issue("A", target_window=6, channel="guide")
    assert c.called(5) is None
    assert c.called(6).number == t.number


def test_transfer_keeps_number_and_place_ahead_of_later_tickets() -> None:
    c = Clocked()
    c.open(5, 13)
    early = c.issue("A")
    later_b = c.issue("B")
    c.do(r.CallTicket(5, early.number))
    c.do(r.Transfer(5, service="B"))
    moved = c.hall.tickets[early.id]
    assert (moved.number, moved.service, moved.state) == (early.number, "B", S.WAITING)
    assert c.called(13).number == early.number, "issued before B001, so called before it"
    c.do(r.Finish(13))
    assert c.called(13).number == later_b.number


def test_paused_or_closed_window_is_never_given_a_ticket() -> None:
    c = Clocked()
    c.open(5)
    c.issue("A")
    c.do(r.PauseWindow(5, "午休"))
    with pytest.raises(r.IllegalMove) as e:
        c.do(r.CallNext(5))
    assert e.value.code == "window_not_open"
    c.do(r.ResumeWindow(5))
    c.do(r.CloseWindow(5))
    with pytest.raises(r.IllegalMove):
        c.do(r.CallNext(5))
    assert c.hall.waiting_counts()["A"] == 1


def test_window_holding_a_ticket_cannot_call_another() -> None:
    c = Clocked()
    c.open(5)
    c.issue("A")
    c.issue("A")
    c.do(r.CallNext(5))
    with pytest.raises(r.IllegalMove) as e:
        c.do(r.CallNext(5))
    assert e.value.code == "ticket_in_hand"


def test_closing_a_window_returns_its_called_ticket_to_its_place() -> None:
    c = Clocked()
    c.open(5, 6)
    first = c.issue("A")
    c.issue("A")
    c.do(r.CallNext(5))
    c.do(r.CloseWindow(5))
    assert c.called(6).number == first.number


def test_recalls_up_to_the_limit_then_no_show_then_reinstate_within_grace() -> None:
    c = Clocked()
    c.open(5)
    t = c.issue("A")
    c.do(r.CallNext(5))
    with pytest.raises(r.IllegalMove):
        c.do(r.MarkNoShow(5))
    c.do(r.Recall(5))
    c.do(r.Recall(5))
    assert c.hall.tickets[t.id].call_count == 3
    with pytest.raises(r.IllegalMove) as e:
        c.do(r.Recall(5))
    assert e.value.code == "recall_limit"
    c.do(r.MarkNoShow(5))
    assert c.hall.windows[5].current is None
    c.do(r.Reinstate(t.id), seconds=29 * 60)
    assert c.hall.tickets[t.id].state is S.WAITING


def test_no_show_cannot_come_back_after_the_grace_time() -> None:
    c = Clocked(sample_rules(recalls_before_no_show=0))
    c.open(5)
    t = c.issue("A")
    c.do(r.CallNext(5))
    c.do(r.MarkNoShow(5))
    with pytest.raises(r.IllegalMove) as e:
        c.do(r.Reinstate(t.id), seconds=31 * 60)
    assert e.value.code == "grace_expired"


def test_people_ahead_and_estimated_wait() -> None:
    c = Clocked()
    c.open(5, 6)  # both serve A
    for _ in range(4):
        c.issue("A")
    fifth = c.issue("A")
    default_s = 6 * 60
    assert c.hall.people_ahead(fifth) == 4
    assert c.hall.estimated_wait_s(fifth) == round(4 * default_s / 2)
    # A served ticket teaches the hall the recent service time.
    c.do(r.CallNext(5))
    c.do(r.Finish(5), seconds=120)
    assert c.hall.mean_service_s("A") == 120
    assert c.hall.estimated_wait_s(fifth) == round(3 * 120 / 2)


def test_estimated_wait_counts_only_open_windows_that_serve_the_service() -> None:
    c = Clocked()
    first = c.issue("C")
    second = c.issue("C")
    assert c.hall.serving_windows(second) == 0
    c.open(9, 5)  # 9 serves C, 5 does not
    assert c.hall.serving_windows(second) == 1
    assert c.hall.people_ahead(first) == 0


def test_consultation_pre_check_needs_a_window_that_serves_the_special() -> None:
    c = Clocked()
    z = c.issue("Z")  # enquiries: only consultation windows list Z
    with pytest.raises(r.BadCommand) as e:
        c.do(r.IssueSpecial(z.id))
    assert e.value.code == "no_window_for_special"
    c.do(r.IssueSpecial(z.id, service="A"))
    assert any(t.number == "T001" and t.service == "A" for t in c.hall.tickets.values())


def test_second_special_for_the_same_visitor_is_refused() -> None:
    c = Clocked()
    t = c.issue("D")
    c.do(r.IssueSpecial(t.id))
    with pytest.raises(r.IllegalMove) as e:
        c.do(r.IssueSpecial(t.id))
    assert e.value.code == "special_already_issued"


def test_window_taken_by_someone_else() -> None:
    c = Clocked()
    c.do(r.OpenWindow(5, "a"))
    with pytest.raises(r.IllegalMove):
        c.do(r.OpenWindow(5, "b"))
    c.do(r.OpenWindow(5, "a"))  # the same clerk signing in again is fine


def test_events_carry_copies_not_live_objects() -> None:
    c = Clocked()
    c.open(5)
    issued = c.issue("A")
    c.do(r.CallNext(5))
    assert issued.state is S.WAITING


def test_business_day_uses_the_hall_time_zone() -> None:
    rules = sample_rules()
    assert rules.business_day(dt.datetime(2026, 11, 26, 17, 0, tzinfo=dt.UTC)) == dt.date(
        2026, 11, 27
    )
    assert rules.business_day(T0) == dt.date(2026, 11, 26)
