"""The quotas and time limits in the distributed mode (accounts, PostgreSQL, a Celery worker on Redis): the rate
limit holds under concurrent submissions on PostgreSQL's row lock, and the worker's runs end at the run-time and
paused limits with the messages naming them, as in the embedded mode."""
from __future__ import annotations

import os

import pytest

from tests.backend.services.test_quota import clients_of, submit_at_once
from tests.classroom import join, new_class, new_instructor
from tests.integration.cluster import Worker
from tests.support import Server, status_is, wait_until

LONG = {"data": {"dataset": "circle", "n_samples": 100}, "model": {"layers": [{"units": 2}]},
        "train": {"epochs": 100000}, "stream": {"max_fps": 2}}
ENDED = ("cancelled", "succeeded", "failed")


@pytest.fixture(scope="module")
def limited_cluster(services, tmp_path_factory):
    directory = tmp_path_factory.mktemp("limits")
    worker = Worker(directory / "worker.log", {**os.environ, **services}, concurrency=2)
    server = Server(directory / "api", PLAYGROUND_AUTH="accounts", PLAYGROUND_MAX_RUN_SECONDS="6",
                    PLAYGROUND_MAX_PAUSED_SECONDS="1", PLAYGROUND_MAX_SUBMISSIONS_PER_MINUTE="4", **services).start()
    code = new_class(new_instructor(server))["join_code"]
    yield {"server": server, "student": lambda name: join(server, code, name)}
    server.stop()
    worker.kill()


def test_the_rate_limit_holds_on_postgresql(limited_cluster):
    student = limited_cluster["student"]("Ana")
    answers = submit_at_once(clients_of(student, 20))
    assert sorted(a.status_code for a in answers) == [201] * 4 + [429] * 16
    assert all(int(a.headers["retry-after"]) >= 1 for a in answers if a.status_code == 429)
    for admitted in (a.json()["id"] for a in answers if a.status_code == 201):
        assert student.control(admitted, "stop").status_code == 202  # the worker's slots for the next tests
    wait_until(lambda: all(r["status"] in ENDED for r in student.http.get("/runs").json()), what="all stopped")


def test_a_workers_run_ends_at_the_run_time_limit(limited_cluster):
    student = limited_cluster["student"]("Ben")
    run = student.submit(LONG)
    end = student.all_events(run["id"], timeout=120)[-1]
    assert end["data"]["status"] == "cancelled" and end["data"]["attempt"] == 1
    assert "PLAYGROUND_MAX_RUN_SECONDS" in end["data"]["message"] and "after 6 s" in end["data"]["message"]
    assert end["time"] >= 6
    wait_until(lambda: student.run(run["id"])["status"] == "cancelled", what="the end to be stored")


def test_a_workers_paused_run_is_stopped_after_the_paused_limit(limited_cluster):
    student = limited_cluster["student"]("Cy")
    run = student.submit(LONG)
    with student.stream(run["id"]) as ws:
        student.events_until(ws, status_is("running"))
        paused = student.pause(run["id"], ws)
        end = student.events_until(ws, status_is(*ENDED), timeout=60)[-1]
    assert end["data"]["status"] == "cancelled"
    assert "PLAYGROUND_MAX_PAUSED_SECONDS" in end["data"]["message"] and end["time"] - paused["time"] >= 1
    assert end["time"] < 6  # the paused limit stopped it, not the run-time one


def test_the_active_runs_quota_holds_on_postgresql(limited_cluster, services, tmp_path):
    """Twenty submissions of one student at once against a quota of 3 active runs: exactly 3 admitted on
    PostgreSQL's row lock, each refusal a 429 with Retry-After."""
    server = Server(tmp_path / "api", PLAYGROUND_AUTH="accounts", PLAYGROUND_MAX_ACTIVE_RUNS_PER_USER="3",
                    **services).start()
    try:
        student = join(server, new_class(new_instructor(server))["join_code"], "Dee")
        answers = submit_at_once(clients_of(student, 20))
        assert sorted(a.status_code for a in answers) == [201] * 3 + [429] * 17
        assert all(int(a.headers["retry-after"]) >= 1 for a in answers if a.status_code == 429)
        assert len(student.http.get("/runs").json()) == 3
        for admitted in (a.json()["id"] for a in answers if a.status_code == 201):
            assert student.control(admitted, "stop").status_code == 202
        wait_until(lambda: all(r["status"] in ENDED for r in student.http.get("/runs").json()), what="all stopped")
    finally:
        server.stop()
