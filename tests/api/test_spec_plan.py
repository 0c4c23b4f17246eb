"""POST /specs/plan: every layer's output shape and parameters, or a 422 naming the layer."""
from __future__ import annotations

import torch


def test_plan_gives_each_layer_its_shape_and_parameters(api):
    layers = [{"type": "conv2d", "filters": 4, "kernel": 3, "padding": "valid"}, {"type": "maxpool2d"},
              {"type": "residual", "layers": [{"type": "conv2d", "filters": 6}]}, {"type": "flatten"}]
    body = api.http.post("/specs/plan", json={"spec": {"data": {"dataset": "digits"},
                                                       "model": {"layers": layers}}}).json()
    assert body["input_shape"] == [1, 8, 8] and body["output_units"] == 10
    assert [(layer["name"], layer["output_shape"]) for layer in body["layers"]] == [
        ("conv1", [4, 6, 6]), ("maxpool1", [4, 3, 3]), ("res1", [6, 3, 3]), ("flatten1", [54])]
    conv = torch.nn.Conv2d(1, 4, 3)
    assert body["layers"][0]["parameters"] == sum(p.numel() for p in conv.parameters())
    assert [inner["name"] for inner in body["layers"][2]["layers"]] == ["res1.conv1"]
    assert body["parameters"] == sum(layer["parameters"] for layer in body["layers"]) + (54 + 1) * 10


def test_plan_of_a_two_d_network(api):
    body = api.http.post("/specs/plan", json={"spec": {"data": {"dataset": "xor"}}}).json()
    assert body["input_shape"] == [2]
    assert [(layer["name"], layer["parameters"]) for layer in body["layers"]] == [("dense1", 24), ("dense2", 72)]
    assert body["parameters"] == 24 + 72 + 9


def test_an_impossible_stack_is_refused_naming_the_layer(api):
    layers = [{"type": "maxpool2d", "size": 4}, {"type": "conv2d", "kernel": 5, "padding": "valid"}]
    response = api.http.post("/specs/plan", json={"spec": {"data": {"dataset": "digits"}, "model": {"layers": layers}}})
    assert response.status_code == 422
    problem = response.json()["detail"][0]
    assert problem["loc"][:5] == ["body", "spec", "model", "layers", 1]
    assert "layer 1 (conv2d)" in problem["msg"] and "2×2" in problem["msg"]
