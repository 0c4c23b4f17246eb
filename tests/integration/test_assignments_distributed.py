"""Assignments in the distributed mode (accounts, PostgreSQL, a Celery worker on Redis): a lock refused, a
run trained by the worker on the leaderboard, and in the results CSV."""
from __future__ import annotations

import csv
import io
import os

import pytest

from tests.classroom import QUICK, join, new_assignment, new_class, new_instructor
from tests.integration.cluster import Worker
from tests.support import Server


@pytest.fixture(scope="module")
def classroom_cluster(services, tmp_path_factory):
    directory = tmp_path_factory.mktemp("classroom")
    worker = Worker(directory / "worker.log", {**os.environ, **services})
    server = Server(directory / "api", PLAYGROUND_AUTH="accounts", **services).start()
    yield server
    server.stop()
    worker.kill()


def test_an_assignment_on_postgresql_and_celery(classroom_cluster):
    teacher = new_instructor(classroom_cluster)
    klass = new_class(teacher)
    made = new_assignment(teacher, klass["id"], spec=QUICK, locked=["model.layers"], due="2030-01-01T00:00:00Z")
    assert teacher.http.get(f"/classes/{klass['id']}/assignments").json()[0]["due"] == "2030-01-01T00:00:00Z"
    student = join(classroom_cluster, klass["join_code"], "Lin")
    wider = {**QUICK, "model": {"layers": [{"units": 5}]}}
    refused = student.http.post("/runs", json={"spec": wider, "assignment": made["id"]})
    assert refused.status_code == 422 and refused.json()["detail"][0]["loc"] == ["body", "spec", "model", "layers"]
    run = student.submit(QUICK, assignment=made["id"])
    assert student.all_events(run["id"])[-1]["data"]["status"] == "succeeded"
    board = student.http.get(f"/assignments/{made['id']}/leaderboard").json()
    assert [(s["user"], s["run"], s["late"]) for s in board] == [("Lin", run["id"], False)]
    rows = list(csv.DictReader(io.StringIO(teacher.http.get(f"/assignments/{made['id']}/results.csv").text)))
    assert [(row["student"], row["best_run"], row["runs_submitted"]) for row in rows] == [("Lin", run["id"], "1")]
