"""Activations, initialisations and the MLP a spec describes.

One table per choice: the spec's validation, the catalog and the builder all
read ACTIVATIONS and INITS, so a new entry here is a new choice everywhere.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import torch
from torch import nn


class Maxout(nn.Module):
    """max over `pieces` linear pieces per unit (or channel): (B, units·pieces, ...) -> (B, units, ...)."""

    def __init__(self, pieces: int):
        super().__init__()
        self.pieces = pieces

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.unflatten(1, (-1, self.pieces)).amax(dim=2)


@dataclass(frozen=True)
class Activation:
    build: Callable[[int], nn.Module]  # units -> module
    range: tuple[float, float] | None  # the output range, where it is bounded (fixes neuron map colours)
    description: str
    pieces: int = 1  # linear pieces per unit (maxout)


ACTIVATIONS: dict[str, Activation] = {
    "sigmoid": Activation(lambda u: nn.Sigmoid(), (0.0, 1.0), "1 / (1 + e^-z); saturates, gradients vanish."),
    "tanh": Activation(lambda u: nn.Tanh(), (-1.0, 1.0), "Zero-centred sigmoid."),
    "relu": Activation(lambda u: nn.ReLU(), None, "max(0, z); units can die."),
    "leaky_relu": Activation(lambda u: nn.LeakyReLU(0.01), None, "max(αz, z) with α = 0.01."),
    "prelu": Activation(lambda u: nn.PReLU(u, init=0.25), None, "Leaky ReLU whose slope is learned per unit."),
    "elu": Activation(lambda u: nn.ELU(), None, "z for z > 0, e^z - 1 below."),
    "selu": Activation(lambda u: nn.SELU(), None, "Scaled ELU; self-normalising."),
    "softplus": Activation(lambda u: nn.Softplus(), None, "log(1 + e^z): a smooth ReLU."),
    "linear": Activation(lambda u: nn.Identity(), None, "The identity: stacks of linear layers stay linear."),
    "maxout": Activation(lambda u: Maxout(2), None, "max of two linear pieces per unit.", pieces=2),
}


def _uniform(w: torch.Tensor) -> None:
    nn.init.uniform_(w, -0.5, 0.5)


def _normal(w: torch.Tensor) -> None:
    nn.init.normal_(w, 0.0, 0.5)


def _he_uniform(w: torch.Tensor) -> None:
    nn.init.kaiming_uniform_(w, nonlinearity="relu")


def _he_normal(w: torch.Tensor) -> None:
    nn.init.kaiming_normal_(w, nonlinearity="relu")


INITS: dict[str, tuple[Callable[[torch.Tensor], None], str]] = {
    "zeros": (nn.init.zeros_, "All weights 0: every unit of a layer stays identical (symmetry never breaks)."),
    "uniform": (_uniform, "U(-0.5, 0.5), as TensorFlow Playground."),
    "normal": (_normal, "N(0, 0.5²)."),
    "xavier_uniform": (nn.init.xavier_uniform_, "Glorot: variance 2 / (fan_in + fan_out); for tanh and sigmoid."),
    "xavier_normal": (nn.init.xavier_normal_, "Glorot, normal."),
    "he_uniform": (_he_uniform, "He: variance 2 / fan_in; for ReLU."),
    "he_normal": (_he_normal, "He, normal."),
}


class Dense(nn.Module):
    """linear -> batch norm? -> activation -> dropout?; the unit a student sees as one neuron."""

    def __init__(self, fan_in: int, units: int, activation: str, dropout: float, batchnorm: bool):
        super().__init__()
        act = ACTIVATIONS[activation]
        self.linear = nn.Linear(fan_in, units * act.pieces)
        self.norm = nn.BatchNorm1d(units * act.pieces) if batchnorm else None
        self.activation = act.build(units)
        self.dropout = nn.Dropout(dropout) if dropout > 0 else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.linear(x)
        if self.norm is not None:
            x = self.norm(x)
        x = self.activation(x)
        return self.dropout(x) if self.dropout is not None else x


class MLP(nn.Module):
    """Hidden Dense layers, then a plain linear output layer (its activation lives in the loss)."""

    def __init__(self, n_inputs: int, layers: list[dict], n_outputs: int):
        super().__init__()
        fan_in, hidden = n_inputs, []
        for layer in layers:
            hidden.append(Dense(fan_in, layer["units"], layer["activation"],
                                layer.get("dropout", 0.0), layer.get("batchnorm", False)))
            fan_in = layer["units"]
        self.hidden = nn.ModuleList(hidden)
        self.output = nn.Linear(fan_in, n_outputs)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for layer in self.hidden:
            x = layer(x)
        return self.output(x)

    def forward_with_hidden(self, x: torch.Tensor) -> tuple[torch.Tensor, list[torch.Tensor]]:
        """The output and every hidden layer's activations (B, units), for the neuron maps."""
        activations = []
        for layer in self.hidden:
            x = layer(x)
            activations.append(x)
        return self.output(x), activations

    def linears(self) -> dict[str, nn.Linear]:
        """The weight layers by display name: dense1, dense2, ..., output."""
        named = {f"dense{i + 1}": layer.linear for i, layer in enumerate(self.hidden)}
        named["output"] = self.output
        return named


def initialise(model: nn.Module, init: str) -> None:
    """Weights from the chosen scheme, biases at zero (so `zeros` really is all zeros).

    `model.linears()` names every layer with a weight: an MLP's, or a CNN's convolutions too."""
    fill, _ = INITS[init]
    for linear in model.linears().values():
        fill(linear.weight)
        if linear.bias is not None:  # a residual projection has none
            nn.init.zeros_(linear.bias)
