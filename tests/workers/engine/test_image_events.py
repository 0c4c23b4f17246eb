"""The image visuals have the shapes the spec implies: feature_maps, filters, misclassified, confusion."""
from __future__ import annotations

import pytest
import torch

from workers.engine.events import decode
from workers.engine.probes.feature_maps import MAP_BYTES, MAP_CHANNELS, MAX_PROBES, shrink
from workers.engine.probes.filters import FILTER_VALUES, FILTERS_IN, FILTERS_OUT, sent_shape
from workers.engine.probes.misclassified import MISCLASSIFIED_IMAGES

from tests.workers.engine.helpers import final, of, run, spec

LAYERS = [{"type": "conv2d", "filters": 20, "kernel": 5, "padding": "valid"},  # more channels than are sent
          {"type": "maxpool2d"},
          {"type": "residual", "layers": [{"type": "conv2d", "filters": 8, "stride": 2}, {"type": "batchnorm"}]},
          {"type": "avgpool2d", "size": 2, "stride": 1},
          {"type": "flatten"}, {"units": 8, "activation": "relu"}]


@pytest.fixture(scope="module")
def events() -> list[dict]:
    torch.set_num_threads(1)
    return run(spec(data={"dataset": "textures", "n_samples": 120, "seed": 2}, model={"layers": LAYERS},
                    train={"epochs": 2, "batch_size": 16}, stream={"max_fps": 60}))


def test_feature_maps_cover_every_probe_and_every_map_layer(events):
    maps = of(events, "feature_maps")
    expected = [("conv1", 0, (20, 28, 28)), ("maxpool1", 1, (20, 14, 14)), ("res1.conv1", 2, (8, 7, 7)),
                ("res1", 2, (8, 7, 7)), ("avgpool1", 3, (8, 6, 6))]
    test_classes = {probe["data"]["label"] for probe in maps}
    assert len({m["data"]["probe"] for m in maps}) == len(test_classes) <= MAX_PROBES
    for event in maps:
        data = event["data"]
        assert decode(data["input"]).shape == (3, 32, 32) and data["input"]["min"] == 0.0
        assert len(data["probabilities"]) == 6 and abs(sum(data["probabilities"]) - 1) < 1e-3
        assert data["predicted"] in {"horizontal stripes", "vertical stripes", "diagonal stripes", "checks",
                                     "dots", "rings"}
        got = [(layer["name"], layer["layer"], tuple(layer["shape"])) for layer in data["layers"]]
        assert got == expected
        for layer, (_, _, shape) in zip(data["layers"], expected):
            assert decode(layer["maps"]).shape == (min(shape[0], MAP_CHANNELS), *shape[1:])  # small: not shrunk
            assert layer["maps"]["dtype"] == "uint8"
    # at the start and at the end, every probe; in between, one at a time
    assert [e["data"]["probe"] for e in maps[:len(test_classes)]] == list(range(len(test_classes)))


def test_filters_are_every_conv_layers_weights(events):
    last = of(events, "filters")[-1]["data"]["layers"]
    assert [(f["name"], f["layer"], f["shape"]) for f in last] == [("conv1", 0, [20, 3, 5, 5]),
                                                                   ("res1.conv1", 2, [8, 20, 3, 3])]
    assert decode(last[0]["weights"]).shape == (20, 3, 5, 5)
    assert decode(last[1]["weights"]).shape == (8, 16, 3, 3)  # the first 16 input channels
    assert last[0]["weights"]["dtype"] == "float16"


def test_filters_and_maps_stay_within_their_budgets():
    for shape in [(128, 64, 9, 9), (64, 128, 3, 3), (1, 1, 9, 9), (200, 1, 3, 3)]:
        n_out, n_in = sent_shape(*shape)
        assert n_out <= FILTERS_OUT and n_in <= FILTERS_IN and n_out * n_in * shape[2] * shape[3] <= FILTER_VALUES
        assert n_out >= 1 and n_in >= 1
    big = [torch.rand(16, 64, 64), torch.rand(16, 64, 64), torch.rand(16, 32, 32)]
    small = shrink(big)
    assert sum(m.numel() for m in small) <= MAP_BYTES
    assert [tuple(m.shape) for m in small] == [(16, 16, 16), (16, 16, 16), (16, 32, 32)]  # the largest halved first


def test_misclassified_and_confusion(events):
    wrong = of(events, "misclassified")[-1]["data"]
    n = len(wrong["indices"])
    assert n == min(wrong["count"], MISCLASSIFIED_IMAGES) and wrong["total"] == 60
    assert decode(wrong["images"]).shape == (n, 3, 32, 32)
    assert len(wrong["true"]) == len(wrong["predicted"]) == len(wrong["confidence"]) == n
    assert all(t != p for t, p in zip(wrong["true"], wrong["predicted"]))
    assert wrong["confidence"] == sorted(wrong["confidence"], reverse=True)
    confusion = of(events, "confusion")[-1]["data"]
    assert len(confusion["labels"]) == 6 and len(confusion["matrix"]) == 6
    correct = sum(confusion["matrix"][i][i] for i in range(6))
    assert sum(map(sum, confusion["matrix"])) == 60 and 60 - correct == wrong["count"]
    summary = final(events)["summary"]
    assert abs(summary["test_accuracy"] - correct / 60) < 1e-6


def test_visuals_off_sends_only_status_metrics_confusion_and_the_final_weights():
    events = run(spec(data={"dataset": "digits", "n_samples": 40}, train={"epochs": 1},
                      model={"layers": [{"type": "conv2d", "filters": 2}, {"type": "global_avgpool"}]}))
    assert {e["type"] for e in events} == {"status", "metrics", "confusion", "final_weights"}
