"""How a running training hears pause, resume, step and stop.

The engine asks; it is never called back. A Control is whatever can answer
`poll()` without blocking and `wait()` while paused: a pipe in the local pool,
a Redis key for a Celery worker, a list in a test.
"""
from __future__ import annotations

from collections import deque
from typing import Iterable, Protocol

ACTIONS = ("pause", "resume", "step", "stop")


class Control(Protocol):
    def poll(self) -> str | None:
        """The next pending action, or None at once."""

    def wait(self, timeout: float) -> str | None:
        """The next action, waiting up to `timeout` seconds (None when none came)."""


class Scripted:
    """A control that replays a fixed list of actions, one per poll, then stays quiet."""

    def __init__(self, actions: Iterable[str] = ()):
        self.actions = deque(actions)

    def poll(self) -> str | None:
        return self.actions.popleft() if self.actions else None

    def wait(self, timeout: float) -> str | None:
        if not self.actions:  # paused with nothing left to say would wait forever
            raise RuntimeError("paused, and the script has no action left")
        return self.poll()


class Never(Scripted):
    """No one ever pauses or stops: train to the end."""
