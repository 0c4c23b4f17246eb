"""The output head a loss implies (the losses' names and descriptions live in choices.py).

The network ends in a plain linear layer; the head owns what comes after it:
the output activation, the loss, how labels become targets and how an output
becomes a score (drawn on the boundary) and a class (for accuracy).
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch.nn import functional as F

from .choices import ACTIVATIONS, OUTPUT_ACTIVATIONS, output_units, resolve_loss, resolve_output_activation


@dataclass
class Head:
    loss_name: str
    task: str
    output_activation: str  # used by mse only
    n_outputs: int
    score_range: tuple[float, float]
    n_classes: int = 2

    def targets(self, labels: torch.Tensor) -> torch.Tensor:
        """Labels as the loss wants them; computed once per split, not per step."""
        if self.loss_name == "cross_entropy":
            return labels.long()
        if self.loss_name == "mse" and self.task == "classification":
            lo, hi = self.score_range
            return (lo + (hi - lo) * labels).unsqueeze(1)
        return labels.unsqueeze(1)

    def loss(self, out: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        if self.loss_name == "bce":
            return F.binary_cross_entropy_with_logits(out, targets)
        if self.loss_name == "cross_entropy":
            return F.cross_entropy(out, targets)
        return 0.5 * F.mse_loss(self.activate(out), targets)  # ½(y - ŷ)², as the course and TF Playground

    def activate(self, out: torch.Tensor) -> torch.Tensor:
        return OUTPUT_FUNCTIONS[self.output_activation](out)

    def score(self, out: torch.Tensor) -> torch.Tensor:
        """(B, n_outputs) -> (B,): class-1 probability, or the regression value."""
        if self.loss_name == "bce":
            return torch.sigmoid(out[:, 0])
        if self.loss_name == "cross_entropy":
            return torch.softmax(out, dim=1)[:, 1]
        return self.activate(out)[:, 0]

    def classes(self, score: torch.Tensor) -> torch.Tensor:
        lo, hi = self.score_range
        return (score > (lo + hi) / 2).float()

    def predict(self, out: torch.Tensor) -> torch.Tensor:
        """(B, n_outputs) -> (B,) class indices (long), however many classes."""
        if self.loss_name == "cross_entropy":
            return out.argmax(dim=1)
        return self.classes(self.score(out)).long()


# The functions behind choices.OUTPUT_ACTIVATIONS, by the same names.
OUTPUT_FUNCTIONS = {
    "linear": lambda out: out, "sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": F.relu, "leaky_relu": F.leaky_relu,
    "elu": F.elu, "selu": F.selu, "softplus": F.softplus,
}
assert OUTPUT_FUNCTIONS.keys() == set(OUTPUT_ACTIVATIONS), "every output activation needs a function, and only those"


def make_head(loss: str, task: str, output_activation: str, n_classes: int = 2) -> Head:
    loss = resolve_loss(loss, task, n_classes)
    activation = resolve_output_activation(output_activation, task)
    n_outputs = output_units(loss, task, n_classes)
    if loss in ("bce", "cross_entropy"):
        score_range = (0.0, 1.0)
    else:
        score_range = ACTIVATIONS[activation].range or (-1.0, 1.0)
    return Head(loss, task, activation, n_outputs, score_range, n_classes)
