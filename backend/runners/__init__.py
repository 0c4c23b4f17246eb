"""Runners hand runs to whatever trains them: child processes here, Celery workers in distributed mode."""
from __future__ import annotations

from typing import Protocol


class Runner(Protocol):
    kind: str  # "local" or "celery", as /health reports it

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def submit(self, run_id: str, spec_json: str) -> None:
        """Queue a run; it starts when a slot is free."""

    async def control(self, run_id: str, action: "str | dict") -> None:
        """Pass pause, resume, step, stop or a live set (workers.engine.control) to the run, queued or training."""

    async def after_restart(self, run_id: str, status: str, spec_json: str) -> bool:
        """The server restarted while this run was unfinished: take it back, or answer True if it is lost."""

    def watchdogs(self, queries) -> list:
        """Coroutines the server keeps running beside the runner (the reaper in distributed mode); `queries`
        reads run state (backend.services.queries.Queries)."""


def make_runner(settings, bus, device: str) -> Runner:
    """The one place that chooses: Celery when PLAYGROUND_REDIS_URL is set, else child processes."""
    if settings.redis_url:
        from .celery import CeleryRunner

        return CeleryRunner(settings, bus)
    from .local import LocalRunner

    return LocalRunner(settings, bus, device)
