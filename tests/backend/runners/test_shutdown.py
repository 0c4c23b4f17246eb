"""`playground serve` shuts down in order when its whole process group is sent SIGTERM (docker stop, a
service manager, Ctrl-C's SIGINT at a terminal): its training processes ignore the signal and are closed
by the server, so none is started in place of one the signal killed, and none outlives it."""
from __future__ import annotations

import os
import signal
import subprocess

from tests.support import Api, Server, wait_until

LONG_RUN = {"data": {"dataset": "xor", "n_samples": 200}, "train": {"epochs": 100_000}}


def group_members(pgid: int) -> set[int]:
    listed = subprocess.run(["ps", "-o", "pid=", "-g", str(pgid)], capture_output=True, text=True).stdout
    return {int(pid) for pid in listed.split()}


def test_a_sigterm_to_the_group_closes_the_training_processes_and_starts_none(tmp_path):
    server = Server(tmp_path / "data").start()
    api = Api(server)
    run = api.submit(LONG_RUN)
    with api.stream(run["id"]) as ws:
        api.events_until(ws, lambda e: e["type"] == "metrics")  # training under way in a scheduler process
    members = group_members(server.process.pid)
    assert len(members) >= 3  # the server, the forkserver, a scheduler process at least

    os.killpg(server.process.pid, signal.SIGTERM)
    assert server.process.wait(60) == -signal.SIGTERM  # uvicorn's graceful exit, then the signal's own
    wait_until(lambda: not group_members(server.process.pid), timeout=30, what="every process of the group gone")
    log = server.log.read_text()
    assert "Traceback" not in log, log  # no scheduler started in place of a killed one, then failing
