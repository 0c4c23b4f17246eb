"""The distributed mode for the benchmarks (faults.py, distributed.py): Redis, PostgreSQL in a schema of the
benchmark's own reached through a TCP proxy it can cut, real `playground worker` processes and API replicas.

Built from the integration tests' pieces (tests/integration/cluster.py, proxy.py), so both start the services the
same way. The schema keeps the benchmark clear of the integration tests, which drop the `public` schema of the
same database when they start.
"""
from __future__ import annotations

import os
import signal
from contextlib import ExitStack
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.integration.cluster import DATABASE_URL, PrivateRedis, Worker, require_services
from tests.integration.proxy import CuttableProxy
from tests.support import ROOT, Server


def reset_schema(url: str, schema: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f"drop schema if exists {schema} cascade"))
        connection.execute(text(f"create schema {schema}"))
    engine.dispose()


class Cluster:
    """`replicas` API servers and `workers` single-process workers sharing one Redis and one PostgreSQL schema.

    redis_url None: a private redis-server (append-only, fsync always, so a SIGKILL keeps its data) that
    kill_redis() may kill and restart, with or without its data. Every connection to PostgreSQL goes through
    `self.db_proxy`, which `cut()` drops and `restore()` lets through again. `root`: the checkout whose API and
    workers run (another one's, a `git worktree` of the code before a change, to compare in one session)."""

    def __init__(self, directory: Path, schema: str, workers: int = 2, replicas: int = 2,
                 redis_url: str | None = None, root: Path = ROOT, **env: str):
        require_services()
        self.directory, self.schema = directory, schema
        self.store = None if redis_url else PrivateRedis(directory / "redis").start()
        self.redis_url = redis_url or self.store.url
        where = make_url(DATABASE_URL)
        self.db_proxy = CuttableProxy(where.port or 5432, where.host or "127.0.0.1")
        reset_schema(DATABASE_URL, schema)
        proxied = where.set(host="127.0.0.1", port=self.db_proxy.port, query={"options": f"-csearch_path={schema}"})
        self.env = {"PYTHONPATH": str(root), "PLAYGROUND_REDIS_URL": self.redis_url,
                    "PLAYGROUND_DATABASE_URL": proxied.render_as_string(hide_password=False), **env}
        self.replicas = [Server(directory / f"api{i}", root, **self.env).start() for i in range(replicas)]
        self.workers = [Worker(directory / f"worker{i}.log", {**os.environ, **self.env}, root=root)
                        for i in range(workers)]

    def kill_redis(self, keep_data: bool) -> None:
        """SIGKILL the private Redis; without keep_data its append-only files go too, so it restarts empty."""
        self.store.process.kill()
        self.store.process.wait(20)
        if not keep_data:
            for path in self.store.directory.glob("appendonly*"):
                for part in (path.iterdir() if path.is_dir() else ()):
                    part.unlink()
            (self.store.directory / "dump.rdb").unlink(missing_ok=True)

    def worker_of(self, pid: int) -> Worker:
        """The worker whose process group holds pid (a pool process named by a lease)."""
        return next(w for w in self.workers if os.getpgid(pid) == w.pid)

    def close(self) -> None:
        """Everything stopped even when one part will not stop in time (a replica still draining hundreds of
        sockets): a worker left behind would train on, loading the machine for whatever runs next."""
        with ExitStack() as stack:
            stack.callback(reset_schema, DATABASE_URL, self.schema)
            stack.callback(self.db_proxy.close)
            if self.store:
                stack.callback(self.store.stop)
            for worker in self.workers:
                stack.callback(worker.kill)  # SIGKILL, after the SIGTERM: a no-op once it has exited
                stack.callback(worker.kill, signal.SIGTERM)
            for server in self.replicas:
                stack.callback(server.stop, signal.SIGKILL)  # runs after the SIGTERM: a no-op once it has exited
                stack.callback(server.stop)

    def __enter__(self) -> "Cluster":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
