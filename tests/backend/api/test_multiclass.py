"""data.classes and stream.gradient_check through the API: the catalog declares them, bad values are 422s."""
from __future__ import annotations

import pytest


def locs(response) -> list[tuple]:
    assert response.status_code == 422, response.text
    return [tuple(e["loc"]) for e in response.json()["detail"]]


def test_the_catalog_declares_the_k_class_datasets_and_their_classes(api):
    datasets = {d["name"]: d for d in api.http.get("/catalog").json()["datasets"]}
    for name in ("blobs", "spirals"):
        classes = datasets[name]["parameters"]["classes"]
        assert (classes["type"], classes["default"], classes["minimum"], classes["maximum"]) == ("integer", 3, 2, 8)
        assert datasets[name]["task"] == "classification" and datasets[name]["kind"] == "2d"
    assert "classes" not in datasets["circle"]["parameters"] and "classes" not in datasets["digits"]["parameters"]


@pytest.mark.parametrize("data, loc", [
    ({"dataset": "blobs", "classes": 1}, ("body", "spec", "data", "classes")),
    ({"dataset": "spirals", "classes": 9}, ("body", "spec", "data", "classes")),
    ({"dataset": "circle", "classes": 3}, ("body", "spec", "data", "classes")),
    ({"dataset": "digits", "classes": 3}, ("body", "spec", "data", "classes")),
])
def test_classes_out_of_range_or_on_another_dataset_is_422(api, data, loc):
    assert loc in locs(api.http.post("/runs", json={"spec": {"data": data}}))


@pytest.mark.parametrize("spec, loc", [
    ({"data": {"dataset": "xor"}, "stream": {"gradient_check": {"epsilon": 0}}},
     ("body", "spec", "stream", "gradient_check", "epsilon")),
    ({"data": {"dataset": "digits"}, "stream": {"gradient_check": {}}}, ("body", "spec", "stream", "gradient_check")),
])
def test_a_bad_gradient_check_is_422(api, spec, loc):
    assert loc in locs(api.http.post("/runs", json={"spec": spec}))


def test_a_three_class_run_is_accepted(api):
    body = {"spec": {"data": {"dataset": "blobs", "classes": 3}, "train": {"epochs": 1}}}
    response = api.http.post("/runs", json=body)
    assert response.status_code == 201, response.text


def test_a_weight_of_the_third_output_unit_is_editable_and_a_fourth_is_not(api):
    """Live edits check their paths against weight_shapes, which counts one output unit per class."""
    from workers.engine.events import decode

    run = api.submit({"data": {"dataset": "blobs", "classes": 3, "n_samples": 60}, "model": {"layers": []},
                      "train": {"epochs": 100000}, "stream": {"max_fps": 5}})
    with api.stream(run["id"]) as ws:
        api.events_until(ws, lambda e: e["type"] == "metrics")
        api.pause(run["id"], ws)
        refused = api.set(run["id"], {"weights.0.3.0": 1.0})
        assert refused.status_code == 422 and refused.json()["detail"][0]["loc"] == ["body", "values", "weights.0.3.0"]
        assert api.set(run["id"], {"weights.0.2.1": 1.5}).status_code == 202
        frame = api.events_until(ws, lambda e: e["type"] == "boundary")[-1]["data"]
        assert decode(frame["weights"][0])[2, 1] == 1.5 and "classes" in frame
        assert api.control(run["id"], "stop").status_code == 202
