"""The Celery side: the app, its crash-safety settings, and the one task that takes a run.

The task hands its run to the scheduler of its pool process (workers/celery_host.py), which trains many runs
at once, and returns. Crash safety: a task takes only the run's current attempt, only once (see
streams.CLAIM), and the run is then guarded by its lease: a process that dies, or a machine that goes, leaves
leases that expire, and the API's reaper queues each of their runs again as its next attempt. acks_late +
reject_on_worker_lost return the message of a pool child killed before it took its run.
"""
from __future__ import annotations

import logging
import os
import socket
import uuid

from celery import Celery
from celery.signals import worker_process_shutdown

from .celery_host import Host
from .config import WorkerSettings
from .streams import CLAIM, attempt_key, claimed_key, lease_key, seq_key

log = logging.getLogger(__name__)
TASK_NAME = "playground.train"


def make_celery(redis_url: str) -> Celery:
    app = Celery("playground", broker=redis_url)
    app.conf.update(
        task_acks_late=True,  # a message leaves the queue only once its run is taken...
        task_reject_on_worker_lost=True,  # ...and goes back at once when its pool child dies before
        worker_prefetch_multiplier=1,  # a process takes a run only when it has room (Host.wait_for_room)
        task_serializer="json", accept_content=["json"],
        task_default_queue="cpu",
        broker_connection_retry_on_startup=True,
        worker_cancel_long_running_tasks_on_connection_loss=False,  # a Redis restart must not kill runs
        worker_hijack_root_logger=False,
    )
    app.task(name=TASK_NAME)(train_run)
    return app


def train_run(run_id: str, spec_json: str, attempt: int) -> str:
    """Hand attempt `attempt` of a run to this process's scheduler, if it is still that run's turn, once the
    process has room for it; answers what happened. The run trains on after the task returns."""
    host = process_host()
    host.wait_for_room()
    token = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    verdict = host.client.register_script(CLAIM)(
        keys=[attempt_key(run_id), lease_key(run_id), claimed_key(run_id, attempt)],
        args=[attempt, token, int(host.settings.lease_seconds * 1000)]).decode()
    if verdict != "ok":
        log.info("run %s attempt %s not trained: %s", run_id, attempt, verdict)
        return verdict
    host.host(run_id, spec_json, attempt, token, int(host.client.get(seq_key(run_id)) or 0))
    return "hosted"


_host: Host | None = None


def process_host() -> Host:
    """This pool process's host, started by its first task (a prefork child's threads start after the fork)."""
    global _host
    if _host is None:
        _host = Host(WorkerSettings())
    return _host


@worker_process_shutdown.connect
def _hand_back_runs(**_) -> None:
    if _host is not None:
        _host.shutdown()
