"""A Celery worker's process hosts a scheduler: it trains many runs at once, a paused run takes no room, a
worker stopped with SIGTERM hands its runs back at once, and one killed has every run of its batch requeued
(workers/celery_host.py)."""
from __future__ import annotations

import os
import signal

import pytest
import redis

from tests.integration.cluster import Worker, lease_holder_pid
from tests.support import Api, Server, status_is, wait_until

LONG = {"data": {"dataset": "circle", "n_samples": 100}, "model": {"layers": [{"units": 4}]},
        "train": {"epochs": 100000}, "stream": {"max_fps": 5}}
# The lease outlives these tests' waits: a run queued again before it expires was handed back, not reaped.
SLOW_LEASE = {"PLAYGROUND_LEASE_SECONDS": "120", "PLAYGROUND_REAP_SECONDS": "0.5"}


@pytest.fixture
def hosting(services, tmp_path):
    env = {**os.environ, **services, **SLOW_LEASE, "PLAYGROUND_ACTIVE_RUNS_PER_PROCESS": "2"}
    workers = [Worker(tmp_path / "worker0.log", env)]
    server = Server(tmp_path / "api", **{**services, **SLOW_LEASE}).start()
    yield {"api": Api(server), "workers": workers, "env": env, "dir": tmp_path}
    server.stop()
    for worker in workers:
        worker.kill()


def _running(api: Api, run_id: str) -> None:
    wait_until(lambda: api.run(run_id)["status"] == "running", timeout=60, what=f"run {run_id} to run")


def test_one_process_trains_runs_side_by_side_and_a_paused_run_takes_no_room(hosting, services):
    api = hosting["api"]
    client = redis.Redis.from_url(services["PLAYGROUND_REDIS_URL"])
    first, second = api.submit(LONG), api.submit(LONG)
    for run in (first, second):
        _running(api, run["id"])
    holders = {lease_holder_pid(client, run["id"]) for run in (first, second)}
    assert len(holders) == 1 and None not in holders  # one pool process trains both at once
    with api.stream(first["id"]) as a, api.stream(second["id"]) as b:
        api.pause(first["id"], a)
        api.pause(second["id"], b)
    third = api.submit(LONG)  # the process's room is 2: it has it, as both its runs are paused
    _running(api, third["id"])
    assert lease_holder_pid(client, third["id"]) in holders
    with api.stream(third["id"]) as ws:
        api.events_until(ws, lambda e: e["type"] == "metrics")  # it trains, while the paused ones wait
    for run in (first, second, third):
        assert api.control(run["id"], "stop").status_code == 202
        assert api.all_events(run["id"])[-1]["data"]["status"] == "cancelled"


def test_a_worker_stopped_with_sigterm_hands_its_runs_back(hosting):
    api, workers = hosting["api"], hosting["workers"]
    # The run outlasts the warm shutdown however slow the machine: a short one could end before it is handed back.
    run = api.submit(LONG)
    with api.stream(run["id"]) as ws:
        api.events_until(ws, lambda e: e["type"] == "metrics")
        workers.append(Worker(hosting["dir"] / "worker1.log", hosting["env"]))
        os.kill(workers[0].pid, signal.SIGTERM)  # a warm shutdown, as `docker stop` or systemd asks for
        workers[0].process.wait(30)
        requeued = api.events_until(ws, status_is("queued"), timeout=60)[-1]
        assert requeued["data"]["attempt"] == 2  # long before the lease (120 s) could have expired
        resumed = api.events_until(ws, lambda e: e["type"] == "metrics", timeout=120)  # the second worker trains it
        assert api.control(run["id"], "stop").status_code == 202
        rest = api.events_until(ws, status_is("succeeded", "failed", "cancelled"), timeout=60)
    assert [e["data"]["status"] for e in resumed + rest if e["type"] == "status"] == ["running", "cancelled"]
    assert api.run(run["id"])["attempt"] == 2


def test_a_killed_workers_batched_runs_all_requeue_and_none_is_trained_twice(services, tmp_path):
    """Three runs of one structure, trained as one batch by one pool process; its worker SIGKILLed, each is
    queued again (its lease went silent) and trained by the other worker from its first epoch, by one
    trainer: attempt 2's epochs count 1, 2, 3... with no event of attempt 1 among them."""
    env = {**os.environ, **services, "PLAYGROUND_ACTIVE_RUNS_PER_PROCESS": "3"}
    victim, survivor = Worker(tmp_path / "victim.log", env), None
    server = Server(tmp_path / "api", **services).start()
    try:
        api, client = Api(server), redis.Redis.from_url(services["PLAYGROUND_REDIS_URL"])
        runs = [api.submit({**LONG, "train": {**LONG["train"], "optimizer": {"name": "sgd", "lr": lr}}})
                for lr in (0.01, 0.03, 0.1)]
        seen = {}  # each run's last event before the kill
        for run in runs:
            _running(api, run["id"])
            with api.stream(run["id"]) as ws:
                seen[run["id"]] = api.events_until(ws, lambda e: e["type"] == "metrics")[-1]["seq"]
        holders = {lease_holder_pid(client, run["id"]) for run in runs}
        assert len(holders) == 1 and None not in holders  # one process trains the three (one structure: a batch)
        survivor = Worker(tmp_path / "survivor.log", env)
        victim.kill(signal.SIGKILL)
        for run in runs:
            with api.stream(run["id"], after=seen[run["id"]]) as ws:
                requeued = api.events_until(ws, status_is("queued"), timeout=60)[-1]
                assert requeued["data"]["attempt"] == 2 and "went silent" in requeued["data"]["message"]
                again = api.events_until(ws, lambda e: e["type"] == "metrics" and e["epoch"] >= 5, timeout=120)
            assert [e["data"]["status"] for e in again if e["type"] == "status"] == ["running"]
            assert again[0]["data"]["attempt"] == 2
            assert [e["epoch"] for e in again if e["type"] == "metrics"] == [1.0, 2.0, 3.0, 4.0, 5.0]
            assert os.getpgid(lease_holder_pid(client, run["id"])) == survivor.pid
        for run in runs:
            assert api.control(run["id"], "stop").status_code == 202
            assert api.all_events(run["id"], after=seen[run["id"]])[-1]["data"]["status"] == "cancelled"
    finally:
        server.stop()
        for worker in (victim, survivor):
            if worker is not None:
                worker.kill()
