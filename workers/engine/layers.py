"""The modules behind the activations and initialisations of choices.py, and Dense, the layer every kind's
networks build from (kinds/*/model.py)."""
from __future__ import annotations

from typing import Callable

import torch
from torch import nn

from .choices import ACTIVATIONS, INITS


class Maxout(nn.Module):
    """max over `pieces` linear pieces per unit (or channel): (B, units·pieces, ...) -> (B, units, ...)."""

    def __init__(self, pieces: int):
        super().__init__()
        self.pieces = pieces

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.unflatten(1, (-1, self.pieces)).amax(dim=2)


# The modules behind choices.ACTIVATIONS, by the same names: units -> module.
ACTIVATION_MODULES: dict[str, Callable[[int], nn.Module]] = {
    "sigmoid": lambda u: nn.Sigmoid(),
    "tanh": lambda u: nn.Tanh(),
    "relu": lambda u: nn.ReLU(),
    "leaky_relu": lambda u: nn.LeakyReLU(0.01),
    "prelu": lambda u: nn.PReLU(u, init=0.25),
    "elu": lambda u: nn.ELU(),
    "selu": lambda u: nn.SELU(),
    "softplus": lambda u: nn.Softplus(),
    "linear": lambda u: nn.Identity(),
    "maxout": lambda u: Maxout(ACTIVATIONS["maxout"].pieces),
}


def _uniform(w: torch.Tensor) -> None:
    nn.init.uniform_(w, -0.5, 0.5)


def _normal(w: torch.Tensor) -> None:
    nn.init.normal_(w, 0.0, 0.5)


def _he_uniform(w: torch.Tensor) -> None:
    nn.init.kaiming_uniform_(w, nonlinearity="relu")


def _he_normal(w: torch.Tensor) -> None:
    nn.init.kaiming_normal_(w, nonlinearity="relu")


# How each of choices.INITS fills a weight, by the same names.
INIT_FILLS: dict[str, Callable[[torch.Tensor], None]] = {
    "zeros": nn.init.zeros_, "uniform": _uniform, "normal": _normal, "xavier_uniform": nn.init.xavier_uniform_,
    "xavier_normal": nn.init.xavier_normal_, "he_uniform": _he_uniform, "he_normal": _he_normal,
}

assert ACTIVATION_MODULES.keys() == ACTIVATIONS.keys(), "every activation needs a module, and only those"
assert INIT_FILLS.keys() == INITS.keys(), "every initialisation needs a fill, and only those"


class Dense(nn.Module):
    """linear -> batch norm? -> activation -> dropout?; the unit a student sees as one neuron."""

    def __init__(self, fan_in: int, units: int, activation: str, dropout: float, batchnorm: bool):
        super().__init__()
        act = ACTIVATIONS[activation]
        self.linear = nn.Linear(fan_in, units * act.pieces)
        self.norm = nn.BatchNorm1d(units * act.pieces) if batchnorm else None
        self.activation = ACTIVATION_MODULES[activation](units)
        self.dropout = nn.Dropout(dropout) if dropout > 0 else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.linear(x)
        if self.norm is not None:
            x = self.norm(x)
        x = self.activation(x)
        return self.dropout(x) if self.dropout is not None else x


def initialise(model: nn.Module, init: str, bias: float = 0.0) -> None:
    """Weights from the chosen scheme, biases at `bias` (0 by default, so `zeros` really is all zeros).

    `model.linears()` names every layer with a weight, whatever the kind of network (MLP, CNN, SeqNet)."""
    fill = INIT_FILLS[init]
    for linear in model.linears().values():
        fill(linear.weight)
        if linear.bias is not None:  # a residual projection has none
            nn.init.constant_(linear.bias, bias)
