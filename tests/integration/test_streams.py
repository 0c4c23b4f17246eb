"""The Redis scripts that runs share (workers/streams.py), against a real Redis."""
from __future__ import annotations

import json


from workers.streams import (CANCEL_QUEUED, CLAIM, PUBLISH, REAP, attempt_key, claimed_key, lease_key, lost_key,
                             publish_args, seq_key, stream_key)

RUN = "r1"


def publish(redis_db, number=0, floor=0, writer="w"):
    event = json.dumps({"type": "metrics", "step": 1, "epoch": 1.0, "time": 0.1, "data": {}})
    keys, argv = publish_args(RUN, event, "metrics", floor, False, writer, number)
    return int(redis_db.register_script(PUBLISH)(keys=keys, args=argv))


def test_a_retried_publish_appends_once(redis_db):
    assert publish(redis_db, number=1) == 1
    assert publish(redis_db, number=1) == 1  # the reply was lost and the writer tried again
    assert publish(redis_db, number=2) == 2
    entries = redis_db.xrange(stream_key(RUN))
    assert [e[0] for e in entries] == [b"1-0", b"2-0"]
    assert json.loads(entries[0][1][b"event"])["seq"] == 1  # the message carries its seq


def test_numbering_never_goes_below_the_writers_floor(redis_db):
    assert publish(redis_db, number=1) == 1
    redis_db.delete(seq_key(RUN), stream_key(RUN))  # a Redis that lost its data
    assert publish(redis_db, number=2, floor=41) == 42


def test_an_attempt_is_claimed_once_and_only_while_current(redis_db):
    claim = redis_db.register_script(CLAIM)
    redis_db.set(attempt_key(RUN), 1)

    def ask(attempt, token):
        return claim(keys=[attempt_key(RUN), lease_key(RUN), claimed_key(RUN, attempt)],
                     args=[attempt, token, 10_000]).decode()
    assert ask(2, "a") == "stale"
    assert ask(1, "a") == "ok"
    assert ask(1, "b") == "busy"  # a second delivery while the first is alive
    redis_db.delete(lease_key(RUN))
    assert ask(1, "b") == "dead"  # a redelivery after the first died: the reaper's to requeue


def reaper(redis_db, max_attempts=2, lease_ms=3000):
    reap = redis_db.register_script(REAP)

    def sweep(db_attempt=1, started=False):
        verdict, why = reap(keys=[attempt_key(RUN), lease_key(RUN), lost_key(RUN)],
                            args=[RUN, max_attempts, db_attempt, int(started), lease_ms])
        return int(verdict), why.decode()
    return sweep


def test_the_reaper_requeues_a_silent_attempt_then_gives_up(redis_db):
    sweep = reaper(redis_db)
    redis_db.set(attempt_key(RUN), 1)
    assert sweep() == (0, "")  # queued, never claimed: not lost
    redis_db.set(claimed_key(RUN, 1), "a")
    redis_db.set(lease_key(RUN), "a")
    assert sweep() == (0, "")  # alive
    redis_db.delete(lease_key(RUN))
    assert sweep() == (2, "silent") and int(redis_db.get(attempt_key(RUN))) == 2
    redis_db.set(claimed_key(RUN, 2), "b")
    assert sweep() == (-2, "silent") and int(redis_db.get(attempt_key(RUN))) == 0  # out of attempts: fail it


def test_a_run_redis_lost_is_acted_on_once_it_has_been_unknown_for_a_lease(redis_db):
    """No attempt key (Redis lost its data): the first sweep marks the run, and one a lease's life later queues
    it again: a queued run as the same attempt, a started one as the next, or fails it at the last."""
    waiting = reaper(redis_db, lease_ms=3_600_000)
    assert waiting(started=True) == (0, "") and redis_db.exists(lost_key(RUN))
    assert waiting(started=True) == (0, "")  # not yet a lease's life: a worker may still be training it
    sweep = reaper(redis_db, lease_ms=0)
    assert sweep(started=True) == (2, "lost") and int(redis_db.get(attempt_key(RUN))) == 2
    assert not redis_db.exists(lost_key(RUN))
    assert sweep(started=True) == (0, "")  # known again: queued as attempt 2, not claimed yet

    redis_db.flushdb()
    assert sweep(db_attempt=1) == (0, "")
    assert sweep(db_attempt=1) == (1, "lost")  # queued: its task was lost with the queue; the same attempt

    redis_db.flushdb()
    sweep(db_attempt=2, started=True)
    assert sweep(db_attempt=2, started=True) == (-2, "lost") and int(redis_db.get(attempt_key(RUN))) == 0

    redis_db.flushdb()
    redis_db.set(lease_key(RUN), "a")  # a worker holds it (its attempt key evicted alone): leave it be
    assert sweep(started=True) == (0, "") and sweep(started=True) == (0, "")


def test_a_run_being_submitted_is_not_taken_for_lost(redis_db):
    """Between the database's insert and the attempt key, the run looks lost for a moment: the mark is dropped
    as soon as the key is there."""
    sweep = reaper(redis_db, lease_ms=0)
    assert sweep() == (0, "")
    redis_db.set(attempt_key(RUN), 1)
    assert sweep() == (0, "") and not redis_db.exists(lost_key(RUN))


def test_stop_cancels_a_run_no_worker_has_claimed(redis_db):
    cancel = redis_db.register_script(CANCEL_QUEUED)
    redis_db.set(attempt_key(RUN), 1)
    redis_db.set(claimed_key(RUN, 1), "a")
    assert cancel(keys=[attempt_key(RUN)], args=[RUN]).decode() == "started"
    redis_db.delete(claimed_key(RUN, 1))
    assert cancel(keys=[attempt_key(RUN)], args=[RUN]).decode() == "cancelled"
    assert int(redis_db.get(attempt_key(RUN))) == 0
    assert cancel(keys=[attempt_key(RUN)], args=[RUN]).decode() == "ended"
