"""`boundary` events for 2-D data: the output and every hidden neuron over the plane."""
from __future__ import annotations

import math

import numpy as np
import torch
from pydantic import Field

from ..choices import ACTIVATIONS
from ..events import quantized, quantized_rows, tensor_rows
from ..kinds.points.batched_net import StackedMLP
from ..kinds.points.datasets import EXTENT, featurize
from ..kinds.points.model import MLP
from ..losses import Head
from .base import Cadence, Probe, Storage
from .dataset import dataset_event_data  # noqa: F401  (2-D data's other event; callers import it here)
from .payload import Extent, Payload, Tensor


class Neuron(Payload):
    """One hidden unit's activation over the plane."""

    layer: int = Field(ge=0, description="The hidden layer, counting from 0.")
    unit: int = Field(ge=0, description="The unit within its layer, counting from 0.")
    map: Tensor = Field(description="uint8 g×g; min/max is the activation's range when bounded.")


class BoundaryData(Payload):
    """`data` of a `boundary` event: the network over the plane (2-D data). Row 0 of every grid is the
    top of the plane (ymax), column 0 is xmin."""

    extent: Extent = Field(description="[xmin, xmax, ymin, ymax] of the plane.")
    output: Tensor = Field(description="uint8 G×G (G = stream.grid): the network's output; min/max its range. "
                           "With more than two classes: the winning class's softmax probability, in [0, 1].")
    classes: Tensor = Field(None, description="Only with more than two classes (k = data.classes): uint8 G×G, "
                            "min 0 and max 255, so that each byte is the index of the class the network picks "
                            "there (the argmax of its k outputs).")
    neurons: list[Neuron] = Field(description="Every hidden unit, input side first.")
    weights: list[Tensor] = Field(description="float16 out×in per layer: the hidden layers, then the output.")
    biases: list[Tensor] = Field(description="float16 out per layer.")


PROBE = Probe("boundary", BoundaryData, Cadence.FRAME, Storage.LATEST,
              "A frame of the decision boundary and every hidden neuron, at most stream.max_fps a second.")

# All neuron maps of a frame share this many bytes, so a frame stays small whatever the width of
# the network (32 KB on the wire at most for the playground's sizes); each map gets g×g cells.
NEURON_BYTES = 12_000
NEURON_GRID_MIN, NEURON_GRID_MAX = 8, 32


def neuron_grid(n_neurons: int) -> int:
    if n_neurons == 0:
        return NEURON_GRID_MIN
    return max(NEURON_GRID_MIN, min(NEURON_GRID_MAX, math.isqrt(NEURON_BYTES // n_neurons)))


def plane(size: int, extent: tuple[float, float, float, float] = EXTENT) -> np.ndarray:
    """(size², 2) points of a size×size grid; row 0 is the top (ymax), column 0 is xmin."""
    xmin, xmax, ymin, ymax = extent
    ys, xs = np.meshgrid(np.linspace(ymax, ymin, size), np.linspace(xmin, xmax, size), indexing="ij")
    return np.stack([xs.ravel(), ys.ravel()], axis=1).astype(np.float32)


class BoundaryProbe:
    """Evaluates the network over fixed grids; the grids' features are computed once. An uploaded dataset's
    `table_plane` (kinds/points/table.py) says which two of its features the plane is, and where."""

    def __init__(self, model: MLP, head: Head, features: list[str], layers: list[dict], grid: int, device,
                 table_plane=None):
        self.model, self.head, self.grid, self.features = model, head, grid, tuple(features)
        self.layers, self.net = layers, StackedMLP(layers)  # its own network alone: a batch of one
        self.cells = neuron_grid(sum(layer["units"] for layer in layers))
        self.extent = tuple(table_plane.extent if table_plane is not None else EXTENT)
        inputs = table_plane.inputs if table_plane is not None else (lambda points: featurize(points, features))
        self.output_inputs = torch.from_numpy(inputs(plane(grid, self.extent))).to(device)
        self.neuron_inputs = torch.from_numpy(inputs(plane(self.cells, self.extent))).to(device)

    @property
    def plane(self) -> tuple:
        """What its grids' inputs are made of: probes alike in this draw the same inputs (frames() of many)."""
        return self.grid, self.cells, self.extent, self.features

    def frame(self) -> dict | None:
        """The `boundary` data, or None when the network's outputs are not finite (it diverged)."""
        params = {name: p.detach().unsqueeze(0) for name, p in self.model.named_parameters()}
        buffers = {name: b.unsqueeze(0) for name, b in self.model.named_buffers()}
        return self.frames(self.net, params, buffers)[0]

    @torch.inference_mode()
    def frames(self, net: StackedMLP, params: dict, buffers: dict) -> list[dict | None]:
        """The `boundary` data of R networks of this probe's structure and plane, stacked (R, ...) as
        kinds/points/batched.py stacks a batch's runs, all evaluated at once as the model would predict
        (dropout off, batch norm on running statistics): a run's frame is the same alone (R = 1) as in a
        batch. None for a network whose outputs are not finite (it diverged)."""
        out = net.forward_shared(params, buffers, self.output_inputs)  # (R, G², n_outputs)
        hidden: list[torch.Tensor] = []
        net.forward_shared(params, buffers, self.neuron_inputs, hidden)  # [(R, g², units)] per layer
        winners = None
        if self.head.n_classes > 2:
            score, winners = torch.softmax(out, dim=2).max(dim=2)  # (R, G²) confidence, (R, G²) class
        else:
            score = self.head.score(out.flatten(0, 1)).view(out.shape[:2])  # (R, G²)
        frames = self.payloads(score, hidden, *net.weights(params))
        if winners is not None:  # bytes are class indices: 0..255 onto [0, 255]
            for data, classes in zip(frames, winners):
                if data is not None:
                    data["classes"] = quantized(classes.reshape(self.grid, self.grid), 0, 255)
        return frames

    def payloads(self, score: torch.Tensor, hidden: list[torch.Tensor], weights: list[torch.Tensor],
                 biases: list[torch.Tensor]) -> list[dict | None]:
        """The data of R networks from their stacked score (R, G²), hidden activations [(R, g², units)] and
        layers [(R, out, in)], [(R, out)]: one finiteness test, one quantisation and one float16
        conversion for all of them, not one each."""
        runs = score.shape[0]
        finite = torch.isfinite(score).all(1)
        for values in hidden:  # the largest magnitude is finite where every value is (NaN and inf carry)
            finite &= torch.isfinite(values.abs().amax((1, 2)))
        lo, hi = self.head.score_range
        outputs = quantized_rows(score.clamp(lo, hi).reshape(runs, self.grid, self.grid), lo, hi)
        maps = []  # per layer: each run's maps, unit by unit
        for layer, values in zip(self.layers, hidden):
            bounds = ACTIVATIONS[layer["activation"]].range or (None, None)
            units = values.shape[2]
            grids = values.transpose(1, 2).reshape(runs * units, self.cells, self.cells)  # (R·units, g, g)
            rows = quantized_rows(grids, *bounds)
            maps.append([rows[r * units:(r + 1) * units] for r in range(runs)])
        layer_weights = [tensor_rows(w) for w in weights]
        layer_biases = [tensor_rows(b) for b in biases]
        extent = list(self.extent)
        return [{
            "extent": extent.copy(),
            "output": outputs[r],
            "neurons": [{"layer": index, "unit": unit, "map": cell_map}
                        for index, layer_maps in enumerate(maps) for unit, cell_map in enumerate(layer_maps[r])],
            "weights": [w[r] for w in layer_weights],
            "biases": [b[r] for b in layer_biases],
        } if ok else None for r, ok in enumerate(finite.tolist())]


def feature_maps(features: list[str], size: int) -> list[dict]:
    """Each input feature over the plane (size×size), as the network's first column sees it."""
    values = featurize(plane(size), features)  # (size², F)
    return [{"name": name, "map": quantized(values[:, i].reshape(size, size))} for i, name in enumerate(features)]
