"""The Celery side: the app, its crash-safety settings, and the one task that trains a run.

Crash safety: acks_late + reject_on_worker_lost return the message of a killed
pool child to the queue; the lease decides whether it may train. A task trains
only the run's current attempt, only once (see streams.CLAIM); a lost attempt
is requeued as the next one by the API's reaper.
"""
from __future__ import annotations

import logging
import os
import socket
import uuid

import redis
from celery import Celery

from .config import WorkerSettings
from .device import resolve_device
from .engine import Spec, train
from .engine.status import Status, status_event
from .redis_run import EventWriter, Lease, LeaseLost, RedisControl
from .streams import CLAIM, attempt_key, claimed_key, lease_key, seq_key

log = logging.getLogger(__name__)
TASK_NAME = "playground.train"


def make_celery(redis_url: str) -> Celery:
    app = Celery("playground", broker=redis_url)
    app.conf.update(
        task_acks_late=True,  # a message leaves the queue only when its run has ended...
        task_reject_on_worker_lost=True,  # ...and goes back at once when its pool child dies
        worker_prefetch_multiplier=1,  # a worker takes a run only when it has a free slot
        task_serializer="json", accept_content=["json"],
        task_default_queue="cpu",
        broker_connection_retry_on_startup=True,
        worker_cancel_long_running_tasks_on_connection_loss=False,  # a Redis restart must not kill runs
        worker_hijack_root_logger=False,
    )
    app.task(name=TASK_NAME)(train_run)
    return app


def train_run(run_id: str, spec_json: str, attempt: int) -> str:
    """Train attempt `attempt` of a run, if it is still that run's turn; answers what happened."""
    settings = WorkerSettings()
    client = redis.Redis.from_url(settings.redis_url, socket_connect_timeout=5)
    token = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    lease_ms = int(settings.lease_seconds * 1000)
    verdict = client.register_script(CLAIM)(
        keys=[attempt_key(run_id), lease_key(run_id), claimed_key(run_id, attempt)],
        args=[attempt, token, lease_ms]).decode()
    if verdict != "ok":
        log.info("run %s attempt %s not trained: %s", run_id, attempt, verdict)
        return verdict

    lease = Lease(client, run_id, token, settings.lease_seconds)
    writer = EventWriter(client, run_id, int(client.get(seq_key(run_id)) or 0), {"attempt": attempt}, token)
    try:
        import torch

        torch.set_num_threads(1)  # one run per pool process; tiny networks lose time to thread hand-offs
        train(Spec.model_validate_json(spec_json), writer.emit, RedisControl(client, run_id, lease),
              resolve_device(settings.device))
    except LeaseLost:
        log.warning("run %s attempt %s lost its lease; another attempt owns it now", run_id, attempt)
        writer.close()
        lease.stop()
        return "lost"
    except Exception as error:  # noqa: BLE001 - whatever broke, the run must end with a status
        log.exception("run %s crashed", run_id)
        writer.emit(status_event(Status.FAILED, f"training crashed: {error!r}"))
    writer.close()
    lease.finish()
    return "done"
