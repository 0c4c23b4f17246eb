"""`feature_maps` events: what every conv, pooling and residual layer makes of a few fixed test images.

The probes are the first test image of each class (at most MAX_PROBES), so the same pictures are
watched for the whole run. One event carries one probe; each frame sends the next probe in turn, and
a forced frame (start, pause, end) sends them all, so every probe's latest maps are always at hand.
"""
from __future__ import annotations

from typing import Annotated

import torch
from pydantic import Field
from torch.nn import functional as F

from ..events import quantized
from ..kinds.images.model import CNN
from .base import Cadence, Probe, Storage
from .payload import Payload, Tensor


class LayerMaps(Payload):
    """One layer's output for one probe image."""

    name: str = Field(description="The layer's name, as in `metrics.grad_norms`: conv1, maxpool1, res1, "
                      "res1.conv2, ... (a layer inside a residual block is named after the block).")
    layer: int = Field(ge=0, description="Its index in `model.layers` (a residual block's, for a layer inside it).")
    shape: list[Annotated[int, Field(ge=1)]] = Field(description="The layer's whole output, C×H×W.")
    maps: Tensor = Field(description="uint8 c×h×w: the first c ≤ 16 channels; h×w is the layer's own size, or "
                         "a 2×2-averaged one where all maps together would pass 32,000 values. min/max: the range "
                         "of the values sent.")


class FeatureMapsData(Payload):
    """`data` of a `feature_maps` event (image data): what every conv2d, pooling and residual layer makes of
    one probe image, a fixed test image (the first of each class, at most 10)."""

    probe: int = Field(ge=0, description="Which probe, counting from 0; the same image all run long.")
    index: int = Field(ge=0, description="The probe's position in the test split.")
    label: str = Field(description="Its true class.")
    predicted: str = Field(description="The class the network gives it now.")
    probabilities: list[float] = Field(description="The softmax probability of every class, in class order.")
    input: Tensor = Field(description="uint8 C×H×W: the image itself, min 0 and max 1.")
    layers: list[LayerMaps] = Field(description="Every conv2d, maxpool2d, avgpool2d and residual layer, input "
                                    "side first (a residual block's own layers before the block's sum).")


PROBE = Probe("feature_maps", FeatureMapsData, Cadence.FRAME, Storage.LATEST_PER_PROBE,
              "One probe image's feature maps: one probe per frame in turn, at most stream.max_fps frames a "
              "second,\nand every probe at the start, at each pause and at the end.")

MAX_PROBES = 10  # one per class: all ten digits
MAP_CHANNELS = 16  # channels sent per layer, the first ones
MAP_BYTES = 32_000  # all maps of one event together; larger layers are average-pooled 2×2 until it fits


def probe_indices(labels: torch.Tensor, n_classes: int) -> list[int]:
    """The index of the first test image of each class, in class order (classes absent from the split skipped)."""
    found = []
    for c in range(n_classes):
        hits = (labels == c).nonzero()
        if len(hits):
            found.append(int(hits[0]))
    return found[:MAX_PROBES]


def shrink(maps: list[torch.Tensor], budget: int = MAP_BYTES) -> list[torch.Tensor]:
    """Halve the largest maps' height and width until all of them together fit in `budget` bytes (uint8)."""
    maps = list(maps)
    while sum(m.numel() for m in maps) > budget:
        largest = max(range(len(maps)), key=lambda i: maps[i].shape[-1] * maps[i].shape[-2])
        if maps[largest].shape[-1] <= 1 and maps[largest].shape[-2] <= 1:
            break
        maps[largest] = F.avg_pool2d(maps[largest][None], 2, ceil_mode=True)[0]
    return maps


class FeatureMapProbe:
    def __init__(self, model: CNN, images: torch.Tensor, labels: torch.Tensor, classes: list[str]):
        self.model, self.classes = model, classes
        self.indices = probe_indices(labels, len(classes))
        self.images = images[self.indices]  # (P, C, H, W)
        self.labels = labels[self.indices].tolist()
        self.next = 0

    @property
    def count(self) -> int:
        return len(self.indices)

    def take_turn(self) -> int:
        """The probe whose turn it is in the round."""
        probe, self.next = self.next, (self.next + 1) % max(self.count, 1)
        return probe

    @torch.inference_mode()
    def events(self, probes: list[int]) -> list[dict] | None:
        """`feature_maps` data for these probes (one forward pass for all), or None if not finite."""
        was_training = self.model.training
        self.model.eval()  # the network as it would predict: no dropout, batch norm on running statistics
        try:
            out, recorded = self.model.forward_with_maps(self.images[probes])  # [(step, (p, C, H, W))]
        finally:
            self.model.train(was_training)
        if not torch.isfinite(out).all() or not all(torch.isfinite(v).all() for _, v in recorded):
            return None
        probabilities = torch.softmax(out.float(), dim=1).cpu()
        maps = [values[:, :MAP_CHANNELS].float().cpu() for _, values in recorded]
        found = []
        for row, probe in enumerate(probes):
            layers = shrink([m[row] for m in maps])
            found.append({
                "probe": probe,
                "index": self.indices[probe],
                "label": self.classes[self.labels[probe]],
                "predicted": self.classes[int(probabilities[row].argmax())],
                "probabilities": [round(float(p), 4) for p in probabilities[row]],
                "input": quantized(self.images[probe], 0.0, 1.0),
                "layers": [{"name": step.name, "layer": step.path[0], "shape": list(step.shape_out),
                            "maps": quantized(layer)} for (step, _), layer in zip(recorded, layers)],
            })
        return found

