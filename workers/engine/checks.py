"""Rules a spec must meet beyond its fields: the server's limits, and choices that must agree.

Each problem names the field at fault as a path inside the spec, so the API can
answer with a 422 that points at it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from pydantic import BaseModel, Field

from .datasets import DATASETS
from .layers import count_parameters
from .losses import make_head, resolve_loss
from .spec import Spec


class Limits(BaseModel):
    """What one run may ask for; set by the server (PLAYGROUND_MAX_*)."""
    max_layers: int = Field(10, ge=1)
    max_units: int = Field(256, ge=1)
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
    task = DATASETS[spec.data.dataset].task
    loss = resolve_loss(spec.train.loss, task)

    if loss in ("bce", "cross_entropy") and task != "classification":
        found.append(Problem(("train", "loss"), f"{loss} needs a classification dataset; "
                             f"{spec.data.dataset} is a regression dataset: use mse"))
    if loss != "mse" and spec.model.output_activation != "auto":
        found.append(Problem(("model", "output_activation"),
                             f"only mse takes an output activation; {loss} fixes its own"))

    n_train = train_size(spec)
    if n_train < 1 or n_train == spec.data.n_samples:
        found.append(Problem(("data", "test_fraction"), f"leaves {n_train} of {spec.data.n_samples} points "
                             "for training; both the training and the test set need at least one"))
    if spec.data.n_samples > limits.max_samples:
        found.append(_over(("data", "n_samples"), limits.max_samples))
    if len(spec.model.layers) > limits.max_layers:
        found.append(_over(("model", "layers"), limits.max_layers, "layers"))
    for i, layer in enumerate(spec.model.layers):
        if layer.units > limits.max_units:
            found.append(_over(("model", "layers", i, "units"), limits.max_units))
    if not found:
        head = make_head(spec.train.loss, task, spec.model.output_activation)
        layers = [layer.model_dump() for layer in spec.model.layers]
        n_params = count_parameters(len(spec.data.features), layers, head.n_outputs)
        if n_params > limits.max_parameters:
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


def train_size(spec: Spec) -> int:
    return spec.data.n_samples - int(round(spec.data.n_samples * spec.data.test_fraction))


def _steps(spec: Spec) -> int:
    batch = min(spec.train.batch_size, max(train_size(spec), 1))
    return spec.train.epochs * math.ceil(train_size(spec) / batch)


def _over(loc: tuple, limit: int, what: str = "") -> Problem:
    return Problem(loc, f"at most {limit}{' ' + what if what else ''} on this server", "too_large")
