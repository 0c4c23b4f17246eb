"""The boundary probe over the plane: the output's grid is oriented as the schema says, every neuron is sent."""
from __future__ import annotations

import numpy as np
import torch

from workers.engine.kinds.points.datasets import EXTENT
from workers.engine.events import decode
from workers.engine.losses import make_head
from workers.engine.probes.boundary import (NEURON_GRID_MAX, NEURON_GRID_MIN, PROBE, BoundaryData, BoundaryProbe,
                                            neuron_grid)

from .models import mlp


def test_row_zero_is_the_top_of_the_plane_and_column_zero_its_left():
    model, hidden = mlp(2)  # no hidden layer: the output is w·(x1, x2) + b
    with torch.no_grad():
        model.output.weight.copy_(torch.tensor([[0.0, 0.25]]))  # the output is x2 / 4
        model.output.bias.zero_()
    head = make_head("auto", "regression", "auto")  # linear: the score is the output, drawn over [-1, 1]
    data = BoundaryProbe(model, head, ["x1", "x2"], hidden, grid=9, device="cpu").frame()
    BoundaryData.model_validate(data)
    output = decode(data["output"])
    assert output.shape == (9, 9) and data["extent"] == list(EXTENT)
    assert (data["output"]["min"], data["output"]["max"]) == head.score_range == (-1.0, 1.0)
    expected = np.clip(np.linspace(EXTENT[3], EXTENT[2], 9) / 4, -1, 1)  # ymax at row 0, clamped to the range
    assert np.allclose(output[:, 0], expected, atol=0.01) and np.allclose(output, output[:, :1], atol=0.01)
    assert data["neurons"] == [] and [decode(w).shape for w in data["weights"]] == [(1, 2)]


def test_every_hidden_unit_has_a_map_in_its_activations_range():
    model, hidden = mlp(3, {"units": 3, "activation": "tanh"}, {"units": 2, "activation": "relu"})
    model.train()
    probe = BoundaryProbe(model, make_head("auto", "classification", "auto"), ["x1", "x2", "x1_sq"], hidden,
                          grid=12, device="cpu")
    data = probe.frame()
    assert model.training  # put back in training mode after the frame
    assert [(n["layer"], n["unit"]) for n in data["neurons"]] == [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1)]
    cells = neuron_grid(5)
    assert all(decode(n["map"]).shape == (cells, cells) for n in data["neurons"])
    assert all((n["map"]["min"], n["map"]["max"]) == (-1.0, 1.0) for n in data["neurons"][:3])  # tanh's bounds
    relu = decode(data["neurons"][3]["map"])
    assert relu.min() >= 0 and data["neurons"][3]["map"]["min"] >= 0  # relu: the observed range
    assert [decode(w).shape for w in data["weights"]] == [(3, 3), (2, 3), (1, 2)]
    assert [decode(b).shape for b in data["biases"]] == [(3,), (2,), (1,)]


def test_neuron_maps_shrink_as_a_network_widens():
    assert neuron_grid(0) == NEURON_GRID_MIN and neuron_grid(1) == NEURON_GRID_MAX
    assert neuron_grid(48) == 15 and neuron_grid(10_000) == NEURON_GRID_MIN


def test_a_diverged_network_sends_no_frame():
    model, hidden = mlp(2, {"units": 2, "activation": "tanh"})
    with torch.no_grad():
        model.output.weight.fill_(float("nan"))
    probe = BoundaryProbe(model, make_head("auto", "regression", "auto"), ["x1", "x2"], hidden, grid=4, device="cpu")
    assert probe.frame() is None


def test_boundary_is_a_frame_kept_latest_only():
    assert (PROBE.type, PROBE.cadence.value, PROBE.storage.value) == ("boundary", "frame", "latest")
