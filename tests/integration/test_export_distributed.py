"""Distributed mode: a Celery worker's run keeps its final weights (sent as an event, stored by the API's
recorder from Redis), and GET /runs/{id}/export serves them."""
from __future__ import annotations

import io

import numpy as np
import torch

from tests.support import wait_until
from workers.engine.events import decode

SPEC = {"data": {"dataset": "circle", "n_samples": 60}, "model": {"layers": [{"units": 3}]},
        "train": {"epochs": 3}, "stream": {"max_fps": 5}}


def test_a_workers_final_weights_are_kept_and_exported(cluster):
    api = cluster["api"]
    run = api.submit(SPEC)
    events = api.all_events(run["id"], timeout=300)
    assert events[-1]["data"]["status"] == "succeeded"
    streamed = [e for e in events if e["type"] == "final_weights"][-1]["data"]["state"]
    wait_until(lambda: api.run(run["id"])["status"] == "succeeded", what="the run to be stored")

    response = api.http.get(f"/runs/{run['id']}/export", params={"format": "state_dict"})
    assert response.status_code == 200, response.text
    state = torch.load(io.BytesIO(response.content))
    assert np.array_equal(state["dense1.weight"].numpy(), decode(streamed["hidden.0.linear.weight"]))
    assert np.array_equal(state["output.bias"].numpy(), decode(streamed["output.bias"]))
    code = api.http.get(f"/runs/{run['id']}/export", params={"format": "pytorch"}).text
    namespace: dict = {}
    exec(compile(code, "exported", "exec"), namespace)
    namespace["build_model"]().load_state_dict(state)
