"""What a Celery worker needs to train a run against Redis: its events out and its lease held.

EventWriter sends events from a thread of its own, in order, retrying while
Redis is away, so training never waits on Redis. Lease renews the worker's
claim as its heartbeat. (Control comes in through workers/celery_host.py.)
"""
from __future__ import annotations

import json
import logging
import queue
import threading
import time

import redis

from .engine.probes import slot
from .engine.status import is_terminal_event
from .streams import FINISH, FINISHED_TTL_SECONDS, PUBLISH, RELEASE, RENEW, attempt_key, lease_key, publish_args

log = logging.getLogger(__name__)
RETRY_SECONDS = 0.5

class EventWriter:
    def __init__(self, client: redis.Redis, run_id: str, last_seq: int, extra_status: dict, name: str):
        self.client, self.run_id, self.name = client, run_id, name  # name: unique to this writer
        self.floor = last_seq  # the highest seq we know of: numbering never goes below it
        self.extra_status = extra_status  # attempt and device, added to every status event
        self.publish = client.register_script(PUBLISH)
        self.pending: queue.Queue = queue.Queue()
        self.thread = threading.Thread(target=self._send_all, name=f"events-{run_id}", daemon=True)
        self.thread.start()

    def emit(self, event: dict) -> None:
        if event["type"] == "status":
            event = {**event, "data": {**event["data"], **self.extra_status}}
        self.pending.put(event)

    def close(self, timeout: float | None = None) -> None:
        """Send everything still pending, then stop."""
        self.pending.put(None)
        self.thread.join(timeout)

    def _send_all(self) -> None:
        number = 0
        while (event := self.pending.get()) is not None:
            number += 1
            terminal = is_terminal_event(event)
            keys, argv = publish_args(self.run_id, json.dumps(event, separators=(",", ":")),
                                      slot(event["type"], event["data"]), self.floor, terminal, self.name, number)
            while True:
                try:
                    self.floor = int(self.publish(keys=keys, args=argv))
                    break
                except redis.ConnectionError:
                    log.warning("Redis unreachable; holding events of run %s", self.run_id)
                    time.sleep(RETRY_SECONDS)


class Lease:
    """Renews our claim every third of its life; calls `on_lost` once when it is gone."""

    def __init__(self, client: redis.Redis, run_id: str, token: str, seconds: float, on_lost=lambda: None):
        self.client, self.run_id, self.token = client, run_id, token
        self.ms = int(seconds * 1000)
        self.renew, self.finish_script = client.register_script(RENEW), client.register_script(FINISH)
        self.release_script = client.register_script(RELEASE)
        self.on_lost = on_lost
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._beat, name=f"lease-{run_id}", daemon=True)
        self.thread.start()

    def _beat(self) -> None:
        while not self.done.wait(self.ms / 3000):
            try:
                if not self.renew(keys=[lease_key(self.run_id)], args=[self.token, self.ms]):
                    self.on_lost()
                    return
            except redis.ConnectionError:
                log.warning("Redis unreachable; lease of run %s not renewed", self.run_id)

    def finish(self) -> None:
        """The run ended: release the lease and close the run to further attempts."""
        self.done.set()
        self.thread.join()
        while True:
            try:
                self.finish_script(keys=[lease_key(self.run_id), attempt_key(self.run_id)],
                                   args=[self.token, FINISHED_TTL_SECONDS])
                return
            except redis.ConnectionError:
                time.sleep(RETRY_SECONDS)

    def release(self) -> None:
        """We stop training the run without ending it: let the lease go, so that the reaper queues the run
        again at once (as its next attempt) instead of after the lease's life."""
        self.done.set()
        try:
            self.release_script(keys=[lease_key(self.run_id)], args=[self.token])
        except redis.ConnectionError:
            log.warning("Redis unreachable; the lease of run %s expires by itself", self.run_id)


def message_of(raw: bytes) -> str | dict:
    """A control list's entry: an action's name, or a live set or a stop with its reason as JSON
    (workers.engine.control)."""
    text = raw.decode()
    return json.loads(text) if text.startswith("{") else text
