"""POST /specs/preview: a 2-D network drawn as the trainer starts it, before any training."""
from __future__ import annotations

import json

from workers.engine.loop import Run
from workers.engine.spec import Spec

SPEC = {"data": {"dataset": "circle"}, "model": {"layers": [{"units": 3}, {"units": 2}]}, "train": {"seed": 7}}


def first_frame(spec: dict) -> dict:
    """The trainer's first `boundary` frame: its Run as set up, before the first step."""
    run = Run(Spec.model_validate(spec), emit=lambda _: None, control=None, device="cpu")
    return dict(run.kind.frame_events(True))["boundary"]


def test_the_preview_is_the_trainers_first_frame(api):
    response = api.http.post("/specs/preview", json={"spec": SPEC})
    assert response.status_code == 200, response.text
    body = response.json()
    assert len(body["neurons"]) == 5 and len(body["weights"]) == 3
    assert body == json.loads(json.dumps(first_frame(SPEC), default=lambda v: v.model_dump()))


def test_another_seed_or_network_gives_another_picture(api):
    base = api.http.post("/specs/preview", json={"spec": SPEC}).json()
    reseeded = api.http.post("/specs/preview", json={"spec": {**SPEC, "train": {"seed": 8}}}).json()
    wider_spec = {**SPEC, "model": {"layers": [{"units": 4}, {"units": 2}]}}
    wider = api.http.post("/specs/preview", json={"spec": wider_spec}).json()
    assert reseeded["weights"] != base["weights"]
    assert len(wider["neurons"]) == 6


def test_only_two_d_data_is_previewed(api):
    response = api.http.post("/specs/preview", json={"spec": {"data": {"dataset": "digits"},
                                                                 "model": {"layers": [{"type": "flatten"}]}}})
    assert response.status_code == 422
    assert "2-D" in response.text
