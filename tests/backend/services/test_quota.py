"""The quotas on submissions are atomic: many submissions at once, from threads against a real server, admit exactly
the limit. Active runs (queued + running + paused per user) and submissions a minute answer 429 with Retry-After
past it; stored runs answer 409 until one is deleted."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import httpx

from tests.classroom import join, new_class, new_instructor
from tests.support import Api, Server, wait_until

LONG = {"data": {"dataset": "circle", "n_samples": 100}, "model": {"layers": [{"units": 2}]},
        "train": {"epochs": 100000}, "stream": {"max_fps": 1}}


def submit_at_once(clients: list[httpx.Client]) -> list[httpx.Response]:
    """One POST /runs per client, all released together."""
    barrier = threading.Barrier(len(clients))

    def post(client: httpx.Client) -> httpx.Response:
        barrier.wait()
        return client.post("/runs", json={"spec": LONG})

    with ThreadPoolExecutor(len(clients)) as pool:
        return list(pool.map(post, clients))


def clients_of(api: Api, n: int) -> list[httpx.Client]:
    return [httpx.Client(base_url=api.http.base_url, headers=api.http.headers, timeout=60) for _ in range(n)]


def test_concurrent_submissions_admit_exactly_the_limit(tmp_path):
    # The old name of the setting still works.
    server = Server(tmp_path / "data", PLAYGROUND_MAX_ACTIVE_RUNS_PER_OWNER="4", PLAYGROUND_MAX_CONCURRENT_RUNS="1")
    try:
        api = Api(server.start())
        answers = submit_at_once(clients_of(api, 40))
        assert sorted(a.status_code for a in answers) == [201] * 4 + [429] * 36
        refused = next(a for a in answers if a.status_code == 429)
        assert int(refused.headers["retry-after"]) > 0
        assert "4 at once" in refused.json()["detail"] and "stop one" in refused.json()["detail"]
        assert len(api.http.get("/runs").json()) == 4
        # Stopping one frees its place.
        admitted = next(a.json()["id"] for a in answers if a.status_code == 201)
        assert api.control(admitted, "stop").status_code == 202
        wait_until(lambda: api.http.post("/runs", json={"spec": LONG}).status_code == 201, what="a freed place")
    finally:
        server.stop()


def test_each_user_has_a_quota_of_their_own(tmp_path):
    server = Server(tmp_path / "data", PLAYGROUND_AUTH="accounts", PLAYGROUND_MAX_ACTIVE_RUNS_PER_USER="3",
                    PLAYGROUND_MAX_CONCURRENT_RUNS="1")
    try:
        server.start()
        code = new_class(new_instructor(server))["join_code"]
        students = [join(server, code, name) for name in ("Ana", "Ben")]
        answers = submit_at_once([c for student in students for c in clients_of(student, 15)])
        for i in range(2):
            assert sorted(a.status_code for a in answers[15 * i:15 * (i + 1)]) == [201] * 3 + [429] * 12
    finally:
        server.stop()


def test_concurrent_submissions_never_overshoot_the_rate_limit(tmp_path):
    """Set explicitly, it holds without accounts too; stopping runs frees no room in it: it counts submissions."""
    server = Server(tmp_path / "data", PLAYGROUND_MAX_SUBMISSIONS_PER_MINUTE="5", PLAYGROUND_MAX_CONCURRENT_RUNS="1")
    try:
        api = Api(server.start())
        answers = submit_at_once(clients_of(api, 30))
        assert sorted(a.status_code for a in answers) == [201] * 5 + [429] * 25
        refused = next(a for a in answers if a.status_code == 429)
        wait = int(refused.headers["retry-after"])
        assert 1 <= wait <= 60
        assert "5 runs in the last minute" in refused.json()["detail"]
        assert f"try again in {wait} s" in refused.json()["detail"]
        for admitted in (a.json()["id"] for a in answers if a.status_code == 201):
            assert api.control(admitted, "stop").status_code == 202
        wait_until(lambda: all(r["status"] == "cancelled" for r in api.http.get("/runs").json()), what="all stopped")
        assert api.http.post("/runs", json={"spec": LONG}).status_code == 429
    finally:
        server.stop()


def test_the_stored_runs_cap_refuses_until_a_run_is_deleted(tmp_path):
    server = Server(tmp_path / "data", PLAYGROUND_MAX_STORED_RUNS_PER_USER="3", PLAYGROUND_MAX_CONCURRENT_RUNS="1")
    try:
        api = Api(server.start())
        answers = submit_at_once(clients_of(api, 12))
        assert sorted(a.status_code for a in answers) == [201] * 3 + [409] * 9
        refused = next(a for a in answers if a.status_code == 409)
        assert "3 runs stored" in refused.json()["detail"] and "delete" in refused.json()["detail"]
        kept = [a.json()["id"] for a in answers if a.status_code == 201]
        for run_id in kept:  # ended runs count as much as active ones: nothing is deleted for the user
            assert api.control(run_id, "stop").status_code == 202
        wait_until(lambda: all(r["status"] == "cancelled" for r in api.http.get("/runs").json()), what="all stopped")
        assert api.http.post("/runs", json={"spec": LONG}).status_code == 409
        assert sorted(r["id"] for r in api.http.get("/runs").json()) == sorted(kept)
        assert api.http.delete(f"/runs/{kept[0]}").status_code == 204
        assert api.http.post("/runs", json={"spec": LONG}).status_code == 201
    finally:
        server.stop()


def test_a_full_quota_says_when_its_soonest_run_should_end(tmp_path):
    """The active-runs 429's Retry-After is the soonest expected end of the user's training runs (the time one has
    trained times the share of its epochs to go), or the time limit's stop if sooner; not a fixed guess."""
    server = Server(tmp_path / "data", PLAYGROUND_MAX_ACTIVE_RUNS_PER_USER="2", PLAYGROUND_MAX_CONCURRENT_RUNS="1",
                    PLAYGROUND_MAX_RUN_SECONDS="600")
    try:
        api = Api(server.start())
        training = api.submit(LONG)
        api.submit(LONG)  # queued behind it: no clue from this one
        wait_until(lambda: api.http.get(f"/runs/{training['id']}/metrics").json()["epoch"], what="stored metrics")
        refused = api.http.post("/runs", json={"spec": LONG})
        assert refused.status_code == 429
        wait = int(refused.headers["retry-after"])
        assert 10 < wait <= 600  # 100,000 epochs take minutes here; the time limit stops it within 600 s
        assert f"wait for one to end (the soonest in about {wait} s)" in refused.json()["detail"]
    finally:
        server.stop()
