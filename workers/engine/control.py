"""How a running training hears pause, resume, step, stop and live changes.

The engine asks; it is never called back. A Control is whatever can answer
`poll()` without blocking and `wait()` while paused: a pipe in the local pool,
a Redis key for a Celery worker, a list in a test.

A message is an action's name, a live change: `{"action": "set", "values": {dotted path: value}}`, or a stop
with its reason, from the server itself (a limit reached): `{"action": "stop", "message": why}`.
"""
from __future__ import annotations

import re
from collections import deque
from typing import Any, Iterable, Protocol, Union

ACTIONS = ("pause", "resume", "step", "stop")
SET = "set"  # the live change; its values are validated by the API (backend/api/schemas.py LiveValues)
# What a live `set` may change: each applies from the run's next step.
LIVE_PATHS = ("train.optimizer.lr", "train.l1", "train.l2", "train.batch_size")
# A `set` may also put a value into one weight or bias of the network, as a student does by clicking a link
# or a neuron of the diagram (TF Playground's issue #35): `weights.L.O.I` is the weight from input I to unit O
# of weight layer L, `biases.L.U` the bias of unit U; layers count from 0, the hidden ones then the output, in
# the order of the boundary event's `weights` and `biases`. The spec does not change.
PARAMETER_PATHS = ("weights.L.O.I", "biases.L.U")
_PARAMETER = re.compile(r"(weights)\.(\d+)\.(\d+)\.(\d+)|(biases)\.(\d+)\.(\d+)")

Message = Union[str, dict]


class Control(Protocol):
    def poll(self) -> Message | None:
        """The next pending message, or None at once."""

    def wait(self, timeout: float) -> Message | None:
        """The next message, waiting up to `timeout` seconds (None when none came)."""


def set_message(values: dict[str, Any]) -> dict:
    return {"action": SET, "values": dict(values)}


def stop_message(reason: str) -> dict:
    """Stop, and end with `reason` as the final status's message (instead of "stopped by the user")."""
    return {"action": "stop", "message": reason}


def stop_reason(message: Message | None) -> str | None:
    """The reason of a stop_message; None for any other message."""
    return message["message"] if isinstance(message, dict) and message.get("action") == "stop" else None


def parameter_at(path: str) -> tuple[str, int, tuple[int, ...]] | None:
    """("weights", L, (O, I)) or ("biases", L, (U,)) for a parameter path; None for any other path."""
    match = _PARAMETER.fullmatch(path)
    if match is None:
        return None
    name, *numbers = [group for group in match.groups() if group is not None]
    return name, int(numbers[0]), tuple(int(n) for n in numbers[1:])


def parameter_edits(values: dict[str, Any]) -> dict[str, float]:
    """The weights and biases a `set` puts values into."""
    return {path: float(value) for path, value in values.items() if parameter_at(path)}


def live_changes(spec, values: dict[str, Any]):
    """`spec` with the live changes `values` made (paths of LIVE_PATHS, and parameter paths, which leave the
    spec as it is; anything else is an error)."""
    unknown = set(values) - set(LIVE_PATHS) - set(parameter_edits(values))
    if unknown:
        raise ValueError(f"cannot change {', '.join(sorted(unknown))} during a run")
    train = spec.train
    changed: dict[str, Any] = {key: values[f"train.{key}"] for key in ("l1", "l2", "batch_size")
                               if f"train.{key}" in values}
    if "train.optimizer.lr" in values:
        changed["optimizer"] = train.optimizer.model_copy(update={"lr": float(values["train.optimizer.lr"])})
    return spec.model_copy(update={"train": train.model_copy(update=changed)})


class Scripted:
    """A control that replays a fixed list of messages, one per poll, then stays quiet."""

    def __init__(self, actions: Iterable[Message | None] = ()):
        self.actions = deque(actions)

    def poll(self) -> Message | None:
        return self.actions.popleft() if self.actions else None

    def wait(self, timeout: float) -> Message | None:
        if not self.actions:  # paused with nothing left to say would wait forever
            raise RuntimeError("paused, and the script has no action left")
        return self.poll()


class Never(Scripted):
    """No one ever pauses or stops: train to the end (or hears everything through Run.deliver)."""
