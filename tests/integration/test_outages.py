"""Redis restarting mid-run, services away: 503s, no hang, no lost or repeated events."""
from __future__ import annotations

import json
import os
import threading

from websockets.exceptions import ConnectionClosed

from tests.integration.cluster import DATABASE_URL, FAST_LEASES, PrivateRedis, Worker, reset_database
from tests.support import Api, Server, is_terminal, wait_until

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


def test_database_away_gives_503_not_500(tmp_path):
    """A PostgreSQL URL nobody answers: requests get a 503 naming the database, and the server lives on."""
    from tests.support import free_port

    env = {"PLAYGROUND_DATABASE_URL": f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/nothing"}
    server = Server(tmp_path / "api", **env)
    server.data_dir.mkdir(parents=True)
    import subprocess, sys  # noqa: E401 - a server that cannot migrate must say why and exit, not hang
    from tests.support import ROOT

    result = subprocess.run([sys.executable, "-m", "backend.cli", "serve", "--port", str(server.port)],
                            cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "database" in (result.stdout + result.stderr).lower()
