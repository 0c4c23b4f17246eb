"""Convolutional (and dense) networks on paper: every layer's output shape, worked out before anything is built.

plan() walks a spec's layers from the image's shape (or a 2-D dataset's features), as a student would on
paper: each layer's output shape and parameter count, and the first layer that cannot work, named with the
shapes that make it impossible. model.CNN builds exactly what plan() described, so the two cannot disagree.

Shapes leave out the batch: (C, H, W) for images, (F,) once flat.
"""
from __future__ import annotations

import math
from typing import Callable

from ...choices import ACTIVATIONS
from ...plan import Impossible, Plan, Shape, Step, who

# Layers whose output is a stack of feature maps worth drawing (feature_maps events).
MAP_TYPES = frozenset({"conv2d", "maxpool2d", "avgpool2d", "residual"})
SHORT_NAMES = {"conv2d": "conv", "maxpool2d": "maxpool", "avgpool2d": "avgpool", "global_avgpool": "gap",
               "residual": "res"}


def show(shape: Shape) -> str:
    return "×".join(map(str, shape)) if len(shape) == 3 else f"{shape[0]} values"


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


# Every layer type but `residual` (which plan() handles, as it holds layers of its own); model.MODULES
# builds each under the same name.
SHAPES: dict[str, Callable[[dict, Shape], tuple[Shape, int]]] = {
    "dense": _dense_shape,
    "conv2d": _conv_shape,
    "maxpool2d": _pool_shape,
    "avgpool2d": _pool_shape,
    "global_avgpool": lambda layer, shape: ((_image(layer, shape)[0],), 0),
    "flatten": lambda layer, shape: ((math.prod(shape),), 0),
    "dropout": lambda layer, shape: (shape, 0),
    "batchnorm": lambda layer, shape: (shape, 2 * shape[0]),
}


# -- the plan -------------------------------------------------------------------------------------------


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
                out, parameters = SHAPES[kind](layer, shape)
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


def is_map(step: Step) -> bool:
    return step.type in MAP_TYPES and len(step.shape_out) == 3  # a residual block of dense layers is not
