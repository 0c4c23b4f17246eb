"""A run's status: the one list of states, which moves between them are allowed, and the status event.

The engine, the workers and the API all speak of run status; this module is
their one vocabulary. It imports no torch, so the API and any client can use
it without loading the trainer.
"""
from __future__ import annotations

from enum import StrEnum

from .events import event


class Status(StrEnum):
    """A StrEnum: each member equals its name as stored and sent ("queued" == Status.QUEUED)."""
    QUEUED = "queued"
    RUNNING = "running"
    PAUSED = "paused"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


STATUSES = tuple(s.value for s in Status)  # plain strings, in order: for Literal[...] in response models
TERMINAL = frozenset({Status.SUCCEEDED, Status.FAILED, Status.CANCELLED})  # a run in one never moves again
ACTIVE = frozenset(Status) - TERMINAL  # queued, running or paused: it holds a place in its owner's quota

# Where a status may go next. Any unfinished run may fail (a crash, a lost worker, a server restart) and may
# be queued again (the reaper requeues an attempt whose worker went silent, whatever it last said).
TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.QUEUED: frozenset({Status.QUEUED, Status.RUNNING, Status.PAUSED, Status.CANCELLED, Status.FAILED}),
    Status.RUNNING: frozenset({Status.QUEUED, Status.RUNNING, Status.PAUSED, *TERMINAL}),
    Status.PAUSED: frozenset({Status.QUEUED, Status.RUNNING, Status.PAUSED, *TERMINAL}),
    **{status: frozenset() for status in TERMINAL},
}

# What each status lets a user ask (the actions of workers.engine.control); anything else is a conflict.
ALLOWED_ACTIONS: dict[Status, frozenset[str]] = {
    Status.QUEUED: frozenset({"pause", "resume", "stop"}),  # a pause before the start takes effect when it starts
    Status.RUNNING: frozenset({"pause", "stop"}),
    Status.PAUSED: frozenset({"resume", "step", "stop"}),
    **{status: frozenset() for status in TERMINAL},
}


def can_move(old: str, new: str) -> bool:
    """Whether a run that is `old` may become `new`."""
    return Status(new) in TRANSITIONS[Status(old)]


def allowed_actions(status: str) -> frozenset[str]:
    return ALLOWED_ACTIONS[Status(status)]


def is_terminal_event(event: dict) -> bool:
    """Whether an engine event (a dict, as emitted) is the status event that ends its run."""
    return event["type"] == "status" and event["data"]["status"] in TERMINAL


def status_event(status: Status | str, message: str | None = None, *, step: int = 0, epoch: float = 0.0,
                 time: float = 0.0, **extra) -> dict:
    """A status event without its seq.

    `extra` carries the optional fields of the contract's status data: attempt, device, summary.
    Events raised outside training (queued, cancelled before the start, a lost worker) keep step 0."""
    data = {"status": Status(status).value, **({"message": message} if message is not None else {}), **extra}
    return event("status", step, epoch, time, data)
