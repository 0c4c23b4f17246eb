"""The reaper (distributed mode): the database is the source of truth; no unfinished run is left stranded.

Every sweep it compares each run the database says is queued, running or paused with what Redis knows of it:

- A worker holds a lease on the attempt it trains and renews it as its heartbeat. When a claimed attempt has
  no lease left (its worker was killed, or its machine is gone), the run is queued again as the next
  attempt, up to max_attempts, then failed.
- When Redis has no record of the run at all (it restarted without its data, or evicted it), the run is
  reconciled from the database once it has stayed unknown for a lease's life: a queued one is queued again
  (same attempt: its task was lost with the queue), a running or paused one as its next attempt, or failed
  when it has had all its attempts.

Each decision is one Redis script (workers/streams.py REAP), so two API replicas, or a reaper and a
redelivered task, never both restart the same attempt.
"""
from __future__ import annotations

import logging

from workers.engine.status import Status, status_event
from workers.streams import REAP, attempt_key, lease_key, lost_key

from .periodic import every
from .queries import Unfinished

log = logging.getLogger(__name__)
STARTED = (Status.RUNNING, Status.PAUSED)


class Reaper:
    def __init__(self, queries, bus, runner, interval: float, max_attempts: int, lease_seconds: float):
        self.queries, self.bus, self.runner = queries, bus, runner
        self.interval, self.max_attempts, self.lease_seconds = interval, max_attempts, lease_seconds
        self.reap = bus.client.register_script(REAP)

    async def run(self) -> None:
        await every(self.interval, self.sweep, "reaper sweep")

    async def sweep(self) -> None:
        for run in await self.queries.unfinished():
            started = int(run.status in STARTED)
            verdict, why = await self.reap(keys=[attempt_key(run.id), lease_key(run.id), lost_key(run.id)],
                                           args=[run.id, self.max_attempts, run.attempt, started,
                                                 int(self.lease_seconds * 1000)])
            if verdict:
                await self._act(run, int(verdict), why.decode())

    async def _act(self, run: Unfinished, verdict: int, why: str) -> None:
        self.bus.open(run.id, run.last_seq)  # numbering goes on after what is stored, should Redis have lost it
        if verdict > 0:
            message = self._requeued(run, verdict, why)
            log.warning("run %s: %s", run.id, message)
            await self.bus.publish(run.id, status_event(Status.QUEUED, message, attempt=verdict))
            await self.runner.submit(run.id, run.spec_json, verdict)
            return
        lost = -verdict
        message = (f"the worker training attempt {lost} went silent" if why == "silent" else
                   f"Redis lost track of attempt {lost} (it restarted without its data)")
        log.warning("run %s: %s; failed", run.id, message)
        await self.bus.publish(run.id, status_event(
            Status.FAILED, f"{message}, and {self.max_attempts} attempts are allowed: giving up", attempt=lost))

    def _requeued(self, run: Unfinished, attempt: int, why: str) -> str:
        if why == "silent":
            return (f"the worker training attempt {attempt - 1} went silent for {self.lease_seconds:g} s; "
                    f"queued again as attempt {attempt}")
        if run.status in STARTED:
            return (f"Redis lost track of attempt {run.attempt} (it restarted without its data); "
                    f"queued again as attempt {attempt}")
        return (f"Redis lost this run's place in the queue (it restarted without its data); "
                f"queued again as attempt {attempt}")
