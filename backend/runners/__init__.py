"""Runners hand runs to whatever trains them: child processes here, Celery workers in distributed mode."""
from __future__ import annotations

from typing import Protocol


class Runner(Protocol):
    kind: str  # "local" or "celery", as /health reports it

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    def submit(self, run_id: str, spec_json: str) -> None:
        """Queue a run; it starts when a slot is free."""

    def control(self, run_id: str, action: str) -> None:
        """Pass pause, resume, step or stop to the run, queued or training."""


def make_runner(settings, bus, device: str) -> Runner:
    from .local import LocalRunner

    return LocalRunner(settings.max_concurrent_runs, bus, device)
