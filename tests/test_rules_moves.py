"""Every (ticket state, command) pair of the rules core: the move, or the refusal."""

from __future__ import annotations

import datetime as dt

import pytest

from queue_server import rules as r
from tests.rules_helpers import Clocked

S = r.TicketState


def _in_state(state: S) -> tuple[Clocked, r.Ticket]:
    """A hall with window 5 open (and 6 for calling by number), one A ticket in `state`."""
    c = Clocked()
    c.open(5, 6)
    t = c.issue("A")
    if state in (S.CALLED, S.SERVING, S.DONE, S.NO_SHOW):
        c.do(r.CallNext(5))
    if state in (S.SERVING, S.DONE):
        c.do(r.Start(5))
    if state is S.DONE:
        c.do(r.Finish(5))
    if state is S.NO_SHOW:
        c.do(r.Recall(5))
        c.do(r.Recall(5))
        c.do(r.MarkNoShow(5))
    if state is S.CANCELLED:
        c.do(r.CancelTicket(t.id))
    if state is S.EXPIRED:
        c.now += dt.timedelta(days=1)
        c.do(r.OpenWindow(5, "staff5"))
        c.do(r.OpenWindow(6, "staff6"))
    return c, t


def _commands(t: r.Ticket) -> dict[str, r.Command]:
    return {
        "call": r.CallTicket(6, t.number),
        "recall": r.Recall(5),
        "start": r.Start(5),
        "finish": r.Finish(5),
        "no_show": r.MarkNoShow(5),
        "transfer": r.Transfer(5, service="B"),
        "reassign": r.Reassign(t.id, service="B"),
        "cancel": r.CancelTicket(t.id),
        "reinstate": r.Reinstate(t.id),
        "special": r.IssueSpecial(t.id),
    }


# state -> command -> resulting state of the ticket, or the refusal's code
MOVES: dict[S, dict[str, str]] = {
    S.WAITING: {
        "call": "called",
        "recall": "no_ticket_in_hand",
        "start": "no_ticket_in_hand",
        "finish": "no_ticket_in_hand",
        "no_show": "no_ticket_in_hand",
        "transfer": "no_ticket_in_hand",
        "reassign": "waiting",
        "cancel": "cancelled",
        "reinstate": "ticket_not_no_show",
        "special": "done",
    },
    S.CALLED: {
        "call": "ticket_not_waiting",
        "recall": "called",
        "start": "serving",
        "finish": "done",
        "no_show": "recalls_left",
        "transfer": "waiting",
        "reassign": "ticket_not_waiting",
        "cancel": "cancelled",
        "reinstate": "ticket_not_no_show",
        "special": "done",
    },
    S.SERVING: {
        "call": "ticket_not_waiting",
        "recall": "no_ticket_in_hand",
        "start": "no_ticket_in_hand",
        "finish": "done",
        "no_show": "no_ticket_in_hand",
        "transfer": "waiting",
        "reassign": "ticket_not_waiting",
        "cancel": "cancelled",
        "reinstate": "ticket_not_no_show",
        "special": "done",
    },
    S.DONE: {
        "call": "ticket_not_waiting",
        "recall": "no_ticket_in_hand",
        "start": "no_ticket_in_hand",
        "finish": "no_ticket_in_hand",
        "no_show": "no_ticket_in_hand",
        "transfer": "no_ticket_in_hand",
        "reassign": "ticket_not_waiting",
        "cancel": "ticket_closed",
        "reinstate": "ticket_not_no_show",
        "special": "done",
    },
    S.NO_SHOW: {
        "call": "called",
        "recall": "no_ticket_in_hand",
        "start": "no_ticket_in_hand",
        "finish": "no_ticket_in_hand",
        "no_show": "no_ticket_in_hand",
        "transfer": "no_ticket_in_hand",
        "reassign": "ticket_not_waiting",
        "cancel": "cancelled",
        "reinstate": "waiting",
        "special": "done",
    },
    S.CANCELLED: {
        "call": "ticket_not_waiting",
        "recall": "no_ticket_in_hand",
        "start": "no_ticket_in_hand",
        "finish": "no_ticket_in_hand",
        "no_show": "no_ticket_in_hand",
        "transfer": "no_ticket_in_hand",
        "reassign": "ticket_not_waiting",
        "cancel": "ticket_closed",
        "reinstate": "ticket_not_no_show",
        "special": "ticket_closed",
    },
    # Yesterday's tickets are gone from today's hall: refer to them and nothing is found.
    S.EXPIRED: {
        "call": "unknown_ticket",
        "recall": "no_ticket_in_hand",
        "start": "no_ticket_in_hand",
        "finish": "no_ticket_in_hand",
        "no_show": "no_ticket_in_hand",
        "transfer": "no_ticket_in_hand",
        "reassign": "unknown_ticket",
        "cancel": "unknown_ticket",
        "reinstate": "unknown_ticket",
        "special": "unknown_ticket",
    },
}


@pytest.mark.parametrize(("state", "command"), [(s, c) for s, row in MOVES.items() for c in row])
def test_every_state_command_pair(state: S, command: str) -> None:
    c, t = _in_state(state)
    expected = MOVES[state][command]
    before = c.state()
    try:
        c.do(_commands(t)[command])
    except r.QueueError as e:
        assert e.code == expected
        assert c.state() == before, "a refused command must change nothing"
        return
    assert c.hall.tickets[t.id].state.value == expected


@pytest.mark.parametrize("command", sorted(next(iter(MOVES.values()))))
def test_the_rules_transition_table_says_what_the_hall_does(command: str) -> None:
    """`TICKET_MOVES` is the rules' own table: each row agrees with the moves seen above."""
    for state, row in MOVES.items():
        if state is S.EXPIRED:  # gone from today's hall: no row can speak of it
            continue
        _, t = _in_state(state)
        move = r.TICKET_MOVES[type(_commands(t)[command])]
        result = row[command]
        if result in {s.value for s in S}:
            assert state in move.sources, (state, command)
            assert move.target.value == result, (state, command)
        elif result == move.refusal:
            assert state not in move.sources, (state, command)
