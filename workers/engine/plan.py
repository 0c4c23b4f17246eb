"""The vocabulary of a network planned on paper, shared by every kind's planner and builder.

A plan walks a spec's layers from the input's shape, as a student would: each layer's output shape and
parameter count, and the first layer that cannot work (kinds/images/plan.py for images and 2-D
points, kinds/sequences/plan.py for sequences). The builders (each kind's model.py) build exactly the steps a
plan lists.
Shapes leave out the batch.
"""
from __future__ import annotations

from dataclasses import dataclass, field

Shape = tuple[int, ...]


class Impossible(Exception):
    """A layer that cannot take the shape it is given; `field` is the spec field to blame."""

    def __init__(self, field_: str, message: str):
        super().__init__(message)
        self.field, self.message = field_, message
        self.path: tuple[int, ...] | None = None  # filled in by the walk that meets it


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
