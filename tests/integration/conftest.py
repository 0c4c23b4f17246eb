"""Fixtures for the distributed mode: real Redis, PostgreSQL, Celery workers and the API server."""
from __future__ import annotations

import os

import pytest
import redis

from tests.integration.cluster import (DATABASE_URL, FAST_LEASES, REDIS_URL, SNAPSHOT_METRICS, Worker, require_services,
                                       reset_database)
from tests.support import Api, Server


@pytest.fixture(scope="module")
def services():
    require_services()
    redis.Redis.from_url(REDIS_URL).flushdb()
    reset_database(DATABASE_URL)
    return {"PLAYGROUND_REDIS_URL": REDIS_URL, "PLAYGROUND_DATABASE_URL": DATABASE_URL, **FAST_LEASES}


@pytest.fixture
def redis_db():
    """The tests' Redis database, empty before and after the test, for tests that use Redis alone."""
    require_services()
    connection = redis.Redis.from_url(REDIS_URL)
    connection.flushdb()
    yield connection
    connection.flushdb()


@pytest.fixture(scope="module")
def cluster(services, tmp_path_factory):
    """The API and two single-slot workers (one process training one run at a time), sharing Redis and
    PostgreSQL."""
    directory = tmp_path_factory.mktemp("cluster")
    env = {**os.environ, **services, "PLAYGROUND_ACTIVE_RUNS_PER_PROCESS": "1"}
    workers = [Worker(directory / f"worker{i}.log", env) for i in range(2)]
    # A small snapshot (PLAYGROUND_SNAPSHOT_METRICS), so a short run's snapshot shows its metrics thinned.
    server = Server(directory / "api", **services, PLAYGROUND_SNAPSHOT_METRICS=str(SNAPSHOT_METRICS)).start()
    yield {"api": Api(server), "server": server, "workers": workers, "env": env, "dir": directory,
           "redis": redis.Redis.from_url(REDIS_URL)}
    server.stop()
    for worker in workers:
        worker.kill()
