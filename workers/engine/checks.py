"""Rules a spec must meet beyond its fields: the server's limits, and choices that must agree.

Each problem names the field at fault as a path inside the spec, so the API can
answer with a 422 that points at it.
"""
from __future__ import annotations

import math

from .choices import output_units, resolve_loss
from .common_layers import type_of
from .datasets import DATASETS, dataset_of, n_classes
from .kinds import KINDS, About
from .limits import Limits, Problem, over
from .plan import Plan
from .spec import Spec

__all__ = ["Limits", "Problem", "network_plan", "parameters", "problems", "train_size"]


def problems(spec: Spec, limits: Limits) -> list[Problem]:
    found: list[Problem] = []
    name = spec.data.dataset
    if (name in DATASETS) == (spec.data.table is not None):
        return [_unknown(spec)]
    task, classes = dataset_of(spec.data).task, n_classes(name, spec.data)
    loss = resolve_loss(spec.train.loss, task, classes)

    if loss in ("bce", "cross_entropy") and task != "classification" and (loss, task) != ("bce", "reconstruction"):
        found.append(Problem(("train", "loss"), f"{loss} needs a classification dataset; "
                             f"{name} is a {task} dataset: use mse"))
    if classes > 2 and loss != "cross_entropy":
        found.append(Problem(("train", "loss"), f"{name} has {classes} classes and {loss} is for two: "
                             "use cross_entropy (or auto)"))
    if loss != "mse" and spec.model.output_activation != "auto":
        found.append(Problem(("model", "output_activation"),
                             f"only mse takes an output activation; {loss} fixes its own"))

    if spec.model.autoencoder is not None and task != "reconstruction":
        found.append(Problem(("model", "autoencoder"), f"{name} is not an autoencoder dataset; model.autoencoder "
                             "is for the autoencoder datasets (ae-digits, ae-shapes)"))
    if spec.stream.gradient_check is not None and dataset_of(spec.data).kind != "2d":
        found.append(Problem(("stream", "gradient_check"), f"{name} is not a 2-D dataset; the gradient check is "
                             "for the 2-D datasets' networks"))

    if spec.gan is not None and dataset_of(spec.data).kind != "gan":
        found.append(Problem(("gan",), f"{name} is not a GAN dataset; gan is for the GAN datasets"))

    n_train = train_size(spec)
    if n_train < 1 or n_train == spec.data.n_samples:
        found.append(Problem(("data", "test_fraction"), f"leaves {n_train} of {spec.data.n_samples} points "
                             "for training; both the training and the test set need at least one"))
    if spec.data.n_samples > limits.max_samples:
        found.append(over(("data", "n_samples"), limits.max_samples))
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
        found.append(over(("train", "epochs"), limits.max_epochs))
    if spec.train.max_steps is not None and spec.train.max_steps > limits.max_steps:
        found.append(over(("train", "max_steps"), limits.max_steps))
    if spec.train.max_steps is None and _steps(spec) > limits.max_steps:
        found.append(Problem(("train", "epochs"), f"{spec.train.epochs} epochs are {_steps(spec)} steps at this "
                             f"batch size; this server allows at most {limits.max_steps}: set train.max_steps "
                             "or fewer epochs", "too_large"))
    return found


def _unknown(spec: Spec) -> Problem:
    """A name that is neither built in nor uploaded (the server fills in an uploaded one's table), or a table
    a client sent with a built-in name."""
    if spec.data.table is not None:
        return Problem(("data", "table"), "the server fills in table from an uploaded dataset; leave it out")
    return Problem(("data", "dataset"), f"no dataset is named {spec.data.dataset!r}: name a built-in one "
                   "(GET /catalog) or one you uploaded (GET /datasets)", "unknown_dataset")


def _data_problems(spec: Spec, limits: Limits) -> list[Problem]:
    """The data as its kind checks it: fields that belong to other kinds, and the kind's own rules."""
    data, dataset = spec.data, dataset_of(spec.data)
    own = KINDS[dataset.kind]

    def foreign(*kinds: str) -> list[Problem]:
        """The fields of these kinds' datasets that this spec sets, each a problem."""
        found = []
        for other in (KINDS[name] for name in kinds):
            for key, unset in other.fields.items():
                if getattr(data, key) != unset:
                    found.append(Problem(("data", key), f"{data.dataset} is {own.article} dataset: "
                                         f"{other.refusal(key, own)}"))
        return found

    if own.data_problems is None:
        return foreign(*(name for name in KINDS if name != own.name))
    return own.data_problems(spec, dataset, limits, foreign)


SIZES = ("units", "filters", "kernel", "dim", "hidden", "width", "ff", "heads")


def _layer_problems(spec: Spec, limits: Limits) -> list[Problem]:
    """Counts and sizes against the server's limits, and layer types against the kind of dataset."""
    found, layers = [], spec.model.layers
    dataset = dataset_of(spec.data)
    own = KINDS[dataset.kind]
    allowed = _layer_types(own)
    if len(layers) > limits.max_layers:
        found.append(over(("model", "layers"), limits.max_layers, "layers"))
    for i, layer in enumerate(layers):
        if layer.type not in allowed:
            found.append(Problem(("model", "layers", i, "type"), f"layer {i} ({layer.type}): {spec.data.dataset} "
                                 f"is a {own.needs}"))
        elif own.layer_problems is not None:
            found += own.layer_problems(spec.data.dataset, dataset, i, layer)
        inner = getattr(layer, "layers", [])
        if len(inner) > limits.max_layers:
            found.append(over(("model", "layers", i, "layers"), limits.max_layers, "layers in a block"))
        for path, each in [((i,), layer), *(((i, "layers", j), x) for j, x in enumerate(inner))]:
            maxima = {"filters": limits.max_filters, "kernel": limits.max_kernel, "heads": limits.max_heads}
            for key in SIZES:
                limit = maxima.get(key, limits.max_units)
                if (getattr(each, key, 0) or 0) > limit:
                    found.append(over(("model", "layers", *path, key), limit))
    return found


def _layer_types(about: About) -> frozenset[str]:
    return frozenset(type_of(model) for model in about.layers)


def network_plan(spec: Spec) -> tuple[Plan, tuple, int]:
    """The network a spec describes, layer by layer (shapes, parameters, the first impossible layer), with
    its input shape (C×H×W, T, or the number of 2-D features) and the output layer's units, by its kind's rules."""
    name = spec.data.dataset
    classes = n_classes(name, spec.data)
    dataset = dataset_of(spec.data)
    own = KINDS[dataset.kind]
    n_outputs = own.output_units(spec) if own.output_units else output_units(spec.train.loss, dataset.task, classes)
    planned, shape = own.plan(spec, n_outputs, classes)
    return planned, shape, n_outputs


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
