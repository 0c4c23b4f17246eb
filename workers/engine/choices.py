"""The named choices that are plain tables: activations, initialisations, losses and output activations.

One table per choice, without torch: the spec's validation, the checks (422 messages) and /catalog read
these. The trainer's builders (layers.py, losses.py) look their modules and functions up by the same
names, and assert at import that they cover exactly these keys, so a new entry here is a new choice
everywhere (or an import error that says what is missing).
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Activation:
    range: tuple[float, float] | None  # the output range, where it is bounded (fixes neuron map colours)
    description: str
    pieces: int = 1  # linear pieces per unit (maxout)


ACTIVATIONS: dict[str, Activation] = {
    "sigmoid": Activation((0.0, 1.0), "1 / (1 + e^-z); saturates, gradients vanish."),
    "tanh": Activation((-1.0, 1.0), "Zero-centred sigmoid."),
    "relu": Activation(None, "max(0, z); units can die."),
    "leaky_relu": Activation(None, "max(αz, z) with α = 0.01."),
    "prelu": Activation(None, "Leaky ReLU whose slope is learned per unit."),
    "elu": Activation(None, "z for z > 0, e^z - 1 below."),
    "selu": Activation(None, "Scaled ELU; self-normalising."),
    "softplus": Activation(None, "log(1 + e^z): a smooth ReLU."),
    "linear": Activation(None, "The identity: stacks of linear layers stay linear."),
    "maxout": Activation(None, "max of two linear pieces per unit.", pieces=2),
}

INITS: dict[str, str] = {
    "zeros": "All weights 0: every unit of a layer stays identical (symmetry never breaks).",
    "uniform": "U(-0.5, 0.5), as TensorFlow Playground.",
    "normal": "N(0, 0.5²).",
    "xavier_uniform": "Glorot: variance 2 / (fan_in + fan_out); for tanh and sigmoid.",
    "xavier_normal": "Glorot, normal.",
    "he_uniform": "He: variance 2 / fan_in; for ReLU.",
    "he_normal": "He, normal.",
}

LOSSES: dict[str, str] = {
    "auto": "bce for two classes, cross_entropy for more (images, tokens), mse for regression.",
    "bce": "Binary cross-entropy on a sigmoid output (classification).",
    "cross_entropy": "Softmax cross-entropy over one output per class (classification).",
    "mse": "Half the squared error, ½(y - ŷ)², on the output activation; classes become the ends of its range.",
}

# Parameter-free activations only: an output activation has nothing to learn (no prelu, no maxout).
OUTPUT_ACTIVATIONS: tuple[str, ...] = ("linear", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "selu",
                                       "softplus")


def resolve_loss(loss: str, task: str, n_classes: int = 2) -> str:
    if loss != "auto":
        return loss
    if task != "classification":
        return "mse"
    return "bce" if n_classes == 2 else "cross_entropy"


def resolve_output_activation(output_activation: str, task: str) -> str:
    if output_activation != "auto":
        return output_activation
    return "tanh" if task == "classification" else "linear"  # TF Playground's choices


def output_units(loss: str, task: str, n_classes: int = 2) -> int:
    """The output layer's width: one per class for cross-entropy, else one."""
    return n_classes if resolve_loss(loss, task, n_classes) == "cross_entropy" else 1
