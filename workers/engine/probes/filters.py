"""`filters` events: the weights of every conv2d layer, the filters its feature maps come from."""
from __future__ import annotations

import torch

from ..cnn import CNN
from ..events import tensor

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
