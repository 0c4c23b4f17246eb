"""`filters` events: the weights of every conv2d layer, the filters its feature maps come from."""
from __future__ import annotations

from typing import Annotated

import torch
from pydantic import Field

from ..events import tensor
from ..kinds.images.model import CNN
from .base import Cadence, Probe, Storage
from .payload import Payload, Tensor


class LayerFilters(Payload):
    """One conv2d layer's weights."""

    name: str = Field(description="conv1, res1.conv1, ...: as in `feature_maps` and `metrics.grad_norms`.")
    layer: int = Field(ge=0, description="Its index in `model.layers` (a residual block's, for a layer inside it).")
    shape: list[Annotated[int, Field(ge=1)]] = Field(description="The whole weight, out×in×kh×kw (a maxout layer "
                                                     "has two filters per map).")
    weights: Tensor = Field(description="float16 out×in×kh×kw: the first ≤ 32 filters, each over its first "
                            "≤ 16 input channels, fewer where a layer would pass 4,096 values.")


class FiltersData(Payload):
    """`data` of a `filters` event (image data): every conv2d layer's filters, input side first."""

    layers: list[LayerFilters]


PROBE = Probe("filters", FiltersData, Cadence.FRAME, Storage.LATEST,
              "Every conv2d layer's filters, with each frame of feature maps.")

FILTERS_OUT = 32  # filters sent per layer, the first ones
FILTERS_IN = 16  # input channels sent per filter, the first ones
FILTER_VALUES = 4096  # per layer (8 KB as float16): fewer input channels, then fewer filters, until it fits


def sent_shape(out_channels: int, in_channels: int, kh: int, kw: int) -> tuple[int, int]:
    """How many filters and input channels of a layer fit the budget."""
    n_out, n_in = min(out_channels, FILTERS_OUT), min(in_channels, FILTERS_IN)
    while n_out * n_in * kh * kw > FILTER_VALUES and n_in > 1:
        n_in = (n_in + 1) // 2
    while n_out * n_in * kh * kw > FILTER_VALUES and n_out > 1:
        n_out = (n_out + 1) // 2
    return n_out, n_in


@torch.no_grad()
def filters_event(model: CNN) -> dict | None:
    """`filters` data, or None when a weight is not finite (the run diverged)."""
    layers = []
    for step, conv in model.convolutions():
        weight = conv.weight  # (out, in, kh, kw); a maxout layer's holds both pieces of each filter
        if not torch.isfinite(weight).all():
            return None
        n_out, n_in = sent_shape(*weight.shape)
        layers.append({"name": step.name, "layer": step.path[0], "shape": list(weight.shape),
                       "weights": tensor(weight[:n_out, :n_in])})
    return {"layers": layers}
