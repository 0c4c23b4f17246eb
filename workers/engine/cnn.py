"""Convolutional networks: every layer's output shape, worked out before anything is built, and the network.

plan() walks a spec's layers from the image's shape, as a student would on paper: each layer's output
shape and parameter count, and the first layer that cannot work, named with the shapes that make it
impossible. CNN builds exactly what plan() described, so the two cannot disagree.

Shapes leave out the batch: (C, H, W) for images, (F,) once flat.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

import torch
from torch import nn

from .layers import ACTIVATIONS, Dense

Shape = tuple[int, ...]

# Layers whose output is a stack of feature maps worth drawing (feature_maps events).
MAP_TYPES = frozenset({"conv2d", "maxpool2d", "avgpool2d", "residual"})
SHORT_NAMES = {"conv2d": "conv", "maxpool2d": "maxpool", "avgpool2d": "avgpool", "global_avgpool": "gap",
               "residual": "res"}


def show(shape: Shape) -> str:
    return "×".join(map(str, shape)) if len(shape) == 3 else f"{shape[0]} values"


class Impossible(Exception):
    """A layer that cannot take the shape it is given; `field` is the spec field to blame."""

    def __init__(self, field_: str, message: str):
        super().__init__(message)
        self.field, self.message = field_, message
        self.path: tuple[int, ...] | None = None  # filled in by the walk that meets it


# -- shape rules, one per layer type: (layer, input shape) -> (output shape, parameters) -------------


def _image(layer: dict, shape: Shape) -> Shape:
    if len(shape) != 3:
        raise Impossible("type", f"needs an image input (channels×height×width), but gets {show(shape)}: "
                         "put it before any flatten, global_avgpool or dense layer")
    return shape


def _conv_shape(layer: dict, shape: Shape) -> tuple[Shape, int]:
    channels, height, width = _image(layer, shape)
    k, s = layer["kernel"], layer["stride"]
    if layer["padding"] == "valid" and k > min(height, width):
        raise Impossible("kernel", f"kernel {k} is larger than its {height}×{width} input")
    if layer["padding"] == "same":
        out = (math.ceil(height / s), math.ceil(width / s))
    else:
        out = ((height - k) // s + 1, (width - k) // s + 1)
    activation = ACTIVATIONS[layer["activation"]]
    maps = layer["filters"] * activation.pieces
    parameters = maps * (channels * k * k + 1) + (2 * maps if layer["batchnorm"] else 0)
    parameters += layer["filters"] if layer["activation"] == "prelu" else 0
    return (layer["filters"], *out), parameters


def _pool_shape(layer: dict, shape: Shape) -> tuple[Shape, int]:
    channels, height, width = _image(layer, shape)
    size, stride = layer["size"], layer["stride"] or layer["size"]
    if size > min(height, width):
        raise Impossible("size", f"window {size} is larger than its {height}×{width} input")
    return (channels, (height - size) // stride + 1, (width - size) // stride + 1), 0


def _dense_shape(layer: dict, shape: Shape) -> tuple[Shape, int]:
    if len(shape) != 1:
        raise Impossible("type", f"needs a flat input, but gets {show(shape)}: put a flatten or global_avgpool "
                         "layer before it")
    activation = ACTIVATIONS[layer["activation"]]
    width = layer["units"] * activation.pieces
    parameters = shape[0] * width + width + (2 * width if layer["batchnorm"] else 0)
    return (layer["units"],), parameters + (layer["units"] if layer["activation"] == "prelu" else 0)


# -- modules ------------------------------------------------------------------------------------------


def same_padding(size: int, kernel: int, stride: int) -> tuple[int, int]:
    """Zeros before and after, so that the output is ⌈size / stride⌉ (TensorFlow's rule: the odd one after)."""
    total = max((math.ceil(size / stride) - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


class Conv(nn.Module):
    """zero padding -> convolution -> batch norm? -> activation: one conv2d layer of the spec."""

    def __init__(self, layer: dict, shape: Shape):
        super().__init__()
        channels, height, width = shape
        k, s = layer["kernel"], layer["stride"]
        activation = ACTIVATIONS[layer["activation"]]
        maps = layer["filters"] * activation.pieces
        top, bottom = same_padding(height, k, s) if layer["padding"] == "same" else (0, 0)
        left, right = same_padding(width, k, s) if layer["padding"] == "same" else (0, 0)
        symmetric = top == bottom and left == right
        self.pad = None if symmetric else nn.ZeroPad2d((left, right, top, bottom))
        self.conv = nn.Conv2d(channels, maps, k, s, padding=(top, left) if symmetric else 0)
        self.norm = nn.BatchNorm2d(maps) if layer["batchnorm"] else None
        self.activation = activation.build(layer["filters"])

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, C, H, W) -> (B, filters, H', W')
        if self.pad is not None:
            x = self.pad(x)
        x = self.conv(x)
        if self.norm is not None:
            x = self.norm(x)
        return self.activation(x)


class GlobalAvgPool(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, C, H, W) -> (B, C)
        return x.mean(dim=(2, 3))


def _batchnorm(layer: dict, shape: Shape) -> nn.Module:
    return nn.BatchNorm2d(shape[0]) if len(shape) == 3 else nn.BatchNorm1d(shape[0])


@dataclass(frozen=True)
class LayerOp:
    shape: Callable[[dict, Shape], tuple[Shape, int]]
    build: Callable[[dict, Shape], nn.Module]


def _pool(kind):
    return lambda layer, shape: kind(layer["size"], layer["stride"] or layer["size"])


# Every layer type but `residual` (which plan() and Residual handle, as it holds layers of its own).
OPS: dict[str, LayerOp] = {
    "dense": LayerOp(_dense_shape, lambda layer, shape: Dense(shape[0], layer["units"], layer["activation"],
                                                              layer["dropout"], layer["batchnorm"])),
    "conv2d": LayerOp(_conv_shape, Conv),
    "maxpool2d": LayerOp(_pool_shape, _pool(nn.MaxPool2d)),
    "avgpool2d": LayerOp(_pool_shape, _pool(nn.AvgPool2d)),
    "global_avgpool": LayerOp(lambda layer, shape: ((_image(layer, shape)[0],), 0),
                              lambda layer, shape: GlobalAvgPool()),
    "flatten": LayerOp(lambda layer, shape: ((math.prod(shape),), 0), lambda layer, shape: nn.Flatten()),
    "dropout": LayerOp(lambda layer, shape: (shape, 0),
                       lambda layer, shape: nn.Dropout(layer["rate"]) if layer["rate"] > 0 else nn.Identity()),
    "batchnorm": LayerOp(lambda layer, shape: (shape, 2 * shape[0]), _batchnorm),
}


# -- the plan -------------------------------------------------------------------------------------------


@dataclass
class Step:
    """One layer as planned: where it is in the spec, what it is called, what goes in and comes out."""
    path: tuple[int, ...]  # (3,): model.layers[3]; (2, 1): layer 1 of the residual block at model.layers[2]
    name: str  # conv1, maxpool1, dense1, res1, res1.conv1, ...: names in metrics and feature_maps events
    layer: dict
    shape_in: Shape
    shape_out: Shape
    parameters: int
    inner: list["Step"] = field(default_factory=list)  # a residual block's layers
    projection: int | None = None  # a residual block's projection: the 1×1 stride (images), 0 (flat); None: x itself

    @property
    def type(self) -> str:
        return self.layer["type"]


@dataclass
class Plan:
    steps: list[Step]
    output_in: Shape  # what reaches the output layer
    parameters: int  # the whole network's, the output layer included
    problem: tuple[tuple, str] | None  # (loc inside model.layers, message): the first layer that cannot work


def who(path: tuple[int, ...], kind: str) -> str:
    if len(path) == 1:
        return f"layer {path[0]} ({kind})"
    return f"layer {path[0]}.{path[1]} ({kind}, in the residual block at layer {path[0]})"


def _loc(path: tuple[int, ...], field_: str) -> tuple:
    return (path[0], field_) if len(path) == 1 else (path[0], "layers", path[1], field_)


def _walk(layers: list[dict], shape: Shape, prefix: tuple[int, ...], names: str) -> tuple[list[Step], Shape]:
    """Plan a list of layers; raises Impossible with the failing layer's path attached."""
    steps, counts = [], {}
    for index, layer in enumerate(layers):
        path, kind = (*prefix, index), layer["type"]
        counts[kind] = counts.get(kind, 0) + 1
        name = f"{names}{SHORT_NAMES.get(kind, kind)}{counts[kind]}"
        try:
            if kind == "residual":
                step = _residual(layer, shape, path, name)
            else:
                out, parameters = OPS[kind].shape(layer, shape)
                step = Step(path, name, layer, shape, out, parameters)
        except Impossible as error:
            if error.path is None:
                error.path = path
            raise
        steps.append(step)
        shape = step.shape_out
    return steps, shape


def _residual(layer: dict, shape: Shape, path: tuple[int, ...], name: str) -> Step:
    inner, out = _walk(layer["layers"], shape, path, f"{name}.")
    parameters = sum(step.parameters for step in inner)
    projection = None
    if out != shape:
        if len(out) != len(shape):
            raise Impossible("layers", f"its layers turn {show(shape)} into {show(out)}: the skip connection "
                             "cannot add an image and a flat vector")
        if len(shape) == 1:
            projection, parameters = 0, parameters + shape[0] * out[0]
        else:
            (channels, height, width), (maps, out_h, out_w) = shape, out
            projection = next((s for s in range(1, max(height, width) + 1)
                               if math.ceil(height / s) == out_h and math.ceil(width / s) == out_w), None)
            if projection is None:
                raise Impossible("layers", f"its layers turn {show(shape)} into {show(out)}, and no strided 1×1 "
                                 f"projection maps {height}×{width} onto {out_h}×{out_w}: use \"same\" padding "
                                 "inside the block")
            parameters += channels * maps
    parameters += out[0] if layer["activation"] == "prelu" else 0
    return Step(path, name, layer, shape, out, parameters, inner, projection)


def plan(input_shape: Shape, layers: list[dict], n_outputs: int) -> Plan:
    try:
        steps, out = _walk(layers, input_shape, (), "")
    except Impossible as error:
        kind = _layer_at(layers, error.path)["type"]
        return Plan([], input_shape, 0, (_loc(error.path, error.field), f"{who(error.path, kind)}: {error.message}"))
    parameters = sum(step.parameters for step in steps) + (out[0] + 1) * n_outputs
    if len(out) != 1:
        source = f"the last layer, {who(steps[-1].path, steps[-1].type)}, gives" if steps else "the images are"
        return Plan(steps, out, parameters, ((), f"the output layer needs a flat input, but {source} {show(out)}: "
                                                 "end with a flatten or global_avgpool layer"))
    return Plan(steps, out, parameters, None)


def _layer_at(layers: list[dict], path: tuple[int, ...]) -> dict:
    layer = layers[path[0]]
    return layer["layers"][path[1]] if len(path) > 1 else layer


# -- the network ------------------------------------------------------------------------------------------


def is_map(step: Step) -> bool:
    return step.type in MAP_TYPES and len(step.shape_out) == 3  # a residual block of dense layers is not


class Residual(nn.Module):
    """activation(F(x) + projection(x)), with F the block's layers."""

    def __init__(self, step: Step):
        super().__init__()
        self.steps = step.inner
        self.body = nn.ModuleList(OPS[s.type].build(s.layer, s.shape_in) for s in step.inner)
        if step.projection is None:
            self.projection = None
        elif step.projection == 0:
            self.projection = nn.Linear(step.shape_in[0], step.shape_out[0], bias=False)
        else:
            self.projection = nn.Conv2d(step.shape_in[0], step.shape_out[0], 1, step.projection, bias=False)
        self.activation = ACTIVATIONS[step.layer["activation"]].build(step.shape_out[0])

    def forward(self, x: torch.Tensor, record: Callable | None = None) -> torch.Tensor:
        skip = x if self.projection is None else self.projection(x)
        for step, layer in zip(self.steps, self.body):
            x = layer(x)
            if record is not None and is_map(step):
                record(step, x)
        return self.activation(x + skip)


class CNN(nn.Module):
    """The spec's layers from the image on, then a plain linear output layer (its softmax lives in the loss)."""

    def __init__(self, input_shape: Shape, layers: list[dict], n_outputs: int):
        super().__init__()
        planned = plan(input_shape, layers, n_outputs)
        if planned.problem is not None:
            raise ValueError(planned.problem[1])  # checks.problems refuses such a spec before it gets here
        self.steps = planned.steps
        self.blocks = nn.ModuleList(Residual(s) if s.type == "residual" else OPS[s.type].build(s.layer, s.shape_in)
                                    for s in self.steps)
        self.output = nn.Linear(planned.output_in[0], n_outputs)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, C, H, W) -> (B, n_outputs)
        for block in self.blocks:
            x = block(x)
        return self.output(x)

    def forward_with_maps(self, x: torch.Tensor) -> tuple[torch.Tensor, list[tuple[Step, torch.Tensor]]]:
        """The output and the output of every conv, pooling and residual layer, input side first."""
        maps: list[tuple[Step, torch.Tensor]] = []

        def record(step: Step, value: torch.Tensor) -> None:
            maps.append((step, value))

        for step, block in zip(self.steps, self.blocks):
            x = block(x, record) if step.type == "residual" else block(x)
            if is_map(step):
                record(step, x)
        return self.output(x), maps

    def linears(self) -> dict[str, nn.Module]:
        """Every layer with a weight, by display name (conv1, res1.conv1, res1.projection, dense1, ..., output)."""
        named: dict[str, nn.Module] = {}

        def collect(steps: list[Step], blocks) -> None:
            for step, block in zip(steps, blocks):
                if step.type == "conv2d":
                    named[step.name] = block.conv
                elif step.type == "dense":
                    named[step.name] = block.linear
                elif step.type == "residual":
                    collect(step.inner, block.body)
                    if block.projection is not None:
                        named[f"{step.name}.projection"] = block.projection

        collect(self.steps, self.blocks)
        named["output"] = self.output
        return named

    def convolutions(self) -> list[tuple[Step, nn.Conv2d]]:
        """The spec's conv2d layers (not the projections), input side first: their weights are the filters."""
        found = []

        def collect(steps: list[Step], blocks) -> None:
            for step, block in zip(steps, blocks):
                if step.type == "conv2d":
                    found.append((step, block.conv))
                elif step.type == "residual":
                    collect(step.inner, block.body)

        collect(self.steps, self.blocks)
        return found
