"""What a Celery worker needs to train one run against Redis: events out, control in, a lease held.

EventWriter sends events from a thread of its own, in order, retrying while
Redis is away, so training never waits on Redis. Lease renews the worker's
claim as its heartbeat. RedisControl hears pause/resume/step/stop and live sets.
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
from .streams import FINISH, FINISHED_TTL_SECONDS, PUBLISH, RENEW, attempt_key, control_key, lease_key, publish_args

log = logging.getLogger(__name__)
RETRY_SECONDS = 0.5
CONTROL_POLL_SECONDS = 0.05  # the engine polls every step; Redis is asked at most this often


class LeaseLost(Exception):
    """Another attempt owns the run now: stop at once and report nothing more."""


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
    """Renews our claim every third of its life; notes when it is gone."""

    def __init__(self, client: redis.Redis, run_id: str, token: str, seconds: float):
        self.client, self.run_id, self.token = client, run_id, token
        self.ms = int(seconds * 1000)
        self.renew, self.finish_script = client.register_script(RENEW), client.register_script(FINISH)
        self.lost = threading.Event()
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._beat, name=f"lease-{run_id}", daemon=True)
        self.thread.start()

    def _beat(self) -> None:
        while not self.done.wait(self.ms / 3000):
            try:
                if not self.renew(keys=[lease_key(self.run_id)], args=[self.token, self.ms]):
                    self.lost.set()
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

    def stop(self) -> None:
        self.done.set()


class RedisControl:
    def __init__(self, client: redis.Redis, run_id: str, lease: Lease):
        self.client, self.key, self.lease = client, control_key(run_id), lease
        self.next_check = 0.0

    def poll(self) -> str | dict | None:
        if self.lease.lost.is_set():
            raise LeaseLost(self.key)
        now = time.monotonic()
        if now < self.next_check:
            return None
        self.next_check = now + CONTROL_POLL_SECONDS
        try:
            action = self.client.lpop(self.key)
        except redis.ConnectionError:
            return None  # keep training; the action waits in Redis
        return _message(action) if action else None

    def wait(self, timeout: float) -> str | dict | None:
        if self.lease.lost.is_set():
            raise LeaseLost(self.key)
        try:
            popped = self.client.blpop([self.key], timeout=max(timeout, 0.01))
        except redis.ConnectionError:
            time.sleep(RETRY_SECONDS)
            return None
        return _message(popped[1]) if popped else None


def _message(raw: bytes) -> str | dict:
    """An action's name, or a live set as JSON (workers.engine.control)."""
    text = raw.decode()
    return json.loads(text) if text.startswith("{") else text
