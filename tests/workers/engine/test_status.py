"""Run status: the states, their sets, the moves between them, the actions each allows, the status event."""
from __future__ import annotations

import json

import pytest

from workers.engine.control import ACTIONS
from workers.engine.event_schema import Event
from workers.engine.status import (ACTIVE, ALLOWED_ACTIONS, STATUSES, TERMINAL, TRANSITIONS, Status, allowed_actions,
                                   can_move, is_terminal_event, status_event)


def test_every_status_is_either_active_or_terminal():
    assert STATUSES == ("queued", "running", "paused", "succeeded", "failed", "cancelled")
    assert ACTIVE | TERMINAL == set(Status) and not ACTIVE & TERMINAL
    assert TERMINAL == {"succeeded", "failed", "cancelled"}  # members equal their stored strings


def test_a_finished_run_never_moves_again():
    for end in TERMINAL:
        assert not any(can_move(end, status) for status in STATUSES)


@pytest.mark.parametrize("old, new", [("queued", "running"), ("queued", "cancelled"), ("running", "paused"),
                                      ("paused", "running"), ("running", "succeeded"), ("paused", "cancelled"),
                                      ("running", "queued"), ("queued", "failed")])
def test_the_moves_runs_make(old, new):
    """Start, cancel before the start, pause and resume, finish, stop while paused, a lost worker's requeue,
    a crash before training."""
    assert can_move(old, new)


def test_an_unfinished_run_may_always_fail_or_be_queued_again():
    for status in ACTIVE:
        assert {Status.FAILED, Status.QUEUED} <= TRANSITIONS[status]


def test_actions_are_the_engines_and_only_unfinished_runs_take_any():
    assert set().union(*ALLOWED_ACTIONS.values()) <= set(ACTIONS)
    assert all(allowed_actions(status) for status in ACTIVE)
    assert not any(allowed_actions(status) for status in TERMINAL)
    assert allowed_actions("paused") == {"resume", "step", "stop"}
    assert "step" not in allowed_actions("running")  # a step is one epoch from a pause


def test_status_event_is_a_contract_status_event():
    made = status_event(Status.QUEUED, "queued again", attempt=2)
    assert made == {"type": "status", "step": 0, "epoch": 0.0, "time": 0.0,
                    "data": {"status": "queued", "message": "queued again", "attempt": 2}}
    assert json.loads(json.dumps(made)) == made  # plain JSON: the enum goes out as its string
    assert Event.model_validate({"seq": 1, **made}).root.type == "status"  # the published schema takes it
    later = status_event("failed", step=7, epoch=1.23456789, time=2.5)
    assert later["step"] == 7 and later["epoch"] == 1.234568 and "message" not in later["data"]
    assert is_terminal_event(later) and not is_terminal_event(made)
    assert not is_terminal_event({"type": "metrics", "data": {}})


def test_an_unknown_status_is_refused():
    with pytest.raises(ValueError):
        status_event("done")
    with pytest.raises(ValueError):
        can_move("queued", "done")
