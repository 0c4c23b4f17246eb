"""The reaper (distributed mode): finds runs whose worker went silent and requeues or fails them.

A worker holds a lease on the attempt it trains and renews it as its
heartbeat. When a claimed attempt has no lease left (its worker was killed,
or its machine is gone), the run is queued again as the next attempt, up to
max_attempts, then failed. The decision is one Redis script (workers/streams.py),
so a reaper and a redelivered task can never both restart the same attempt.
"""
from __future__ import annotations

import logging

from workers.engine.status import Status, status_event
from workers.streams import REAP, attempt_key, lease_key

from .periodic import every

log = logging.getLogger(__name__)


class Reaper:
    def __init__(self, queries, bus, runner, interval: float, max_attempts: int, lease_seconds: float):
        self.queries, self.bus, self.runner = queries, bus, runner
        self.interval, self.max_attempts, self.lease_seconds = interval, max_attempts, lease_seconds
        self.reap = bus.client.register_script(REAP)

    async def run(self) -> None:
        await every(self.interval, self.sweep, "reaper sweep")

    async def sweep(self) -> None:
        for run_id, _status, spec_json, _seq in await self.queries.unfinished():
            verdict = int(await self.reap(keys=[attempt_key(run_id), lease_key(run_id)],
                                          args=[run_id, self.max_attempts]))
            if verdict > 0:
                lost = verdict - 1
                log.warning("run %s: the worker of attempt %d went silent; queued again", run_id, lost)
                await self.bus.publish(run_id, status_event(
                    Status.QUEUED, f"the worker training attempt {lost} went silent for {self.lease_seconds:g} s; "
                                   f"queued again as attempt {verdict}", attempt=verdict))
                await self.runner.submit(run_id, spec_json, verdict)
            elif verdict < 0:
                await self.bus.publish(run_id, status_event(
                    Status.FAILED, f"the worker training attempt {-verdict} went silent, and {self.max_attempts} "
                                   "attempts are allowed: giving up", attempt=-verdict))
