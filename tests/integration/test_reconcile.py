"""Redis losing its data, Redis unreachable, a dead replica's unrecorded events: the database decides."""
from __future__ import annotations

import json
import os

import redis
from redis.connection import parse_url

from tests.integration.cluster import DATABASE_URL, FAST_LEASES, REDIS_URL, PrivateRedis, Worker, reset_database
from tests.integration.proxy import CuttableProxy
from tests.support import Api, Server, wait_until
from workers.engine.events import event
from workers.engine.status import TERMINAL, Status, status_event
from workers.streams import ALL_EVENTS, PUBLISH, RECORDER_GROUP, attempt_key, publish_args

FOREVER = {"data": {"dataset": "circle", "n_samples": 100}, "model": {"layers": [{"units": 4}]},
           "train": {"epochs": 100000}, "stream": {"max_fps": 5}}
SMALL = {"data": {"dataset": "xor", "n_samples": 100}, "model": {"layers": [{"units": 4}]},
         "train": {"epochs": 20}, "stream": {"max_fps": 20}}


def stored_statuses(api: Api, run_id: str) -> list[dict]:
    return [e["data"] for e in api.http.get(f"/runs/{run_id}/events").json() if e["type"] == "status"]


def test_redis_restarting_empty_strands_no_run(services, tmp_path):
    """A run training and a run queued behind it (one slot), then Redis loses everything (FLUSHALL, as a
    restart without an append-only file): the training one is queued again as attempt 2 and trains, the queued
    one is queued again and, once the slot is free, succeeds."""
    store = PrivateRedis(tmp_path / "redis").start()
    env = {"PLAYGROUND_REDIS_URL": store.url, "PLAYGROUND_DATABASE_URL": DATABASE_URL, **FAST_LEASES,
           "PLAYGROUND_ACTIVE_RUNS_PER_PROCESS": "1"}
    reset_database(DATABASE_URL)
    worker = Worker(tmp_path / "worker.log", {**os.environ, **env})
    server = Server(tmp_path / "api", **env).start()
    try:
        api = Api(server)
        training = api.submit(FOREVER)
        with api.stream(training["id"]) as ws:
            api.events_until(ws, lambda e: e["type"] == "metrics" and e["epoch"] >= 3)
        waiting = api.submit(SMALL)
        wait_until(lambda: api.run(training["id"])["status"] == "running", what="training to be stored")
        assert api.run(waiting["id"])["status"] == "queued"

        redis.Redis.from_url(store.url).flushall()

        requeued = wait_until(lambda: _running_again(api, training["id"]), timeout=120,
                              what="the training run to be queued again and train as attempt 2")
        assert requeued["attempt"] == 2
        assert api.control(training["id"], "stop").status_code == 202  # it would train for ever: free the slot
        wait_until(lambda: api.run(training["id"])["status"] in TERMINAL, timeout=60, what="the stop")
        done = wait_until(lambda: _ended(api, waiting["id"]), timeout=120, what="the queued run to end")
        assert done["status"] == "succeeded" and done["attempt"] == 1
        lost = [s for s in stored_statuses(api, training["id"]) if s["status"] == "queued" and s.get("attempt") == 2]
        assert lost and lost[0]["message"].startswith("Redis lost track of attempt 1")
        messages = [s.get("message", "") for s in stored_statuses(api, waiting["id"])]
        assert any("lost this run's place in the queue" in m for m in messages)
        assert len(api.http.get(f"/runs/{waiting['id']}/metrics").json()["epoch"]) == 20
    finally:
        server.stop()
        worker.kill()
        store.stop()


def _running_again(api: Api, run_id: str) -> dict | None:
    run = api.run(run_id)
    return run if run["status"] == "running" and run["attempt"] == 2 else None


def _ended(api: Api, run_id: str) -> dict | None:
    run = api.run(run_id)
    return run if run["status"] in TERMINAL else None


def test_health_answers_503_naming_redis_while_it_is_unreachable(services, tmp_path):
    """The shared Redis behind a proxy the test cuts (the Redis itself keeps serving the other tests)."""
    where = parse_url(REDIS_URL)
    proxy = CuttableProxy(where.get("port", 6379), where.get("host", "127.0.0.1"))
    url = f"redis://127.0.0.1:{proxy.port}/{where.get('db', 0)}"
    server = Server(tmp_path / "api", PLAYGROUND_REDIS_URL=url, PLAYGROUND_DATABASE_URL=DATABASE_URL)
    try:
        api = Api(server.start())
        ok = api.http.get("/health")
        assert ok.status_code == 200
        assert ok.json() == {"status": "ok", "runner": "celery", "database": "postgresql", "device": "cpu",
                             "checks": {"database": "ok", "redis": "ok"}}
        proxy.cut()
        down = api.http.get("/health")
        assert down.status_code == 503 and down.headers["Retry-After"]
        body = down.json()
        assert body["status"] == "unavailable" and body["checks"] == {"database": "ok", "redis": "unreachable"}
        assert "Redis" in body["detail"] and "database" not in body["detail"]
        proxy.restore()
        wait_until(lambda: api.http.get("/health").status_code == 200, what="/health to be ok again")
    finally:
        server.stop()
        proxy.close()


def test_the_events_a_dead_replica_read_and_never_stored_are_recorded(services, tmp_path):
    """A replica's recorder reads a run's events from the consumer group and dies before storing them; another
    replica (a new consumer) takes them over once they have been idle a while, and stores them."""
    env = {"PLAYGROUND_REDIS_URL": REDIS_URL, "PLAYGROUND_DATABASE_URL": DATABASE_URL,
           "PLAYGROUND_RECORDER_CLAIM_IDLE_SECONDS": "1"}
    client = redis.Redis.from_url(REDIS_URL)
    first = Server(tmp_path / "first", **env).start()
    try:
        api = Api(first)
        run_id = api.submit(SMALL)["id"]  # no worker here: it stays queued
        wait_until(lambda: stored_statuses(api, run_id), what="the queued event to be stored")
    finally:
        first.stop()
    publish = client.register_script(PUBLISH)
    for engine_event in (status_event(Status.RUNNING, attempt=1, device="cpu"),
                         event("metrics", 10, 1.0, 0.1, {"train_loss": 0.5, "test_loss": 0.6}),
                         status_event(Status.SUCCEEDED, step=10, epoch=1.0, attempt=1, summary={"test_loss": 0.6})):
        terminal = engine_event["data"].get("status") in TERMINAL
        keys, argv = publish_args(run_id, json.dumps(engine_event), engine_event["type"], 0, terminal)
        publish(keys=keys, args=argv)
    client.set(attempt_key(run_id), 0)  # as the worker does when its run ends
    read = client.xreadgroup(RECORDER_GROUP, "a-replica-that-died", {ALL_EVENTS: ">"}, count=100)
    assert len(read[0][1]) == 3 and len(_pending_of(client, "a-replica-that-died")) == 3

    second = Server(tmp_path / "second", **env).start()
    try:
        api = Api(second)
        done = wait_until(lambda: _ended(api, run_id), timeout=60, what="the dead replica's events to be stored")
        assert done["status"] == "succeeded" and done["summary"] == {"test_loss": 0.6}
        assert api.http.get(f"/runs/{run_id}/metrics").json()["train_loss"] == [0.5]
        wait_until(lambda: not _pending_of(client, "a-replica-that-died"), what="its entries acknowledged")
    finally:
        second.stop()


def _pending_of(client: redis.Redis, consumer: str) -> list:
    return client.xpending_range(ALL_EVENTS, RECORDER_GROUP, "-", "+", 100, consumername=consumer)
