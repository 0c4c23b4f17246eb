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


def test_plan_of_a_sequence_network(api):
    layers = [{"type": "embedding", "dim": 16}, {"type": "positional"}, {"type": "lstm", "hidden": 12},
              {"type": "transformer_block", "heads": 2, "width": 8}]
    body = api.http.post("/specs/plan", json={"spec": {"data": {"dataset": "reverse", "length": 6},
                                                       "model": {"layers": layers}}}).json()
    assert body["input_shape"] == [6] and body["output_units"] == 9  # the blank and 8 letters, at every step
    assert [(layer["name"], layer["output_shape"]) for layer in body["layers"]] == [
        ("embedding1", [6, 16]), ("positional1", [6, 16]), ("lstm1", [6, 12]), ("transformer1", [6, 8])]
    lstm = torch.nn.LSTM(16, 12)
    assert body["layers"][2]["parameters"] == sum(p.numel() for p in lstm.parameters())
    assert body["parameters"] == sum(layer["parameters"] for layer in body["layers"]) + (8 + 1) * 9


def test_widths_that_heads_do_not_divide_are_refused_naming_the_layer(api):
    layers = [{"type": "embedding", "dim": 10}, {"type": "transformer_block", "heads": 4}]
    for path in ("/specs/plan", "/runs"):
        response = api.http.post(path, json={"spec": {"data": {"dataset": "reverse"}, "model": {"layers": layers}}})
        assert response.status_code == 422
        problem = response.json()["detail"][0]
        assert problem["loc"][:6] == ["body", "spec", "model", "layers", 1, "heads"]
        assert "layer 1 (transformer_block)" in problem["msg"] and "not divisible by 4 heads" in problem["msg"]
