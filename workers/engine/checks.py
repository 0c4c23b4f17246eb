"""Rules a spec must meet beyond its fields: the server's limits, and choices that must agree.

Each problem names the field at fault as a path inside the spec, so the API can
answer with a 422 that points at it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from pydantic import BaseModel, Field

from .cnn_plan import plan
from .choices import output_units, resolve_loss
from .datasets import DATASETS, n_classes
from .images import ImageDataset, image_shape
from .seq_layer_spec import RECURRENT_TYPES, SEQUENCE_TYPES, SHARED_TYPES
from .seq_plan import plan as plan_sequence
from .sequences import SEQUENCE_FIELDS, SequenceDataset, sequence_params, sequence_shape
from .plan import Plan
from .spec import Data, Spec

DEFAULT_FEATURES = Data.model_fields["features"].default


class Limits(BaseModel):
    """What one run may ask for; set by the server (PLAYGROUND_MAX_*)."""
    max_layers: int = Field(10, ge=1)  # in the network's list, and in each residual block's
    max_units: int = Field(256, ge=1)
    max_filters: int = Field(128, ge=1)  # per conv2d layer
    max_kernel: int = Field(9, ge=1)  # a conv2d kernel's side
    max_image_size: int = Field(64, ge=4)  # data.image_size
    max_sequence_length: int = Field(128, ge=2)  # the steps a sequence network sees
    max_heads: int = Field(8, ge=1)  # per attention layer
    max_parameters: int = Field(200_000, ge=1)
    max_samples: int = Field(10_000, ge=4)
    max_epochs: int = Field(100_000, ge=1)
    max_steps: int = Field(5_000_000, ge=1)


@dataclass(frozen=True)
class Problem:
    loc: tuple[str | int, ...]
    msg: str
    type: str = "value_error"


def problems(spec: Spec, limits: Limits) -> list[Problem]:
    found: list[Problem] = []
    name = spec.data.dataset
    task, classes = DATASETS[name].task, n_classes(name, spec.data)
    loss = resolve_loss(spec.train.loss, task, classes)

    if loss in ("bce", "cross_entropy") and task != "classification":
        found.append(Problem(("train", "loss"), f"{loss} needs a classification dataset; "
                             f"{name} is a regression dataset: use mse"))
    if classes > 2 and loss != "cross_entropy":
        found.append(Problem(("train", "loss"), f"{name} has {classes} classes and {loss} is for two: "
                             "use cross_entropy (or auto)"))
    if loss != "mse" and spec.model.output_activation != "auto":
        found.append(Problem(("model", "output_activation"),
                             f"only mse takes an output activation; {loss} fixes its own"))

    n_train = train_size(spec)
    if n_train < 1 or n_train == spec.data.n_samples:
        found.append(Problem(("data", "test_fraction"), f"leaves {n_train} of {spec.data.n_samples} points "
                             "for training; both the training and the test set need at least one"))
    if spec.data.n_samples > limits.max_samples:
        found.append(_over(("data", "n_samples"), limits.max_samples))
    found += _data_problems(spec, limits)
    layer_problems = _layer_problems(spec, limits)
    found += layer_problems
    if not layer_problems:
        n_params, impossible = _parameters(spec)
        if impossible is not None:
            found.append(impossible)
        elif n_params > limits.max_parameters:
            found.append(Problem(("model", "layers"), f"the network has {n_params} parameters; "
                                 f"this server allows at most {limits.max_parameters}", "too_large"))

    if spec.train.epochs > limits.max_epochs:
        found.append(_over(("train", "epochs"), limits.max_epochs))
    if spec.train.max_steps is not None and spec.train.max_steps > limits.max_steps:
        found.append(_over(("train", "max_steps"), limits.max_steps))
    if spec.train.max_steps is None and _steps(spec) > limits.max_steps:
        found.append(Problem(("train", "epochs"), f"{spec.train.epochs} epochs are {_steps(spec)} steps at this "
                             f"batch size; this server allows at most {limits.max_steps}: set train.max_steps "
                             "or fewer epochs", "too_large"))
    return found


def _data_problems(spec: Spec, limits: Limits) -> list[Problem]:
    """Fields that belong to one kind of dataset only, and what an image collection holds."""
    data, dataset, found = spec.data, DATASETS[spec.data.dataset], []
    if isinstance(dataset, SequenceDataset):
        return _sequence_data_problems(spec, dataset, limits)
    for key in SEQUENCE_FIELDS:
        if getattr(data, key) is not None:
            kind = "an image" if dataset.kind == "image" else "a 2-D"
            found.append(Problem(("data", key), f"{data.dataset} is {kind} dataset: {key} is for the sequence "
                                 "datasets"))
    if isinstance(dataset, ImageDataset):
        if dataset.max_samples is not None and data.n_samples > dataset.max_samples:
            found.append(Problem(("data", "n_samples"), f"{data.dataset} has {dataset.max_samples} images; "
                                 f"n_samples is {data.n_samples}", "too_large"))
        if data.features != DEFAULT_FEATURES:
            found.append(Problem(("data", "features"), f"{data.dataset} is an image dataset: the network sees "
                                 "the pixels; features are for the 2-D datasets"))
        if data.image_size is not None and data.image_size > limits.max_image_size:
            found.append(_over(("data", "image_size"), limits.max_image_size))
        return found
    for key in ("image_size", "augment"):
        if getattr(data, key) is not None:
            found.append(Problem(("data", key), f"{data.dataset} is a 2-D dataset: {key} is for the image "
                                 "datasets (digits, shapes, textures)"))
    return found


def _sequence_data_problems(spec: Spec, dataset: SequenceDataset, limits: Limits) -> list[Problem]:
    data, found = spec.data, []
    if data.features != DEFAULT_FEATURES:
        found.append(Problem(("data", "features"), f"{data.dataset} is a sequence dataset: the network sees its "
                             "tokens (or values); features are for the 2-D datasets"))
    for key in ("image_size", "augment"):
        if getattr(data, key) is not None:
            found.append(Problem(("data", key), f"{data.dataset} is a sequence dataset: {key} is for the image "
                                 "datasets (digits, shapes, textures)"))
    for key in SEQUENCE_FIELDS:
        value = getattr(data, key)
        if value is None:
            continue
        if key not in dataset.parameters:
            takes = ", ".join(dataset.parameters) or "none"
            found.append(Problem(("data", key), f"{data.dataset} does not take {key} (it takes: {takes})"))
        elif not dataset.bounds[key][0] <= value <= dataset.bounds[key][1]:
            lo, hi = dataset.bounds[key]
            found.append(Problem(("data", key), f"{data.dataset} takes {key} from {lo} to {hi}", "out_of_range"))
    if not found:
        params, steps = sequence_params(data.dataset, data), sequence_shape(data.dataset, data)[0]
        if data.dataset == "sine" and params["horizon"] >= params["length"]:
            found.append(Problem(("data", "horizon"), f"a horizon of {params['horizon']} hides all "
                                 f"{params['length']} values: it must be shorter than the length"))
        if steps > limits.max_sequence_length:
            found.append(Problem(("data", "length" if "length" in params else "digits"), f"the sequences are "
                                 f"{steps} steps long; this server allows at most {limits.max_sequence_length}",
                                 "too_large"))
    return found


KIND_LAYERS = {"2d": frozenset({"dense"}), "sequence": SEQUENCE_TYPES | SHARED_TYPES}
NEEDS = {"2d": "2-D dataset, whose networks take dense layers only",
         "image": "image dataset, whose networks take dense, conv2d, pooling, flatten, dropout, batchnorm and "
                  "residual layers",
         "sequence": "sequence dataset, whose networks take embedding, positional, rnn, lstm, gru, "
                     "transformer_block, decoder_block, dense and dropout layers"}
SIZES = ("units", "filters", "kernel", "dim", "hidden", "width", "ff", "heads")


def _layer_problems(spec: Spec, limits: Limits) -> list[Problem]:
    """Counts and sizes against the server's limits, and layer types against the kind of dataset."""
    found, layers = [], spec.model.layers
    dataset = DATASETS[spec.data.dataset]
    allowed = KIND_LAYERS.get(dataset.kind)
    if len(layers) > limits.max_layers:
        found.append(_over(("model", "layers"), limits.max_layers, "layers"))
    for i, layer in enumerate(layers):
        wrong = (layer.type not in allowed) if allowed is not None else layer.type in SEQUENCE_TYPES
        if wrong:
            found.append(Problem(("model", "layers", i, "type"), f"layer {i} ({layer.type}): {spec.data.dataset} "
                                 f"is a {NEEDS[dataset.kind]}"))
        elif getattr(dataset, "causal", False):
            found += _peeking(spec.data.dataset, i, layer)
        inner = getattr(layer, "layers", [])
        if len(inner) > limits.max_layers:
            found.append(_over(("model", "layers", i, "layers"), limits.max_layers, "layers in a block"))
        for path, each in [((i,), layer), *(((i, "layers", j), x) for j, x in enumerate(inner))]:
            maxima = {"filters": limits.max_filters, "kernel": limits.max_kernel, "heads": limits.max_heads}
            for key in SIZES:
                limit = maxima.get(key, limits.max_units)
                if (getattr(each, key, 0) or 0) > limit:
                    found.append(_over(("model", "layers", *path, key), limit))
    return found


def _peeking(dataset: str, i: int, layer) -> list[Problem]:
    """On a next-token task, a layer that sees later steps would learn to copy the answer."""
    who = f"layer {i} ({layer.type}): {dataset} asks for the next token, which the input already holds one step on"
    if layer.type in RECURRENT_TYPES and layer.bidirectional:
        return [Problem(("model", "layers", i, "bidirectional"), f"{who}; a bidirectional layer reads it: "
                        "set bidirectional to false")]
    if layer.type == "transformer_block" and not layer.causal:
        return [Problem(("model", "layers", i, "causal"), f"{who}; attention without a causal mask sees it: "
                        "set causal to true")]
    if layer.type == "decoder_block":
        return [Problem(("model", "layers", i, "type"), f"{who}; a decoder's cross-attention sees the whole "
                        "input: use causal transformer blocks or a one-way recurrent layer")]
    return []


def network_plan(spec: Spec) -> tuple[Plan, tuple, int]:
    """The network a spec describes, layer by layer (shapes, parameters, the first impossible layer), with
    its input shape (C×H×W, T, or the number of 2-D features) and the output layer's units."""
    name = spec.data.dataset
    classes = n_classes(name, spec.data)
    n_outputs = output_units(spec.train.loss, DATASETS[name].task, classes)
    layers = [layer.model_dump() for layer in spec.model.layers]
    if isinstance(DATASETS[name], SequenceDataset):
        shape = sequence_shape(name, spec.data)
        return plan_sequence(shape, layers, n_outputs, classes), shape, n_outputs
    if isinstance(DATASETS[name], ImageDataset):
        shape = image_shape(name, spec.data.image_size)
    else:
        shape = (len(spec.data.features),)
    return plan(shape, layers, n_outputs), shape, n_outputs


def _parameters(spec: Spec) -> tuple[int, Problem | None]:
    """The network's parameter count, or the first layer that cannot take its input."""
    planned, _, _ = network_plan(spec)
    if planned.problem is not None:
        loc, msg = planned.problem
        return planned.parameters, Problem(("model", "layers", *loc), msg)
    return planned.parameters, None


def parameters(spec: Spec) -> int:
    """The parameter count of a valid spec's network (for routing it to a queue)."""
    return _parameters(spec)[0]


def train_size(spec: Spec) -> int:
    return spec.data.n_samples - int(round(spec.data.n_samples * spec.data.test_fraction))


def _steps(spec: Spec) -> int:
    batch = min(spec.train.batch_size, max(train_size(spec), 1))
    return spec.train.epochs * math.ceil(train_size(spec) / batch)


def _over(loc: tuple, limit: int, what: str = "") -> Problem:
    return Problem(loc, f"at most {limit}{' ' + what if what else ''} on this server", "too_large")
