"""The distributed runner: runs become Celery tasks on Redis; control actions go through Redis lists."""
from __future__ import annotations

import asyncio
import json

from workers.engine import Spec
from workers.engine.control import stop_reason
from workers.engine.status import Status, status_event
from workers.routing import queue_for
from workers.streams import CANCEL_QUEUED, attempt_key, control_key
from workers.tasks import TASK_NAME, make_celery


class CeleryRunner:
    kind = "celery"

    def __init__(self, settings, bus):
        self.settings, self.bus, self.redis = settings, bus, bus.client
        self.celery = make_celery(settings.redis_url)
        self.threshold = settings.gpu_parameter_threshold
        self.cancel_queued = self.redis.register_script(CANCEL_QUEUED)

    async def start(self) -> None:
        pass

    async def stop(self) -> None:
        await asyncio.to_thread(self.celery.close)

    async def submit(self, run_id: str, spec_json: str, attempt: int = 1) -> None:
        """Make `attempt` the run's current one and queue a task for it on the queue its size calls for."""
        await self.redis.set(attempt_key(run_id), attempt)
        queue = queue_for(Spec.model_validate_json(spec_json), self.threshold)
        await asyncio.to_thread(self.celery.send_task, TASK_NAME, args=[run_id, spec_json, attempt], queue=queue)

    async def control(self, run_id: str, action: str | dict) -> None:
        reason = "stopped before it started" if action == "stop" else stop_reason(action)
        if reason is not None:
            verdict = (await self.cancel_queued(keys=[attempt_key(run_id)], args=[run_id])).decode()
            if verdict == Status.CANCELLED:  # no worker has it yet, and now none ever will
                await self.bus.publish(run_id, status_event(Status.CANCELLED, reason))
                return
        await self.redis.rpush(control_key(run_id), action if isinstance(action, str) else json.dumps(action))

    async def after_restart(self, run_id: str, status: str, spec_json: str) -> bool:
        return False  # the workers and the queue carried on without us; the reaper watches their leases

    def watchdogs(self, queries) -> list:
        from ..services.reaper import Reaper

        s = self.settings
        return [Reaper(queries, self.bus, self, s.reap_seconds, s.max_attempts, s.lease_seconds).run()]
