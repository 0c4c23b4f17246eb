"""The Redis scripts that runs share (workers/streams.py), against a real Redis."""
from __future__ import annotations

import json

import pytest
import redis

from tests.integration.cluster import REDIS_URL, require_services
from workers.streams import (CANCEL_QUEUED, CLAIM, PUBLISH, REAP, attempt_key, claimed_key, lease_key, publish_args,
                             seq_key, stream_key)

RUN = "r1"


@pytest.fixture
def client():
    require_services()
    connection = redis.Redis.from_url(REDIS_URL)
    connection.flushdb()
    yield connection
    connection.flushdb()


def publish(client, number=0, floor=0, writer="w"):
    event = json.dumps({"type": "metrics", "step": 1, "epoch": 1.0, "time": 0.1, "data": {}})
    keys, argv = publish_args(RUN, event, "metrics", floor, False, writer, number)
    return int(client.register_script(PUBLISH)(keys=keys, args=argv))


def test_a_retried_publish_appends_once(client):
    assert publish(client, number=1) == 1
    assert publish(client, number=1) == 1  # the reply was lost and the writer tried again
    assert publish(client, number=2) == 2
    entries = client.xrange(stream_key(RUN))
    assert [e[0] for e in entries] == [b"1-0", b"2-0"]
    assert json.loads(entries[0][1][b"event"])["seq"] == 1  # the message carries its seq


def test_numbering_never_goes_below_the_writers_floor(client):
    assert publish(client, number=1) == 1
    client.delete(seq_key(RUN), stream_key(RUN))  # a Redis that lost its data
    assert publish(client, number=2, floor=41) == 42


def test_an_attempt_is_claimed_once_and_only_while_current(client):
    claim = client.register_script(CLAIM)
    client.set(attempt_key(RUN), 1)

    def ask(attempt, token):
        return claim(keys=[attempt_key(RUN), lease_key(RUN), claimed_key(RUN, attempt)],
                     args=[attempt, token, 10_000]).decode()
    assert ask(2, "a") == "stale"
    assert ask(1, "a") == "ok"
    assert ask(1, "b") == "busy"  # a second delivery while the first is alive
    client.delete(lease_key(RUN))
    assert ask(1, "b") == "dead"  # a redelivery after the first died: the reaper's to requeue


def test_the_reaper_requeues_a_silent_attempt_then_gives_up(client):
    reap = client.register_script(REAP)

    def sweep():
        return int(reap(keys=[attempt_key(RUN), lease_key(RUN)], args=[RUN, 2]))
    client.set(attempt_key(RUN), 1)
    assert sweep() == 0  # queued, never claimed: not lost
    client.set(claimed_key(RUN, 1), "a")
    client.set(lease_key(RUN), "a")
    assert sweep() == 0  # alive
    client.delete(lease_key(RUN))
    assert sweep() == 2 and int(client.get(attempt_key(RUN))) == 2
    client.set(claimed_key(RUN, 2), "b")
    assert sweep() == -2 and int(client.get(attempt_key(RUN))) == 0  # out of attempts: fail it


def test_stop_cancels_a_run_no_worker_has_claimed(client):
    cancel = client.register_script(CANCEL_QUEUED)
    client.set(attempt_key(RUN), 1)
    client.set(claimed_key(RUN, 1), "a")
    assert cancel(keys=[attempt_key(RUN)], args=[RUN]).decode() == "started"
    client.delete(claimed_key(RUN, 1))
    assert cancel(keys=[attempt_key(RUN)], args=[RUN]).decode() == "cancelled"
    assert int(client.get(attempt_key(RUN))) == 0
    assert cancel(keys=[attempt_key(RUN)], args=[RUN]).decode() == "ended"
