"""The filters probe: every conv2d layer's weights, cut to the budget, residual blocks' layers included."""
from __future__ import annotations

import numpy as np
import torch

from workers.engine.events import decode
from workers.engine.probes.filters import (FILTER_VALUES, FILTERS_IN, FILTERS_OUT, PROBE, FiltersData, filters_event,
                                           sent_shape)

from .models import cnn


def test_every_conv_layer_sends_its_first_filters_as_they_are():
    model = cnn((3, 8, 8), 2, {"type": "conv2d", "filters": 40, "kernel": 3}, {"type": "maxpool2d"},
                {"type": "residual", "layers": [{"type": "conv2d", "filters": 40, "kernel": 1}]},
                {"type": "global_avgpool"})
    data = filters_event(model)
    FiltersData.model_validate(data)
    assert [(f["name"], f["layer"], f["shape"]) for f in data["layers"]] == [("conv1", 0, [40, 3, 3, 3]),
                                                                            ("res1.conv1", 2, [40, 40, 1, 1])]
    first, inner = (decode(f["weights"]) for f in data["layers"])
    assert first.shape == (FILTERS_OUT, 3, 3, 3) and inner.shape == (FILTERS_OUT, FILTERS_IN, 1, 1)
    weight = model.convolutions()[0][1].weight.detach().numpy()
    assert np.allclose(first, weight[:FILTERS_OUT], atol=1e-3)  # float16 of the real weights


def test_large_kernels_send_fewer_input_channels_then_fewer_filters():
    assert sent_shape(8, 4, 3, 3) == (8, 4)
    assert sent_shape(32, 16, 5, 5) == (32, 4)  # 32·16·25 > 4096: inputs halved to 8, then 4 (3,200 values)
    assert sent_shape(64, 1, 16, 16) == (16, 1)  # one input left: filters halved from 32 to 16
    for shape in [(32, 16, 5, 5), (64, 64, 7, 7), (3, 3, 1, 1)]:
        n_out, n_in = sent_shape(*shape)
        assert n_out * n_in * shape[2] * shape[3] <= FILTER_VALUES


def test_a_diverged_weight_sends_nothing():
    model = cnn((1, 6, 6), 2, {"type": "conv2d", "filters": 2}, {"type": "global_avgpool"})
    with torch.no_grad():
        model.convolutions()[0][1].weight[0, 0, 0, 0] = float("inf")
    assert filters_event(model) is None


def test_filters_are_a_frame_kept_latest_only():
    assert (PROBE.type, PROBE.cadence.value, PROBE.storage.value) == ("filters", "frame", "latest")
