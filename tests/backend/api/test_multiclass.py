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
