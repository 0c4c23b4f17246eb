"""Redis restarting mid-run, services away: 503s, no hang, no lost or repeated events."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading

from websockets.exceptions import ConnectionClosed

from tests.integration.cluster import DATABASE_URL, FAST_LEASES, PrivateRedis, Worker, reset_database
from tests.integration.proxy import CuttableProxy
from tests.support import ROOT, Api, Server, free_port, is_terminal, wait_until

RUN = {"data": {"dataset": "circle", "n_samples": 200}, "model": {"layers": [{"units": 8}]},
       "train": {"epochs": 400}, "stream": {"max_fps": 10}}


def test_redis_restart_mid_run_loses_and_repeats_nothing(services, tmp_path):
    store = PrivateRedis(tmp_path / "redis").start()
    env = {"PLAYGROUND_REDIS_URL": store.url, "PLAYGROUND_DATABASE_URL": DATABASE_URL, **FAST_LEASES}
    reset_database(DATABASE_URL)
    worker = Worker(tmp_path / "worker.log", {**os.environ, **env})
    server = Server(tmp_path / "api", **env).start()
    try:
        api = Api(server)
        run = api.submit(RUN)
        received: list[dict] = []
        reconnects = []

        def watch():
            """A viewer that reconnects from its last seq whenever its socket drops."""
            while not (received and is_terminal(received[-1])):
                try:
                    with api.stream(run["id"], after=received[-1]["seq"] if received else 0) as ws:
                        while True:
                            received.append(json.loads(ws.recv(timeout=120)))
                            if is_terminal(received[-1]):
                                return
                except (ConnectionClosed, OSError):
                    reconnects.append(len(received))

        viewer = threading.Thread(target=watch)
        viewer.start()
        wait_until(lambda: any(e["type"] == "metrics" and e["epoch"] >= 5 for e in received), timeout=120,
                   what="training under way")
        store.stop()
        down = api.http.post("/runs", json={"spec": RUN})
        assert down.status_code == 503 and "Redis" in down.json()["detail"]
        assert api.http.get(f"/runs/{run['id']}").status_code == 200  # what the database holds is still served
        store.start()
        viewer.join(300)
        assert not viewer.is_alive()
    finally:
        server.stop()
        worker.kill()
        store.stop()

    seqs = [e["seq"] for e in received]
    assert seqs == list(range(1, len(seqs) + 1)), "events lost or repeated"
    assert received[-1]["data"]["status"] == "succeeded"
    assert [e["epoch"] for e in received if e["type"] == "metrics"] == [float(i) for i in range(1, 401)]


def test_postgresql_away_gives_503_and_the_server_recovers_by_itself(services, tmp_path):
    """PostgreSQL behind a proxy the test cuts: 503s naming the database while it is away, nothing lost."""
    from sqlalchemy.engine import make_url

    url = make_url(DATABASE_URL)
    proxy = CuttableProxy(url.port or 5432, url.host or "127.0.0.1")
    reset_database(DATABASE_URL)
    server = Server(tmp_path / "api", PLAYGROUND_DATABASE_URL=url.set(port=proxy.port).render_as_string(False))
    try:
        api = Api(server.start())
        run = api.submit({**RUN, "train": {"epochs": 150}})
        with api.stream(run["id"]) as ws:
            api.events_until(ws, lambda e: e["type"] == "metrics" and e["epoch"] >= 3)
            proxy.cut()
            for response in (api.http.get(f"/runs/{run['id']}"), api.http.get("/runs"),
                             api.http.post("/runs", json={"spec": RUN})):
                assert response.status_code == 503 and "database" in response.json()["detail"]
            health = api.http.get("/health")
            assert health.status_code == 503 and health.json()["checks"]["database"] == "unreachable"
            assert "the database" in health.json()["detail"]
            api.events_until(ws, lambda e: e["type"] == "metrics" and e["epoch"] >= 20)  # the live stream goes on
            proxy.restore()
            end = api.events_until(ws, is_terminal)[-1]
        assert end["data"]["status"] == "succeeded"
        stored = wait_until(lambda: _ok(api.http.get(f"/runs/{run['id']}")), what="the database to answer again")
        assert stored["status"] == "succeeded"
        history = api.http.get(f"/runs/{run['id']}/metrics").json()
        assert history["epoch"] == [float(e) for e in range(1, 151)]  # written late, but all written
    finally:
        server.stop()
        proxy.close()


def _ok(response):
    return response.json() if response.status_code == 200 else None


def test_a_server_whose_database_is_unreachable_says_so_and_exits(tmp_path):
    url = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/nothing"
    result = subprocess.run([sys.executable, "-m", "backend.cli", "serve", "--port", str(free_port())],
                            cwd=ROOT, env={**os.environ, "PLAYGROUND_DATABASE_URL": url,
                                           "PLAYGROUND_DATA_DIR": str(tmp_path)},
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "cannot reach the database at postgresql+psycopg://postgres@127.0.0.1" in result.stderr
