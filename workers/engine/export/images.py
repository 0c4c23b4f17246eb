"""An image run's CNN as plain PyTorch source: build_model(), CLASSES, INPUT and predict().

The exported network has the engine's structure (kinds/images/model.py) under the same attribute names
(blocks.0.conv, blocks.2.body.1.norm, ..., output), written as a few small plain nn.Module classes, so its
state dict takes the engine's keys as they are.
"""
from __future__ import annotations

import inspect

from ..choices import ACTIVATIONS
from ..datasets import DATASETS, class_names, n_classes
from ..kinds.images.datasets import image_shape
from ..kinds.images.model import same_padding
from ..kinds.images.plan import SHAPES, plan
from ..layers import Maxout
from ..losses import make_head
from .docstring import module_docstring
from .points import ACTIVATION_CODE, predict_code

# The building blocks the generated code uses, with the engine's attribute names (Conv and Dense serve the
# autoencoder's export too, export/autoencoder.py).
LAYER_BLOCKS = '''

class Conv(nn.Module):
    """zero padding (when uneven) -> convolution -> batch norm? -> activation: one conv2d layer."""

    def __init__(self, conv, activation, pad=None, norm=None):
        super().__init__()
        self.pad, self.conv, self.norm, self.activation = pad, conv, norm, activation

    def forward(self, x):  # (B, C, H, W) -> (B, filters, H', W')
        if self.pad is not None:
            x = self.pad(x)
        x = self.conv(x)
        if self.norm is not None:
            x = self.norm(x)
        return self.activation(x)


class Dense(nn.Module):
    """linear -> batch norm? -> activation -> dropout?"""

    def __init__(self, linear, activation, norm=None, dropout=None):
        super().__init__()
        self.linear, self.norm, self.activation, self.dropout = linear, norm, activation, dropout

    def forward(self, x):
        x = self.linear(x)
        if self.norm is not None:
            x = self.norm(x)
        x = self.activation(x)
        return self.dropout(x) if self.dropout is not None else x
'''
BLOCKS = LAYER_BLOCKS + '''

class GlobalAvgPool(nn.Module):
    def forward(self, x):  # (B, C, H, W) -> (B, C)
        return x.mean(dim=(2, 3))


class Residual(nn.Module):
    """activation(body(x) + projection(x)); no projection: x itself."""

    def __init__(self, body, activation, projection=None):
        super().__init__()
        self.body, self.projection, self.activation = nn.ModuleList(body), projection, activation

    def forward(self, x):
        skip = x if self.projection is None else self.projection(x)
        for layer in self.body:
            x = layer(x)
        return self.activation(x + skip)


class Network(nn.Module):
    """The layers, then a plain linear output layer (the softmax lives in the loss)."""

    def __init__(self, blocks, output):
        super().__init__()
        self.blocks, self.output = nn.ModuleList(blocks), output

    def forward(self, x):  # (B, C, H, W) -> (B, classes)
        for block in self.blocks:
            x = block(x)
        return self.output(x)
'''


def _conv(layer: dict, shape) -> str:
    channels, height, width = shape
    k, s = layer["kernel"], layer["stride"]
    maps = layer["filters"] * ACTIVATIONS[layer["activation"]].pieces
    top, bottom = same_padding(height, k, s) if layer["padding"] == "same" else (0, 0)
    left, right = same_padding(width, k, s) if layer["padding"] == "same" else (0, 0)
    symmetric = top == bottom and left == right
    conv = f"nn.Conv2d({channels}, {maps}, {k}, {s}, padding={(top, left) if symmetric else 0})"
    extra = "" if symmetric else f", pad=nn.ZeroPad2d(({left}, {right}, {top}, {bottom}))"
    if layer["batchnorm"]:
        extra += f", norm=nn.BatchNorm2d({maps})"
    return f"Conv({conv}, {ACTIVATION_CODE[layer['activation']](layer['filters'])}{extra})"


def _dense(layer: dict, shape) -> str:
    width = layer["units"] * ACTIVATIONS[layer["activation"]].pieces
    extra = f", norm=nn.BatchNorm1d({width})" if layer["batchnorm"] else ""
    if layer["dropout"] > 0:
        extra += f", dropout=nn.Dropout({layer['dropout']!r})"
    return f"Dense(nn.Linear({shape[0]}, {width}), {ACTIVATION_CODE[layer['activation']](layer['units'])}{extra})"


def _pool(kind: str):
    return lambda layer, shape: f"nn.{kind}({layer['size']}, {layer['stride'] or layer['size']})"


# The code of the module each of plan.SHAPES builds (kinds/images/model.MODULES), by the same names.
LAYER_CODE = {
    "dense": _dense, "conv2d": _conv, "maxpool2d": _pool("MaxPool2d"), "avgpool2d": _pool("AvgPool2d"),
    "global_avgpool": lambda layer, shape: "GlobalAvgPool()", "flatten": lambda layer, shape: "nn.Flatten()",
    "dropout": lambda layer, shape: f"nn.Dropout({layer['rate']!r})" if layer["rate"] > 0 else "nn.Identity()",
    "batchnorm": lambda layer, shape: f"nn.BatchNorm{2 if len(shape) == 3 else 1}d({shape[0]})",
}
assert LAYER_CODE.keys() == SHAPES.keys(), "every planned layer type needs its code, and only those"


def _step(step, indent: str) -> str:
    if step.type != "residual":
        return LAYER_CODE[step.type](step.layer, step.shape_in)
    inner = "".join(f"{indent}    {_step(s, indent + '    ')},\n" for s in step.inner)
    if step.projection is None:
        projection = ""
    elif step.projection == 0:
        projection = f", projection=nn.Linear({step.shape_in[0]}, {step.shape_out[0]}, bias=False)"
    else:
        projection = (f", projection=nn.Conv2d({step.shape_in[0]}, {step.shape_out[0]}, 1, {step.projection}, "
                      "bias=False)")
    activation = ACTIVATION_CODE[step.layer["activation"]](step.shape_out[0])
    return f"Residual([\n{inner}{indent}], {activation}{projection})"


def head_of(spec):
    return make_head(spec.train.loss, DATASETS[spec.data.dataset].task, spec.model.output_activation,
                     n_classes(spec.data.dataset))


def input_shape(spec) -> tuple[int, int, int]:
    return image_shape(spec.data.dataset, spec.data.image_size)


def model_source(spec, header: str) -> str:
    shape, head = input_shape(spec), head_of(spec)
    planned = plan(shape, [layer.model_dump() for layer in spec.model.layers], head.n_outputs)
    blocks = "".join(f"        {_step(step, '        ')},\n" for step in planned.steps)
    output_note, predict_body = predict_code(head)
    maxout = "\n\n\n" + inspect.getsource(Maxout).rstrip() if "Maxout(" in blocks else ""
    classes = class_names(spec.data.dataset)
    usage = f"answers = [CLASSES[i] for i in predict(model(images))]  # images: (N, {shape[0]}, {shape[1]}, {shape[2]})"
    return module_docstring(header, usage) + f'''import torch
from torch import nn
from torch.nn import functional as F  # noqa: F401 (some output activations use it)

# The network's input: float32 images of this shape (channels, height, width), pixel values in [0, 1].
INPUT = {list(shape)!r}
# The classes, in the order of the outputs.
CLASSES = {classes!r}
# How the output maps to the answer:
OUTPUT = {output_note!r}{maxout}{BLOCKS}

def build_model() -> Network:
    """The network: (N, {", ".join(map(str, shape))}) images -> (N, {head.n_outputs}) outputs."""
    return Network([
{blocks}    ], nn.Linear({planned.output_in[0]}, {head.n_outputs}))


def predict(output: torch.Tensor) -> torch.Tensor:
{predict_body}'''
