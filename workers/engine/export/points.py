"""The 2-D points' network as plain PyTorch source: build_model(), features() and predict().

An uploaded dataset's network (data.table) takes its standardised columns instead of the plane's features:
export/table.py writes its features() and labels.

The engine's MLP (kinds/points/model.py) nests its layers (hidden.0.linear, hidden.0.norm, ...); the
exported model is one flat nn.Sequential with readable names (dense1, dense1_norm, dense1_tanh, ...,
output), built in the same order, so it draws the same random numbers at construction and computes the
same operations. key_map() says which engine state-dict key each exported key comes from.
"""
from __future__ import annotations

import inspect

from ..choices import ACTIVATIONS, OUTPUT_ACTIVATIONS
from ..datasets import dataset_of, n_classes
from ..kinds.points.datasets import FEATURES, PLANE_DATASETS
from ..kinds.points.model import n_inputs
from ..layers import Maxout
from ..losses import make_head
from . import table
from .docstring import module_docstring
from .errors import NotExportable

# The code of each activation module (choices.ACTIVATIONS), given the layer's units.
ACTIVATION_CODE = {
    "sigmoid": lambda u: "nn.Sigmoid()", "tanh": lambda u: "nn.Tanh()", "relu": lambda u: "nn.ReLU()",
    "leaky_relu": lambda u: "nn.LeakyReLU(0.01)", "prelu": lambda u: f"nn.PReLU({u}, init=0.25)",
    "elu": lambda u: "nn.ELU()", "selu": lambda u: "nn.SELU()", "softplus": lambda u: "nn.Softplus()",
    "linear": lambda u: "nn.Identity()", "maxout": lambda u: f"Maxout({ACTIVATIONS['maxout'].pieces})",
}
# The output activation applied to `output` (choices.OUTPUT_ACTIVATIONS).
OUTPUT_CODE = {
    "linear": "output", "sigmoid": "torch.sigmoid(output)", "tanh": "torch.tanh(output)",
    "relu": "torch.relu(output)", "leaky_relu": "F.leaky_relu(output)", "elu": "F.elu(output)",
    "selu": "F.selu(output)", "softplus": "F.softplus(output)",
}
# Each input feature (kinds/points/datasets.FEATURES) as numpy code on float32 columns x1, x2: the same
# operations the engine's featurize() makes, so the inputs are the same bits.
FEATURE_CODE = {"x1": "x1", "x2": "x2", "x1_sq": "x1 * x1", "x2_sq": "x2 * x2", "x1_x2": "x1 * x2",
                "sin_x1": "np.sin(x1)", "sin_x2": "np.sin(x2)"}
assert ACTIVATION_CODE.keys() == ACTIVATIONS.keys(), "every activation needs its code, and only those"
assert OUTPUT_CODE.keys() == set(OUTPUT_ACTIVATIONS), "every output activation needs its code, and only those"
assert FEATURE_CODE.keys() == FEATURES.keys(), "every input feature needs its code, and only those"


def check(spec) -> None:
    if spec.data.table is None and spec.data.dataset not in PLANE_DATASETS:
        raise NotExportable(f"export is not available for the dataset {spec.data.dataset!r} yet")


def modules(spec) -> list[tuple[str, str, str | None]]:
    """(exported name, its code, the engine's module path whose state it holds, or None) in forward order."""
    return mlp_modules(n_inputs(spec.data), spec.model.layers, head_of(spec).n_outputs)


def mlp_modules(fan_in: int, layers, n_outputs: int, engine: str = "") -> list[tuple[str, str, str | None]]:
    """The modules of the engine's MLP (kinds/points/model.py) of these layers, flat; `engine` prefixes the
    engine's module paths (a GAN's two networks)."""
    out = []
    for i, layer in enumerate(layers):
        name, width = f"dense{i + 1}", layer.units * ACTIVATIONS[layer.activation].pieces
        out.append((name, f"nn.Linear({fan_in}, {width})", f"{engine}hidden.{i}.linear"))
        if layer.batchnorm:
            out.append((f"{name}_norm", f"nn.BatchNorm1d({width})", f"{engine}hidden.{i}.norm"))
        out.append((f"{name}_{layer.activation}", ACTIVATION_CODE[layer.activation](layer.units),
                    f"{engine}hidden.{i}.activation"))
        if layer.dropout > 0:
            out.append((f"{name}_dropout", f"nn.Dropout({layer.dropout!r})", None))
        fan_in = layer.units
    out.append(("output", f"nn.Linear({fan_in}, {n_outputs})", f"{engine}output"))
    return out


def sequential_code(modules: list[tuple[str, str, str | None]], indent: str = "    ") -> str:
    """`nn.Sequential(OrderedDict([...]))` of the modules, by their exported names."""
    layers = "".join(f'{indent}    ("{name}", {code}),\n' for name, code, _ in modules)
    return f"nn.Sequential(OrderedDict([\n{layers}{indent}]))"


def maxout_code(*layer_lists) -> str:
    """The Maxout module's source, where a layer uses it (it is not in torch.nn)."""
    used = any(layer.activation == "maxout" for layers in layer_lists for layer in layers)
    return "\n\n\n" + inspect.getsource(Maxout).rstrip() if used else ""


def key_map(modules: list[tuple[str, str, str | None]], engine_keys, exported: str = "") -> dict[str, str]:
    """Exported state-dict key -> the engine's key it is copied from, for the engine keys of these modules;
    `exported` prefixes the exported keys."""
    prefixes = {path: name for name, _, path in modules if path is not None}
    mapped = {}
    for key in engine_keys:
        path, _, leaf = key.rpartition(".")
        if path not in prefixes:
            raise NotExportable(f"the stored weights have a key {key!r} this export does not know")
        mapped[f"{exported}{prefixes[path]}.{leaf}"] = key
    return mapped


def head_of(spec):
    data = spec.data
    return make_head(spec.train.loss, dataset_of(data).task, spec.model.output_activation,
                     n_classes(data.dataset, data))


def predict_code(head) -> tuple[str, str]:
    """(a comment saying how the output maps to the answer, the predict() function's body), for a loss head."""
    activated = OUTPUT_CODE[head.output_activation]
    if head.loss_name == "bce":
        return ("One output, a logit: sigmoid(output) is the probability of class 1.",
                '    """(N, 1) outputs -> (N,) classes: 1 where sigmoid(output) > 0.5, else 0."""\n'
                "    return (torch.sigmoid(output[:, 0]) > 0.5).long()\n")
    if head.loss_name == "cross_entropy":
        return (f"{head.n_outputs} outputs, one logit per class: softmax(output) gives the class probabilities.",
                f'    """(N, {head.n_outputs}) outputs -> (N,) classes: the largest logit."""\n'
                "    return output.argmax(dim=1)\n")
    if head.task == "classification":
        lo, hi = head.score_range
        middle = (lo + hi) / 2
        return (f"One output; {activated} is trained towards {lo!r} for class 0 and {hi!r} for class 1.",
                f'    """(N, 1) outputs -> (N,) classes: 1 where the activated output > {middle!r}, else 0."""\n'
                f"    return ({activated}[:, 0] > {middle!r}).long()\n")
    return (f"One output: the predicted value is {activated}.",
            '    """(N, 1) outputs -> (N,) predicted values."""\n'
            f"    return {activated}[:, 0]\n")


def model_source(spec, header: str) -> str:
    """The whole exported module: a docstring, FEATURES, build_model(), features() and predict()."""
    usage = (table.usage(spec.data) if spec.data.table is not None
             else "answers = predict(model(features([[1.0, -2.0], [0.5, 3.0]])))")
    return module_docstring(header, usage) + model_body(spec)


def model_body(spec) -> str:
    """The module after its docstring: imports, the inputs (FEATURES ...), OUTPUT, build_model(), features() and
    predict()."""
    check(spec)
    head = head_of(spec)
    output_note, predict_body = predict_code(head)
    if spec.data.table is not None:
        inputs, output_note, predict_body = table.inputs_code(spec.data, OUTPUT_CODE[head.output_activation],
                                                             output_note, predict_body)
    else:
        inputs = plane_inputs_code(spec.data.features)
    maxout = maxout_code(spec.model.layers)
    return f'''from collections import OrderedDict

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F  # noqa: F401 (some output activations use it)

{inputs[0]}
# How the output maps to the answer:
OUTPUT = {output_note!r}{maxout}


def build_model() -> nn.Sequential:
    """The network: (N, {n_inputs(spec.data)}) features -> (N, {head.n_outputs}) outputs."""
    return {sequential_code(modules(spec))}


{inputs[1]}

def predict(output: torch.Tensor) -> torch.Tensor:
{predict_body}'''


def plane_inputs_code(features: list[str]) -> tuple[str, str]:
    """(the FEATURES constant, features()) of a generated dataset's network: computed from points of the plane."""
    columns = ", ".join(FEATURE_CODE[f] for f in features)
    return (f"# The network's inputs, in order, each computed from a point (x1, x2) of the plane by features() below.\n"
            f"FEATURES = {features!r}", f'''def features(points) -> torch.Tensor:
    """(N, 2) points (x1, x2) -> (N, {len(features)}) network inputs, as float32 (the training data's precision)."""
    points = np.asarray(points, dtype=np.float32)
    x1, x2 = points[:, 0], points[:, 1]
    return torch.from_numpy(np.stack([{columns}], axis=1).astype(np.float32))
''')
