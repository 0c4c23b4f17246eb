"""Bad input gets a clear 4xx naming what was wrong, never a 500, and the server keeps serving."""
from __future__ import annotations

import pytest

GOOD = {"data": {"dataset": "xor"}}


def errors_of(response) -> list[tuple[tuple, str]]:
    assert response.status_code == 422, response.text
    return [(tuple(e["loc"]), e["msg"]) for e in response.json()["detail"]]


@pytest.mark.parametrize("spec, loc", [
    ({}, ("body", "spec", "data")),
    ({"data": {"dataset": "nosuch"}}, ("body", "spec", "data", "dataset")),
    ({"data": {"dataset": "xor", "features": ["x3"]}}, ("body", "spec", "data", "features", 0)),
    ({"data": {"dataset": "xor", "noise": -1}}, ("body", "spec", "data", "noise")),
    ({"data": {"dataset": "xor", "n_samples": "500"}}, ("body", "spec", "data", "n_samples")),
    ({"data": {"dataset": "xor"}, "model": {"layers": [{"units": 4, "activation": "swish"}]}},
     ("body", "spec", "model", "layers", 0, "activation")),
    ({"data": {"dataset": "xor"}, "model": {"init": "magic"}}, ("body", "spec", "model", "init")),
    ({"data": {"dataset": "xor"}, "train": {"optimizer": {"name": "lbfgs"}}}, ("body", "spec", "train", "optimizer")),
    ({"data": {"dataset": "xor"}, "train": {"optimizer": {"name": "sgd", "lr": 0}}},
     ("body", "spec", "train", "optimizer", "sgd", "lr")),
    ({"data": {"dataset": "xor"}, "train": {"schedule": {"name": "step", "gamma": 2}}},
     ("body", "spec", "train", "schedule", "step", "gamma")),
    ({"data": {"dataset": "xor"}, "train": {"batch_size": 0}}, ("body", "spec", "train", "batch_size")),
    ({"data": {"dataset": "xor"}, "surprise": 1}, ("body", "spec", "surprise")),
    ({"data": {"dataset": "plane"}, "train": {"loss": "bce"}}, ("body", "spec", "train", "loss")),
    ({"data": {"dataset": "xor", "n_samples": 10**7}}, ("body", "spec", "data", "n_samples")),
    ({"data": {"dataset": "xor"}, "model": {"layers": [{"units": 100000}]}},
     ("body", "spec", "model", "layers", 0, "units")),
    ({"data": {"dataset": "xor"}, "model": {"layers": [{"units": 256}] * 5}}, ("body", "spec", "model", "layers")),
    ({"data": {"dataset": "xor"}, "model": {"layers": [{"units": 2}] * 11}}, ("body", "spec", "model", "layers")),
    ({"data": {"dataset": "xor"}, "train": {"epochs": 10**9}}, ("body", "spec", "train", "epochs")),
    ({"data": {"dataset": "xor"}, "model": {"layers": [{"type": "conv2d"}]}},
     ("body", "spec", "model", "layers", 0, "type")),
    ({"data": {"dataset": "xor", "augment": {"flip": True}}}, ("body", "spec", "data", "augment")),
    ({"data": {"dataset": "digits", "augment": {"rotate": 90}}}, ("body", "spec", "data", "augment", "rotate")),
    ({"data": {"dataset": "digits"}, "model": {"layers": [{"type": "conv2d", "stride": 0}]}},
     ("body", "spec", "model", "layers", 0, "stride")),
    ({"data": {"dataset": "digits"}, "model": {"layers": [{"type": "residual", "layers": [{"type": "pool"}]}]}},
     ("body", "spec", "model", "layers", 0, "layers", 0, "type")),
])
def test_invalid_specs_name_the_field(api, spec, loc):
    found = errors_of(api.http.post("/runs", json={"spec": spec}))
    assert loc in [f[0] for f in found], found


def test_an_impossible_layer_stack_is_a_422_naming_the_layer_and_the_shapes(api):
    spec = {"data": {"dataset": "digits"},
            "model": {"layers": [{"type": "conv2d", "filters": 4}, {"type": "maxpool2d", "size": 4},
                                 {"type": "conv2d", "kernel": 5, "padding": "valid"}, {"type": "flatten"}]}}
    found = errors_of(api.http.post("/runs", json={"spec": spec}))
    assert found == [(("body", "spec", "model", "layers", 2, "kernel"),
                      "layer 2 (conv2d): kernel 5 is larger than its 2×2 input")]
    spec["model"]["layers"][2] = {"type": "conv2d", "kernel": 5}  # same padding: allowed
    assert api.http.post("/runs", json={"spec": spec}).status_code == 201


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_non_finite_numbers_are_refused(api, number):
    body = '{"spec": {"data": {"dataset": "xor", "noise": %s}}}' % number
    found = errors_of(api.http.post("/runs", content=body, headers={"content-type": "application/json"}))
    assert found[0][0] == ("body", "spec", "data", "noise")


@pytest.mark.parametrize("body", ["{", "[]", '"spec"', "", "\xff"])
def test_malformed_bodies_are_422(api, body):
    response = api.http.post("/runs", content=body.encode("utf-8", "surrogateescape") if body else b"",
                             headers={"content-type": "application/json"})
    assert response.status_code == 422, response.text


def test_unknown_run_is_404_everywhere(api):
    assert api.http.get("/runs/nosuch").status_code == 404
    assert api.http.get("/runs/nosuch/metrics").status_code == 404
    assert api.http.get("/runs/nosuch/events").status_code == 404
    assert api.control("nosuch", "pause").status_code == 404
    assert api.http.delete("/runs/nosuch").status_code == 404
    assert api.http.get("/presets/nosuch").status_code == 404


def test_bad_control_actions(api):
    run = api.submit({"data": {"dataset": "xor", "n_samples": 40}, "train": {"epochs": 1}})
    assert api.all_events(run["id"])[-1]["data"]["status"] == "succeeded"
    response = api.control(run["id"], "pause")
    assert response.status_code == 409 and "succeeded" in response.json()["detail"]
    assert errors_of(api.http.post(f"/runs/{run['id']}/control", json={"action": "rewind"}))[0][0] == \
        ("body", "action")


def test_server_still_serves_after_all_that(api):
    assert api.http.get("/health").json()["status"] == "ok"
