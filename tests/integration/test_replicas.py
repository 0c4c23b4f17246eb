"""Two API replicas behind one Redis and one PostgreSQL, one worker: either replica serves every run whole."""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

from tests.integration.cluster import Worker
from tests.support import Api, Server, wait_until

RUN = {"data": {"dataset": "xor", "n_samples": 100}, "model": {"layers": [{"units": 4}]},
       "train": {"epochs": 30}, "stream": {"max_fps": 20}}


def test_a_viewer_on_either_replica_sees_the_whole_stream_and_its_end(services, tmp_path):
    """A run submitted to each replica, each watched from both: the same gapless stream to the terminal status
    (which each replica sends once it is stored, whichever replica's recorder stored it), and the same stored
    result from both. The two recorders share the events (one consumer group), so each stores only part."""
    worker = Worker(tmp_path / "worker.log", {**os.environ, **services})
    replicas = [Server(tmp_path / f"api{i}", **services).start() for i in range(2)]
    try:
        apis = [Api(server) for server in replicas]
        runs = [apis[0].submit({**RUN, "data": {**RUN["data"], "seed": 1}}),
                apis[1].submit({**RUN, "data": {**RUN["data"], "seed": 2}})]
        watches = [(api, run["id"]) for run in runs for api in apis]
        with ThreadPoolExecutor(len(watches)) as pool:
            streams = list(pool.map(lambda watch: watch[0].all_events(watch[1], timeout=300), watches))
        for i, run in enumerate(runs):
            on_first, on_second = streams[2 * i], streams[2 * i + 1]
            assert on_first == on_second
            assert [e["seq"] for e in on_first] == list(range(1, len(on_first) + 1))
            statuses = [e["data"]["status"] for e in on_first if e["type"] == "status"]
            assert statuses == ["queued", "running", "succeeded"]
            assert [e["epoch"] for e in on_first if e["type"] == "metrics"] == [float(e) for e in range(1, 31)]
            for api in apis:
                stored = wait_until(lambda api=api, run=run: _succeeded(api, run["id"]), what="the stored result")
                assert stored["summary"] == on_first[-1]["data"]["summary"]
                assert api.http.get(f"/runs/{run['id']}/metrics").json()["epoch"] == [float(e) for e in range(1, 31)]
    finally:
        for server in replicas:
            server.stop()
        worker.kill()


def _succeeded(api: Api, run_id: str) -> dict | None:
    run = api.run(run_id)
    return run if run["status"] == "succeeded" else None
