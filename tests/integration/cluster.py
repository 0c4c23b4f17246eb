"""The distributed mode's real processes for tests: Redis, `playground worker`s and the API."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import redis
from sqlalchemy import create_engine, text

from tests.support import ROOT, free_port, wait_until

REDIS_URL = os.environ.get("PLAYGROUND_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
DATABASE_URL = os.environ.get("PLAYGROUND_TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
FAST_LEASES = {"PLAYGROUND_LEASE_SECONDS": "3", "PLAYGROUND_REAP_SECONDS": "0.5"}
SNAPSHOT_METRICS = 8  # the cluster's API sends at most this many metrics events (and the last) in a snapshot


def require_services() -> None:
    """Fail, never skip, when a service is missing: a green run must mean these paths were tested."""
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except redis.RedisError as error:
        raise AssertionError(f"Redis at {REDIS_URL} is unreachable ({error}); start it or set "
                             "PLAYGROUND_TEST_REDIS_URL (make test starts the local one)") from error
    try:
        with create_engine(DATABASE_URL).connect() as connection:
            connection.execute(text("select 1"))
    except Exception as error:
        raise AssertionError(f"PostgreSQL at {DATABASE_URL} is unreachable ({error}); start it or set "
                             "PLAYGROUND_TEST_DATABASE_URL (make test starts the local one)") from error


def reset_database(url: str) -> None:
    """An empty schema: every table of earlier runs dropped (the server migrates at start)."""
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("drop schema public cascade"))
        connection.execute(text("create schema public"))
    engine.dispose()


class Worker:
    """`playground worker` in a process group of its own, so that it and its pool die together."""

    def __init__(self, log: Path, env: dict, queues: str = "cpu,gpu", concurrency: int = 1, root: Path = ROOT):
        self.log = log
        self.process = subprocess.Popen(
            [sys.executable, "-m", "backend.cli", "worker", "--queues", queues, "--concurrency", str(concurrency),
             "--log-level", "info"],
            cwd=root, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True)

    @property
    def pid(self) -> int:
        return self.process.pid

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            self.process.wait(30)


class PrivateRedis:
    """A redis-server of a test's own, with an append-only file, so the test may restart it."""

    def __init__(self, directory: Path):
        self.directory, self.port = directory, free_port()
        directory.mkdir(parents=True, exist_ok=True)
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "PrivateRedis":
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.directory),
             "--appendonly", "yes", "--appendfsync", "always", "--save", ""],
            stdout=(self.directory / "redis.log").open("ab"), stderr=subprocess.STDOUT)
        client = redis.Redis.from_url(self.url)
        wait_until(lambda: _pings(client), timeout=20, what="the private Redis")
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # a clean shutdown flushes the append-only file
            self.process.wait(20)


def _pings(client: redis.Redis) -> bool:
    try:
        return client.ping()
    except redis.ConnectionError:
        return False


def lease_holder_pid(client: redis.Redis, run_id: str) -> int | None:
    """The pid of the pool process training a run: the lease token is host:pid:nonce."""
    token = client.get(f"run:{run_id}:lease")
    return int(token.decode().split(":")[1]) if token else None
