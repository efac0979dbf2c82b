"""Invariants of the queue under random sequences of commands (hypothesis)."""

from __future__ import annotations

from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from queue_server import rules as r
from tests.rules_helpers import Clocked, expected_next

WINDOWS = (1, 5, 6, 13, 16)
SERVICES = ("A", "B", "D", "E")

issue = st.builds(
    r.IssueTicket,
    service=st.sampled_from(SERVICES),
    kind=st.sampled_from([r.TicketKind.NORMAL, r.TicketKind.PRIORITY]),
    target_window=st.sampled_from([None, None, None, 6]),
)
# Calling and finishing dominate a real day; pauses and sign-outs are rarer.
window_command = st.builds(
    lambda cls, w: cls(w),
    st.sampled_from(
        [r.CallNext] * 6
        + [r.Finish] * 4
        + [r.Start, r.Recall, r.Recall, r.MarkNoShow, r.PauseWindow, r.ResumeWindow, r.CloseWindow]
    ),
    st.sampled_from(WINDOWS),
)
transfer = st.builds(r.Transfer, st.sampled_from(WINDOWS), st.sampled_from(SERVICES))
by_index = st.tuples(
    st.sampled_from(["cancel", "reinstate", "special", "call"]),
    st.integers(0, 40),
    st.sampled_from(WINDOWS),
)
reopen = st.builds(lambda w: r.OpenWindow(w, f"staff{w}"), st.sampled_from(WINDOWS))
step = st.one_of(
    issue,
    issue,
    issue,
    window_command,
    window_command,
    window_command,
    window_command,
    transfer,
    by_index,
    reopen,
)


def _resolve(c: Clocked, item: object) -> r.Command | None:
    if not isinstance(item, tuple):
        return item  # type: ignore[return-value]
    what, index, window = item
    tickets = list(c.hall.tickets.values())
    if not tickets:
        return None
    t = tickets[index % len(tickets)]
    return {
        "cancel": r.CancelTicket(t.id),
        "reinstate": r.Reinstate(t.id),
        "special": r.IssueSpecial(t.id),
        "call": r.CallTicket(window, t.number),
    }[what]


def _check(c: Clocked, issued: int) -> None:
    hall = c.hall
    tickets = list(hall.tickets.values())
    numbers = [t.number for t in tickets]
    assert len(numbers) == len(set(numbers)), "no number twice"
    assert len(tickets) == issued, "nothing lost, nothing invented"
    holders = Counter(w.current for w in hall.windows.values() if w.current)
    assert all(n == 1 for n in holders.values()), "no ticket in hand at two windows"
    for w in hall.windows.values():
        if w.current:
            t = hall.tickets[w.current]
            assert t.state in r.IN_HAND and t.window == w.number
    in_hand = [t for t in tickets if t.state in r.IN_HAND]
    assert len(in_hand) == len(holders), "every called ticket is held by its window"
    waiting = Counter(
        t.service for t in tickets if t.state is r.TicketState.WAITING and t.target_window is None
    )
    assert {k: v for k, v in hall.waiting_counts().items() if v} == dict(waiting)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(step, min_size=40, max_size=200))
def test_random_days_keep_every_invariant(steps: list[object]) -> None:
    c = Clocked()
    c.open(*WINDOWS)
    issued = calls = 0
    for item in steps:
        command = _resolve(c, item)
        if command is None:
            continue
        expected = None
        if isinstance(command, r.CallNext):
            w = c.hall.windows[command.window]
            held = c.hall.current(command.window)
            if w.state is r.WindowState.OPEN and (held is None or held.state not in r.IN_HAND):
                expected = expected_next(c.hall, command.window)
        try:
            events = c.do(command)
        except r.QueueError:
            _check(c, issued)
            continue
        issued += sum(isinstance(e, r.TicketIssued) for e in events)
        if isinstance(command, r.CallNext):
            called = [e.ticket.id for e in events if isinstance(e, r.TicketCalled)]
            assert called == ([expected.id] if expected else []), "who is next, by brute force"
            calls += len(called)
        _check(c, issued)
