"""The embedded runner's pool of scheduler processes: paused runs hold no place, a dead process fails its runs."""
from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from tests.support import Api, Server, status_is, wait_until

LONG = {"data": {"dataset": "circle", "n_samples": 200}, "model": {"layers": [{"units": 4}]},
        "train": {"epochs": 100000}, "stream": {"max_fps": 5}}
SHORT = {"data": {"dataset": "circle", "n_samples": 40}, "model": {"layers": [{"units": 2}]}, "train": {"epochs": 3}}


@pytest.fixture(scope="module")
def two_places(tmp_path_factory):
    """A server that trains at most two runs at once, all in one scheduler process."""
    server = Server(tmp_path_factory.mktemp("two-places"), PLAYGROUND_MAX_CONCURRENT_RUNS="2",
                    PLAYGROUND_SCHEDULER_PROCESSES="1").start()
    yield Api(server)
    server.stop()


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def scheduler_processes(server: Server) -> list[int]:
    """The server's grandchildren: the processes its forkserver started."""
    return [pid for child in children(server.process.pid) for pid in children(child)]


def test_two_paused_runs_leave_room_for_a_third(two_places):
    api = two_places
    paused = [api.submit(LONG) for _ in range(2)]
    for run in paused:
        with api.stream(run["id"]) as ws:
            api.events_until(ws, status_is("running"))
            assert api.control(run["id"], "pause").status_code == 202
            api.events_until(ws, status_is("paused"))
    third = api.submit(LONG)
    with api.stream(third["id"]) as ws:
        api.events_until(ws, status_is("running"))
        api.events_until(ws, lambda e: e["type"] == "metrics")
    for run in (*paused, third):
        assert api.control(run["id"], "stop").status_code == 202
        api.all_events(run["id"])


def test_a_dead_scheduler_process_fails_every_run_it_hosted(two_places):
    api = two_places
    runs = [api.submit(LONG) for _ in range(2)]
    for run in runs:
        with api.stream(run["id"]) as ws:
            api.events_until(ws, lambda e: e["type"] == "metrics")
    (pid,) = scheduler_processes(api.server)
    os.kill(pid, signal.SIGKILL)
    for run in runs:
        end = api.all_events(run["id"])[-1]["data"]
        assert end["status"] == "failed" and "the training process died" in end["message"], end
    wait_until(lambda: all(api.run(r["id"])["status"] == "failed" for r in runs), what="failed to be stored")
    # Another process took its place: training goes on.
    assert api.all_events(api.submit(SHORT)["id"])[-1]["data"]["status"] == "succeeded"
