"""Test helpers: a real `playground serve` process, and clients for its REST API and websocket."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from websockets.exceptions import ConnectionClosedOK
from websockets.sync.client import connect

from workers.engine.status import is_terminal_event

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(condition, timeout: float = 60.0, interval: float = 0.05, what: str = "condition"):
    """Poll `condition` until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


class Server:
    """`playground serve` on a free port, with its own data directory (so restarts keep its database)."""

    def __init__(self, data_dir: Path, root: Path = ROOT, log_level: str = "warning", **env: str):
        self.data_dir, self.root, self.port, self.log_level = data_dir, root, free_port(), log_level
        self.env = {**os.environ, "PLAYGROUND_DATA_DIR": str(data_dir), **env}
        self.process: subprocess.Popen | None = None
        self.log = data_dir / "server.log"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/api/v1"

    def start(self) -> "Server":
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "backend.cli", "serve", "--port", str(self.port), "--log-level", self.log_level],
            cwd=self.root, env=self.env, stdout=self.log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True)
        wait_until(self._healthy, timeout=60, what=f"the server on port {self.port} (log: {self.log})")
        return self

    def _healthy(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"the server exited with {self.process.returncode}: {self.log.read_text()}")
        try:
            return httpx.get(self.base_url + "/api/v1/health", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    def stop(self, sig: int = signal.SIGTERM) -> None:
        """Stop the server and every process it started (its training children included)."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            self.process.wait(30)


class Api:
    """A client of the REST API and the websocket; with a token, signed in as its holder."""

    def __init__(self, server: Server, token: str | None = None):
        self.server, self.token = server, token
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.http = httpx.Client(base_url=server.base_url + "/api/v1", timeout=30, headers=headers)

    def submit(self, spec: dict, **extra) -> dict:
        response = self.http.post("/runs", json={"spec": spec, **extra})
        assert response.status_code == 201, response.text
        return response.json()

    def run(self, run_id: str) -> dict:
        return self.http.get(f"/runs/{run_id}").json()

    def control(self, run_id: str, action: str) -> httpx.Response:
        return self.http.post(f"/runs/{run_id}/control", json={"action": action})

    def pause(self, run_id: str, ws) -> dict:
        """Pause a run whose stream `ws` is open; answer its paused event once the recorder has stored the
        status too (resume and step are checked against the stored status)."""
        assert self.control(run_id, "pause").status_code == 202
        paused = self.events_until(ws, status_is("paused"))[-1]
        wait_until(lambda: self.run(run_id)["status"] == "paused", what="paused to be stored")
        return paused

    def set(self, run_id: str, values: dict) -> httpx.Response:
        """A live change: {dotted spec path: new value}."""
        return self.http.post(f"/runs/{run_id}/control", json={"action": "set", "values": values})

    def stream(self, run_id: str, after: int = 0, timeout: float = 120, query: str = ""):
        """A websocket on the run's stream; read it with `events_until(ws, ...)`."""
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else None
        return connect(f"{self.server.ws_url}/runs/{run_id}/stream?after={after}{query}", open_timeout=timeout,
                       max_size=None, additional_headers=headers)

    def stream_snapshot(self, run_id: str, timeout: float = 120):
        """The run's stream as the page first opens it: the stored snapshot, then live (services/stream.py)."""
        return self.stream(run_id, 0, timeout, "&snapshot=true")

    def wall(self, class_id: str, timeout: float = 60):
        """A websocket on the class's live wall (its instructor's, or an admin's); one tile per message."""
        return connect(f"{self.server.ws_url}/classes/{class_id}/wall?token={self.token}", open_timeout=timeout,
                       max_size=None)

    def events_until(self, ws, stop, timeout: float = 120) -> list[dict]:
        """Read events until `stop(event)` is true (that event included)."""
        seen = []
        deadline = time.monotonic() + timeout
        while True:
            event = json.loads(ws.recv(timeout=max(deadline - time.monotonic(), 0.01)))
            seen.append(event)
            if stop(event):
                return seen

    def all_events(self, run_id: str, after: int = 0, timeout: float = 120) -> list[dict]:
        """The whole stream from `after` to the terminal status, which the server follows by closing."""
        with self.stream(run_id, after) as ws:
            events = self.events_until(ws, is_terminal, timeout)
            try:
                extra = ws.recv(timeout=10)
            except ConnectionClosedOK:
                return events
        raise AssertionError(f"the server sent more after the terminal status: {extra[:200]}")


is_terminal = is_terminal_event


def status_is(*statuses: str):
    return lambda event: event["type"] == "status" and event["data"]["status"] in statuses
