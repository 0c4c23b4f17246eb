"""Convolutional networks: the modules that build, step by step, what plan.plan described."""
from __future__ import annotations

import math
from typing import Callable

import torch
from torch import nn

from ...layers import ACTIVATION_MODULES, ACTIVATIONS, Dense
from ...plan import Shape, Step
from .plan import SHAPES, is_map, plan


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
        self.activation = ACTIVATION_MODULES[layer["activation"]](layer["filters"])

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


def _pool(kind):
    return lambda layer, shape: kind(layer["size"], layer["stride"] or layer["size"])


# The module each of plan.SHAPES builds, by the same names: (layer, input shape) -> module.
MODULES: dict[str, Callable[[dict, Shape], nn.Module]] = {
    "dense": lambda layer, shape: Dense(shape[0], layer["units"], layer["activation"], layer["dropout"],
                                        layer["batchnorm"]),
    "conv2d": Conv,
    "maxpool2d": _pool(nn.MaxPool2d),
    "avgpool2d": _pool(nn.AvgPool2d),
    "global_avgpool": lambda layer, shape: GlobalAvgPool(),
    "flatten": lambda layer, shape: nn.Flatten(),
    "dropout": lambda layer, shape: nn.Dropout(layer["rate"]) if layer["rate"] > 0 else nn.Identity(),
    "batchnorm": _batchnorm,
}
assert MODULES.keys() == SHAPES.keys(), "every planned layer type needs a module, and only those"


class Residual(nn.Module):
    """activation(F(x) + projection(x)), with F the block's layers."""

    def __init__(self, step: Step):
        super().__init__()
        self.steps = step.inner
        self.body = nn.ModuleList(MODULES[s.type](s.layer, s.shape_in) for s in step.inner)
        if step.projection is None:
            self.projection = None
        elif step.projection == 0:
            self.projection = nn.Linear(step.shape_in[0], step.shape_out[0], bias=False)
        else:
            self.projection = nn.Conv2d(step.shape_in[0], step.shape_out[0], 1, step.projection, bias=False)
        self.activation = ACTIVATION_MODULES[step.layer["activation"]](step.shape_out[0])

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
        self.blocks = nn.ModuleList(Residual(s) if s.type == "residual" else MODULES[s.type](s.layer, s.shape_in)
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
