"""Time limits, in both modes: a run that has lasted longer than PLAYGROUND_MAX_RUN_SECONDS, or been paused longer
than PLAYGROUND_MAX_PAUSED_SECONDS, is stopped, and ends `cancelled` with a message naming the limit.

One task in the server looks at the database's running and paused runs every PLAYGROUND_REAP_SECONDS and sends each
overdue one a stop with its reason through the runner, as a user's stop goes (workers.engine.control.stop_message):
nothing here depends on where the run trains. The run's own time counts from its start, paused time included: a
wall-clock limit bounds how long any run holds a place, and a run paused for a while is the paused limit's to stop.
"""
from __future__ import annotations

import logging
from datetime import datetime

from workers.engine.control import stop_message
from workers.engine.status import Status

from ..db.models import aware, utcnow
from .periodic import every

log = logging.getLogger(__name__)


def duration(seconds: float) -> str:
    """7200 -> "2 h", 5400 -> "1 h 30 min", 90 -> "1 min 30 s", 2.5 -> "2.5 s"."""
    whole = round(seconds)
    if whole < 60:
        return f"{seconds:g} s"
    parts = [(whole // 3600, "h"), (whole % 3600 // 60, "min"), (whole % 60, "s")]
    return " ".join(f"{n} {unit}" for n, unit in parts if n)


def run_time_reason(limit: float) -> str:
    return (f"stopped by the server after {duration(limit)}, the longest a run may last here from its start, paused "
            "time included (PLAYGROUND_MAX_RUN_SECONDS); what it learned so far is kept")


def paused_reason(limit: float) -> str:
    return (f"stopped by the server after {duration(limit)} paused, the longest a run may stay paused here "
            "(PLAYGROUND_MAX_PAUSED_SECONDS); what it learned so far is kept")


def overdue(started: list[tuple[str, str, datetime | None, datetime | None]], now: datetime,
            max_run: float | None, max_paused: float | None) -> list[tuple[str, str]]:
    """(run id, why) for each of `started` (id, status, started_at, status_since) over a limit (None: no limit)."""
    found = []
    for run_id, status, started_at, status_since in started:
        if max_run is not None and started_at is not None and (now - aware(started_at)).total_seconds() >= max_run:
            found.append((run_id, run_time_reason(max_run)))
        elif (max_paused is not None and status == Status.PAUSED and status_since is not None
              and (now - aware(status_since)).total_seconds() >= max_paused):
            found.append((run_id, paused_reason(max_paused)))
    return found


class TimeLimits:
    def __init__(self, queries, runner, interval: float, max_run: float | None, max_paused: float | None):
        self.queries, self.runner, self.interval = queries, runner, interval
        self.max_run, self.max_paused = max_run, max_paused
        # Runs already told: a stop is heard within a slice (or at once, paused), so it is sent once, not at
        # every sweep until the recorder has stored the run's end.
        self.stopping: set[str] = set()

    @property
    def needed(self) -> bool:
        return self.max_run is not None or self.max_paused is not None

    async def run(self) -> None:
        await every(self.interval, self.sweep, "time-limit sweep")

    async def sweep(self) -> None:
        started = await self.queries.started()
        self.stopping &= {run_id for run_id, *_ in started}
        for run_id, why in overdue(started, utcnow(), self.max_run, self.max_paused):
            if run_id not in self.stopping:
                log.info("run %s: %s", run_id, why)
                await self.runner.control(run_id, stop_message(why))
                self.stopping.add(run_id)
