"""API + two real `playground worker` processes + Redis + PostgreSQL."""
from __future__ import annotations

import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor

from tests.integration.cluster import SNAPSHOT_METRICS, Worker, lease_holder_pid
from tests.support import is_terminal, status_is, wait_until

SMALL = {"data": {"dataset": "xor", "n_samples": 100}, "model": {"layers": [{"units": 4}]},
         "train": {"epochs": 20}, "stream": {"max_fps": 20}}
LONG = {"data": {"dataset": "circle", "n_samples": 100}, "model": {"layers": [{"units": 4}]},
        "train": {"epochs": 100000}, "stream": {"max_fps": 5}}


def statuses(events):
    return [e["data"]["status"] for e in events if e["type"] == "status"]


def test_health_reports_celery_and_postgresql(cluster):
    health = cluster["api"].http.get("/health").json()
    assert health["runner"] == "celery" and health["database"] == "postgresql"


def test_ten_concurrent_runs_all_succeed_with_gapless_streams(cluster):
    api = cluster["api"]
    runs = [api.submit({**SMALL, "data": {**SMALL["data"], "seed": i}}) for i in range(10)]
    with ThreadPoolExecutor(10) as pool:
        streams = list(pool.map(lambda run: api.all_events(run["id"], timeout=300), runs))
    for run, events in zip(runs, streams):
        assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
        assert statuses(events) == ["queued", "running", "succeeded"]
        assert sum(e["type"] == "metrics" for e in events) == 20
        stored = api.run(run["id"])
        assert stored["status"] == "succeeded" and stored["device"] == "cpu" and stored["attempt"] == 1
        assert len(api.http.get(f"/runs/{run['id']}/metrics").json()["epoch"]) == 20


def test_a_cnn_run_goes_through_the_gpu_queue_and_keeps_every_probes_maps(cluster):
    """The workers here take both queues; a conv network is sent to `gpu`, and its visuals come back
    through Redis: the recorder keeps the latest feature_maps of every probe, not only the last one sent."""
    api = cluster["api"]
    run = api.submit({"data": {"dataset": "shapes", "n_samples": 60},
                      "model": {"layers": [{"type": "conv2d", "filters": 2}, {"type": "global_avgpool"}]},
                      "train": {"epochs": 2}, "stream": {"max_fps": 30}})
    events = api.all_events(run["id"], timeout=120)
    assert statuses(events) == ["queued", "running", "succeeded"]
    live = {e["data"]["probe"] for e in events if e["type"] == "feature_maps"}
    wait_until(lambda: api.run(run["id"])["status"] == "succeeded", what="the run to be stored")
    stored = api.http.get(f"/runs/{run['id']}/events").json()
    assert sorted(e["data"]["probe"] for e in stored if e["type"] == "feature_maps") == sorted(live)
    assert [e["type"] for e in stored].count("filters") == 1


def test_a_snapshot_read_from_postgresql_is_the_thinned_curve_and_the_latest_frame_of_each_probe(cluster):
    """What the page is sent when it opens a finished run, in distributed mode: every status, the metrics at
    most SNAPSHOT_METRICS + 1 evenly spaced with the first and the last epoch, one frame per visual slot
    (feature_maps: one per probe), in seq order, and the socket closed after the end."""
    api = cluster["api"]
    run = api.submit({"data": {"dataset": "shapes", "n_samples": 60},
                      "model": {"layers": [{"type": "conv2d", "filters": 2}, {"type": "global_avgpool"}]},
                      "train": {"epochs": 12}, "stream": {"max_fps": 30}})
    api.all_events(run["id"], timeout=120)
    with api.stream_snapshot(run["id"]) as ws:
        snapshot = api.events_until(ws, is_terminal)
    every_epoch = api.http.get(f"/runs/{run['id']}/metrics").json()["epoch"]
    stride = -(-len(every_epoch) // SNAPSHOT_METRICS)
    assert stride > 1
    kept = every_epoch[::stride] + ([] if (len(every_epoch) - 1) % stride == 0 else every_epoch[-1:])
    assert [e["epoch"] for e in snapshot if e["type"] == "metrics"] == kept
    assert statuses(snapshot) == ["queued", "running", "succeeded"]
    probes = [e["data"]["probe"] for e in snapshot if e["type"] == "feature_maps"]
    assert len(probes) == len(set(probes)) > 1 and [e["type"] for e in snapshot].count("filters") == 1
    assert [e["seq"] for e in snapshot] == sorted({e["seq"] for e in snapshot})


def test_pause_step_resume_reach_the_worker(cluster):
    api = cluster["api"]
    run = api.submit(LONG)
    with api.stream(run["id"]) as ws:
        api.events_until(ws, lambda e: e["type"] == "metrics")
        paused = api.pause(run["id"], ws)
        assert api.control(run["id"], "step").status_code == 202
        stepped = api.events_until(ws, lambda e: e["type"] == "metrics")[-1]
        assert stepped["epoch"].is_integer() and stepped["epoch"] > paused["epoch"]
        api.events_until(ws, status_is("paused"))
        assert api.control(run["id"], "resume").status_code == 202
        api.events_until(ws, status_is("running"))
        assert api.control(run["id"], "stop").status_code == 202
        end = api.events_until(ws, status_is("cancelled", "failed", "succeeded"))[-1]
    assert end["data"]["status"] == "cancelled"


def test_a_live_set_reaches_the_worker(cluster):
    api = cluster["api"]
    run = api.submit(LONG)
    with api.stream(run["id"]) as ws:
        api.events_until(ws, lambda e: e["type"] == "metrics")
        api.pause(run["id"], ws)
        assert api.set(run["id"], {"train.optimizer.lr": 0.05}).status_code == 202
        assert api.control(run["id"], "resume").status_code == 202
        assert api.events_until(ws, lambda e: e["type"] == "metrics")[-1]["data"]["lr"] == 0.05
        assert api.control(run["id"], "stop").status_code == 202
        api.events_until(ws, status_is("cancelled", "failed", "succeeded"))


def test_cancel_a_queued_and_a_running_run(cluster):
    api, client = cluster["api"], cluster["redis"]
    busy = [api.submit(LONG) for _ in range(2)]  # both single-slot workers taken
    for run in busy:
        wait_until(lambda run=run: lease_holder_pid(client, run["id"]), timeout=60, what="a worker to take the run")
    waiting = api.submit(LONG)
    assert api.run(waiting["id"])["status"] == "queued"
    assert api.control(waiting["id"], "stop").status_code == 202
    events = api.all_events(waiting["id"])
    assert statuses(events) == ["queued", "cancelled"] and events[-1]["data"]["message"] == "stopped before it started"
    for run in busy:
        assert api.control(run["id"], "stop").status_code == 202
        assert api.all_events(run["id"])[-1]["data"]["status"] == "cancelled"
    # The cancelled run's task, when a worker reaches it, must not train it.
    assert api.run(waiting["id"])["status"] == "cancelled" and api.run(waiting["id"])["started_at"] is None


def _kill_mid_run(cluster, whole_worker: bool):
    api, client = cluster["api"], cluster["redis"]
    run = api.submit({**LONG, "train": {"epochs": 60}})
    with api.stream(run["id"]) as ws:
        api.events_until(ws, lambda e: e["type"] == "metrics" and e["epoch"] >= 3)
        pid = lease_holder_pid(client, run["id"])
        victim = next(w for w in cluster["workers"] if _is_in_group(pid, w.pid))
        killed_at = time.monotonic()
        if whole_worker:
            victim.kill(signal.SIGKILL)
        else:
            os.kill(pid, signal.SIGKILL)  # the pool child only; its worker lives on
        requeued = api.events_until(ws, status_is("queued"), timeout=30)[-1]
        recovered_after = time.monotonic() - killed_at
        assert requeued["data"]["attempt"] == 2 and "went silent" in requeued["data"]["message"]
        rest = api.events_until(ws, status_is("succeeded", "failed", "cancelled"), timeout=300)
    assert statuses(rest) == ["running", "succeeded"] and rest[0]["data"]["attempt"] == 2
    assert [m["epoch"] for m in rest if m["type"] == "metrics"][0] == 1.0  # attempt 2 starts over, cleanly
    stored = api.run(run["id"])
    assert stored["status"] == "succeeded" and stored["attempt"] == 2
    assert api.http.get(f"/runs/{run['id']}/metrics").json()["epoch"] == [float(e) for e in range(1, 61)]
    if whole_worker:  # give the cluster its second worker back for the tests after this one
        cluster["workers"][cluster["workers"].index(victim)] = Worker(victim.log, cluster["env"])
    return recovered_after


def _is_in_group(pid: int, group: int) -> bool:
    return os.getpgid(pid) == group


def test_a_killed_pool_child_is_requeued_as_the_next_attempt(cluster):
    assert _kill_mid_run(cluster, whole_worker=False) < 30


def test_a_killed_worker_is_requeued_and_the_other_worker_finishes_the_run(cluster):
    assert _kill_mid_run(cluster, whole_worker=True) < 30
