"""The scheduler a Celery pool process hosts: the runs it claimed, trained together, each wired to Redis.

A task (workers/tasks.py) waits until this process has room, claims a run's attempt and hands it here, then
returns. The process trains every run it holds on one thread (workers/scheduler.py: short slices, runs of one
2-D structure batched). Each run keeps in Redis what a worker of one run kept: its events (EventWriter), its
lease as its heartbeat (Lease), its control list, which one thread reads for every run held here. A run whose
lease is gone is dropped silently (another attempt owns it now); a run that ends sends its last events, then
releases its lease and closes the run to further attempts. A paused run takes no room.

When the process shuts down (a warm shutdown of the worker), it releases the leases of the runs it still
holds, so the API's reaper queues each again as its next attempt within one sweep instead of a lease's life.
"""
from __future__ import annotations

import logging
import queue
import threading

import redis

from .config import WorkerSettings
from .device import resolve_device
from .engine.status import Status, is_terminal_event, status_event
from .redis_run import RETRY_SECONDS, EventWriter, Lease, message_of
from .scheduler import Scheduler
from .streams import control_key

log = logging.getLogger(__name__)
CONTROL_WAIT_SECONDS = 0.05  # an action reaches its run within this (plus a slice)


class HostedRun:
    """One run's Redis side: its events out and its lease."""

    def __init__(self, client: redis.Redis, run_id: str, attempt: int, token: str, last_seq: int,
                 lease_seconds: float, on_lost):
        self.run_id = run_id
        self.lease = Lease(client, run_id, token, lease_seconds, on_lost=lambda: on_lost(run_id))
        self.writer = EventWriter(client, run_id, last_seq, {"attempt": attempt}, token)

    def finish(self) -> None:
        """The run ended: its events out, then its lease released and the run closed to new attempts."""
        self.writer.close()
        self.lease.finish()

    def drop(self, timeout: float | None = None) -> None:
        """The run is no longer ours to train: send what is pending, and let the lease go."""
        self.writer.close(timeout)
        self.lease.release()


class Host:
    def __init__(self, settings: WorkerSettings):
        import torch

        torch.set_num_threads(1)  # one pool process per core: tiny networks only lose time to thread hand-offs
        try:
            device, self.unusable = resolve_device(settings.device), None
        except RuntimeError as error:  # PLAYGROUND_DEVICE=cuda where there is none: each run fails, saying so
            device, self.unusable = "cpu", str(error)
        self.client = redis.Redis.from_url(settings.redis_url, socket_connect_timeout=5)
        self.settings = settings
        self.limit = settings.active_runs_per_process
        self.scheduler = Scheduler(self._emit, device, self.limit, settings.slice, settings.batch_runs)
        self.runs: dict[str, HostedRun] = {}  # every run held here, by id
        self.paused: set[str] = set()  # of those, the ones paused: they take no room
        self.room = threading.Condition()
        self.inbox: queue.SimpleQueue = queue.SimpleQueue()  # to the training thread: what to do between slices
        self.closing = threading.Event()
        self.trainer = threading.Thread(target=self._train, name="scheduler", daemon=True)
        self.listener = threading.Thread(target=self._listen, name="control", daemon=True)
        self.trainer.start()
        self.listener.start()

    # -- called by the task --------------------------------------------------------------------------

    def wait_for_room(self) -> None:
        with self.room:
            self.room.wait_for(lambda: len(self.runs) - len(self.paused) < self.limit)

    def host(self, run_id: str, spec_json: str, attempt: int, token: str, last_seq: int) -> None:
        hosted = HostedRun(self.client, run_id, attempt, token, last_seq, self.settings.lease_seconds,
                           self._lost)
        if self.unusable:
            hosted.writer.emit(status_event(Status.FAILED, self.unusable))
            hosted.finish()
            return
        with self.room:
            self.runs[run_id] = hosted
        self.inbox.put(("submit", run_id, spec_json))

    def shutdown(self, timeout: float = 3.0) -> None:
        """Stop training, and hand back every run still held (see the module's docstring)."""
        self.closing.set()
        self.inbox.put(("close",))
        self.trainer.join(timeout)
        with self.room:
            held = list(self.runs.values())
            self.runs.clear()
        for hosted in held:
            hosted.drop(timeout / max(len(held), 1))
        if held:
            log.warning("shutting down: handed back %d runs for their next attempts", len(held))

    # -- the training thread -------------------------------------------------------------------------

    def _train(self) -> None:
        while True:
            # Between slices, take every message that came; with nothing to train, sleep until one does.
            while not self.scheduler.busy or not self.inbox.empty():
                message = self.inbox.get()
                if message[0] == "submit":
                    self.scheduler.submit(*message[1:])
                elif message[0] == "control":
                    self.scheduler.control(*message[1:])
                elif message[0] == "lost":
                    self.scheduler.forget(message[1])
                    self._release(message[1], lambda hosted: hosted.drop())
                else:
                    return
            self.scheduler.tick()

    def _emit(self, run_id: str, event: dict) -> None:
        hosted = self.runs.get(run_id)
        if hosted is None:
            return  # dropped: another attempt owns the run
        hosted.writer.emit(event)
        if event["type"] == "status":
            with self.room:
                (self.paused.add if event["data"]["status"] == Status.PAUSED else self.paused.discard)(run_id)
                self.room.notify_all()
        if is_terminal_event(event):
            self._release(run_id, HostedRun.finish)

    def _release(self, run_id: str, how) -> None:
        """Forget `run_id` here and finish its Redis side with `how`, off the training thread (it waits on
        Redis)."""
        with self.room:
            hosted = self.runs.pop(run_id, None)
            self.paused.discard(run_id)
            self.room.notify_all()
        if hosted is not None:
            threading.Thread(target=how, args=(hosted,), name=f"release-{run_id}", daemon=True).start()

    def _lost(self, run_id: str) -> None:
        log.warning("run %s lost its lease; another attempt owns it now", run_id)
        self.inbox.put(("lost", run_id))

    # -- the control thread --------------------------------------------------------------------------

    def _listen(self) -> None:
        """Every action sent to a run held here, to the training thread (BLPOP over all their lists)."""
        while not self.closing.is_set():
            keys = {control_key(run_id): run_id for run_id in list(self.runs)}
            if not keys:
                self.closing.wait(CONTROL_WAIT_SECONDS)
                continue
            try:
                popped = self.client.blpop(list(keys), timeout=CONTROL_WAIT_SECONDS)
            except redis.ConnectionError:
                self.closing.wait(RETRY_SECONDS)  # the actions wait in Redis
                continue
            if popped:
                key, raw = popped
                self.inbox.put(("control", keys[key.decode()], message_of(raw)))
