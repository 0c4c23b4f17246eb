"""Pause, step, resume and stop a training run through the REST API, watching its stream."""
from __future__ import annotations

from tests.support import Api, Server, status_is, wait_until
from workers.engine.events import decode

LONG = {"data": {"dataset": "circle", "n_samples": 200}, "model": {"layers": [{"units": 4}]},
        "train": {"epochs": 100000}, "stream": {"max_fps": 5}}


def test_pause_step_resume_stop(api):
    run = api.submit(LONG)
    with api.stream(run["id"]) as ws:
        api.events_until(ws, lambda e: e["type"] == "metrics")
        assert api.control(run["id"], "pause").status_code == 202
        api.events_until(ws, status_is("paused"))

        def stored_status_is(status):  # the recorder stores a status a moment after it streams
            return lambda: api.run(run["id"])["status"] == status

        wait_until(stored_status_is("paused"), what="paused to be stored")
        refused = api.control(run["id"], "pause")
        assert refused.status_code == 409 and "paused" in refused.json()["detail"]

        assert api.control(run["id"], "step").status_code == 202
        stepped = api.events_until(ws, lambda e: e["type"] == "metrics")
        assert stepped[-1]["epoch"].is_integer()  # a step trains to the end of an epoch, then pauses
        assert any(e["type"] == "boundary" for e in api.events_until(ws, status_is("paused")))

        assert api.control(run["id"], "resume").status_code == 202
        api.events_until(ws, status_is("running"))
        wait_until(stored_status_is("running"), what="running to be stored")
        assert api.control(run["id"], "step").status_code == 409  # step needs a paused run

        assert api.control(run["id"], "stop").status_code == 202
        end = api.events_until(ws, status_is("cancelled", "succeeded", "failed"))[-1]
        assert end["data"]["status"] == "cancelled" and end["data"]["message"] == "stopped by the user"
    assert api.run(run["id"])["status"] == "cancelled"
    assert api.control(run["id"], "resume").status_code == 409


def test_stop_a_queued_run(live_server, tmp_path):
    """With one training slot taken, the next run waits queued and can be stopped before it starts."""
    server = Server(tmp_path / "one-slot", PLAYGROUND_MAX_CONCURRENT_RUNS="1").start()
    try:
        api = Api(server)
        first = api.submit(LONG)
        second = api.submit(LONG)
        with api.stream(first["id"]) as ws:
            api.events_until(ws, status_is("running"))
        assert api.run(second["id"])["status"] == "queued"
        assert api.control(second["id"], "stop").status_code == 202
        events = api.all_events(second["id"])
        assert [e["data"]["status"] for e in events if e["type"] == "status"] == ["queued", "cancelled"]
        assert api.control(first["id"], "stop").status_code == 202
        assert api.all_events(first["id"])[-1]["data"]["status"] == "cancelled"
    finally:
        server.stop()


def test_delete_removes_a_run_and_stops_it(api):
    run = api.submit(LONG)
    with api.stream(run["id"]) as ws:
        api.events_until(ws, status_is("running"))
    assert api.http.delete(f"/runs/{run['id']}").status_code == 204
    assert api.http.get(f"/runs/{run['id']}").status_code == 404
    assert api.http.delete(f"/runs/{run['id']}").status_code == 404


def test_set_changes_the_learning_rate_from_the_next_step(api):
    run = api.submit(LONG)
    with api.stream(run["id"]) as ws:
        api.events_until(ws, lambda e: e["type"] == "metrics")
        # Paused, the next metrics come only after the change: they must show it.
        api.pause(run["id"], ws)
        assert api.set(run["id"], {"train.optimizer.lr": 0.1, "train.batch_size": 20}).status_code == 202
        assert api.control(run["id"], "resume").status_code == 202
        after = api.events_until(ws, lambda e: e["type"] == "metrics")[-1]
        assert after["data"]["lr"] == 0.1
        # Running, the change arrives within a slice: from then on every metrics event shows it.
        assert api.set(run["id"], {"train.optimizer.lr": 0.02}).status_code == 202
        later = api.events_until(ws, lambda e: e["type"] == "metrics" and e["data"]["lr"] == 0.02)
        more = api.events_until(ws, lambda e: e["type"] == "metrics")
        assert more[-1]["data"]["lr"] == 0.02 and later[-1]["step"] < more[-1]["step"]
        assert api.control(run["id"], "stop").status_code == 202
        api.events_until(ws, status_is("cancelled"))
    wait_until(lambda: api.run(run["id"])["status"] == "cancelled", what="cancelled to be stored")
    refused = api.set(run["id"], {"train.l1": 0.001})
    assert refused.status_code == 409 and "ended" in refused.json()["detail"]


def test_set_refuses_a_path_that_cannot_change_live_naming_it(api):
    run = api.submit(LONG)
    refused = api.set(run["id"], {"train.l2": 0.01, "train.optimizer.momentum": 0.9})
    assert refused.status_code == 422
    (problem,) = refused.json()["detail"]
    assert problem["loc"] == ["body", "values", "train.optimizer.momentum"]
    assert "cannot change during a run" in problem["msg"]
    bad = api.set(run["id"], {"train.batch_size": 0})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "values", "train.batch_size"]
    missing = api.http.post(f"/runs/{run['id']}/control", json={"action": "set"})
    assert missing.status_code == 422
    assert api.control(run["id"], "stop").status_code == 202


def test_set_edits_a_weight_of_a_paused_run_and_a_frame_shows_it(api):
    run = api.submit(LONG)  # circle: x1, x2 -> 4 -> output
    with api.stream(run["id"]) as ws:
        api.events_until(ws, lambda e: e["type"] == "metrics")
        api.pause(run["id"], ws)
        assert api.set(run["id"], {"weights.0.3.1": 1.5, "biases.1.0": -0.5}).status_code == 202
        frame = api.events_until(ws, lambda e: e["type"] == "boundary")[-1]["data"]
        assert decode(frame["weights"][0])[3, 1] == 1.5 and decode(frame["biases"][1])[0] == -0.5
        assert api.control(run["id"], "stop").status_code == 202


def test_set_refuses_a_weight_outside_the_network_naming_it(api):
    run = api.submit(LONG)
    refused = api.set(run["id"], {"weights.0.4.0": 1.0, "weights.2.0.0": 1.0, "biases.0.1": 1.0})
    assert refused.status_code == 422
    problems = {tuple(p["loc"]): p["msg"] for p in refused.json()["detail"]}
    assert problems.keys() == {("body", "values", "weights.0.4.0"), ("body", "values", "weights.2.0.0")}
    assert "unit 4 is beyond the layer's 4" in problems[("body", "values", "weights.0.4.0")]
    assert "2 weight layers" in problems[("body", "values", "weights.2.0.0")]
    not_a_number = api.set(run["id"], {"weights.0.0.0": "big"})
    assert not_a_number.status_code == 422
    assert not_a_number.json()["detail"][0]["loc"] == ["body", "values", "weights.0.0.0"]
    assert api.control(run["id"], "stop").status_code == 202
