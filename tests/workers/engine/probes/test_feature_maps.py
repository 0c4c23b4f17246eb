"""The feature-map probe: the first test image of each class, one probe a turn, every map layer's output."""
from __future__ import annotations

import numpy as np
import torch

from workers.engine.events import decode
from workers.engine.probes.feature_maps import (MAP_CHANNELS, PROBE, FeatureMapProbe, FeatureMapsData,
                                                probe_indices, shrink)

from .models import cnn

CLASSES = ["a", "b", "c", "d"]
LAYERS = ({"type": "conv2d", "filters": 20, "kernel": 3}, {"type": "maxpool2d"}, {"type": "global_avgpool"})


def probe(seed: int = 0) -> FeatureMapProbe:
    generator = torch.Generator().manual_seed(seed)
    images = torch.rand(5, 1, 8, 8, generator=generator)
    labels = torch.tensor([2, 0, 2, 1, 0])  # no image of class d
    return FeatureMapProbe(cnn((1, 8, 8), 4, *LAYERS), images, labels, CLASSES)


def test_the_probes_are_the_first_image_of_each_class_present():
    assert probe_indices(torch.tensor([2, 0, 2, 1, 0]), 4) == [1, 3, 0]
    assert probe_indices(torch.arange(30) % 15, 15) == list(range(10))  # at most ten


def test_each_turn_is_the_next_probe_round_the_circle():
    maps = probe()
    assert maps.count == 3 and [maps.take_turn() for _ in range(5)] == [0, 1, 2, 0, 1]


def test_an_event_per_probe_with_its_image_prediction_and_maps():
    maps = probe()
    maps.model.train()
    found = maps.events([0, 2])
    assert maps.model.training  # put back after the pass in eval mode
    assert [(d["probe"], d["index"], d["label"]) for d in found] == [(0, 1, "a"), (2, 0, "c")]
    for data in found:
        FeatureMapsData.model_validate(data)
        assert len(data["probabilities"]) == 4 and abs(sum(data["probabilities"]) - 1) < 1e-3
        assert data["predicted"] == CLASSES[int(np.argmax(data["probabilities"]))]
        image = maps.images[data["probe"]].numpy()
        assert np.abs(decode(data["input"]) - image).max() <= 0.5 / 255 + 1e-6  # uint8 over [0, 1]
        assert [(m["name"], m["layer"], m["shape"]) for m in data["layers"]] == [("conv1", 0, [20, 8, 8]),
                                                                                ("maxpool1", 1, [20, 4, 4])]
        assert [decode(m["maps"]).shape for m in data["layers"]] == [(MAP_CHANNELS, 8, 8), (MAP_CHANNELS, 4, 4)]
    # the same probe gives the same maps whichever others share the pass
    alone = maps.events([2])[0]
    assert alone["layers"][0]["maps"]["data"] == found[1]["layers"][0]["maps"]["data"]


def test_large_maps_are_averaged_two_by_two_until_they_fit():
    big, small = torch.ones(16, 64, 64), torch.ones(16, 8, 8)
    shrunk = shrink([big, small], budget=20_000)
    assert [tuple(m.shape) for m in shrunk] == [(16, 32, 32), (16, 8, 8)]
    assert torch.allclose(shrunk[0], torch.ones(16, 32, 32))  # an average, not a sample
    assert [tuple(m.shape) for m in shrink([big], budget=16 * 16 * 16)] == [(16, 16, 16)]


def test_a_diverged_network_sends_no_maps():
    maps = probe()
    with torch.no_grad():
        next(maps.model.parameters()).fill_(float("nan"))
    assert maps.events([0]) is None


def test_feature_maps_are_a_frame_kept_per_probe():
    assert (PROBE.type, PROBE.cadence.value, PROBE.storage.value) == ("feature_maps", "frame", "latest_per_probe")
    assert PROBE.slot({"probe": 3}) == "feature_maps:3"
