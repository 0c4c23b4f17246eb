"""The instructor's wall in the distributed mode: accounts, Celery workers, Redis Streams and PostgreSQL."""
from __future__ import annotations

import os

import pytest

from tests.backend.api.test_wall import LONG, of_run, tiles_until
from tests.classroom import join, new_class, new_instructor
from tests.integration.cluster import Worker
from tests.support import Server
from workers.engine.status import TERMINAL


@pytest.fixture(scope="module")
def classroom_cluster(services, tmp_path_factory):
    directory = tmp_path_factory.mktemp("wall-cluster")
    worker = Worker(directory / "worker.log", {**os.environ, **services}, concurrency=2)
    server = Server(directory / "api", PLAYGROUND_AUTH="accounts", **services).start()
    yield server
    server.stop()
    worker.kill()


def test_the_wall_follows_two_students_through_redis(classroom_cluster):
    teacher = new_instructor(classroom_cluster)
    made = new_class(teacher)
    students = [join(classroom_cluster, made["join_code"], name) for name in ("Ana", "Ben")]
    with teacher.wall(made["id"]) as ws:
        runs = [student.submit(LONG)["id"] for student in students]
        epochs: dict[str, set] = {}

        def live(latest: dict) -> bool:
            for run_id, tile in latest.items():
                epochs.setdefault(run_id, set()).add(tile["epoch"])
            return all(len(epochs.get(r, ())) >= 3 and "thumbnail" in latest[r] for r in runs)
        seen = tiles_until(ws, live, timeout=240)
        assert {tile["user"] for _, tile in seen} == {"Ana", "Ben"}
        for run_id in runs:
            assert teacher.control(run_id, "stop").status_code == 202
        ended = tiles_until(ws, lambda latest: all(latest.get(r, {}).get("status") in TERMINAL for r in runs))
    for run_id in runs:
        assert sum(tile["status"] in TERMINAL for _, tile in of_run(ended, run_id)) == 1
