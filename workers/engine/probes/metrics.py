"""`metrics` events: losses, accuracies, learning rate and per-layer norms."""
from __future__ import annotations

import math

import torch

from ..layers import MLP
from ..losses import Head


def finite_or_none(value: float) -> float | None:
    """JSON has no NaN: a non-finite number travels as null."""
    return value if math.isfinite(value) else None


@torch.inference_mode()
def evaluate(model: MLP, head: Head, inputs: torch.Tensor, targets: torch.Tensor, labels: torch.Tensor,
             n_train: int) -> dict[str, float]:
    """Train and test loss (and accuracy for classification) from one forward pass over both splits.

    `inputs` holds the training rows first, then the test rows; the model must be in eval mode.
    """
    out = model(inputs)
    values = [head.loss(out[:n_train], targets[:n_train]), head.loss(out[n_train:], targets[n_train:])]
    names = ["train_loss", "test_loss"]
    if head.task == "classification":
        correct = (head.classes(head.score(out)) == labels).float()
        values += [correct[:n_train].mean(), correct[n_train:].mean()]
        names += ["train_accuracy", "test_accuracy"]
    return dict(zip(names, torch.stack(values).tolist()))  # one sync for all, not one .item() each


@torch.no_grad()
def layer_norms(model: MLP) -> tuple[dict[str, float | None], dict[str, float | None]]:
    """Gradient norms (of the last step, weights and bias together) and weight norms, per layer."""
    linears = model.linears()
    grads, weights = [], []
    for linear in linears.values():
        g = [p.grad.pow(2).sum() for p in (linear.weight, linear.bias) if p is not None and p.grad is not None]
        grads.append(torch.stack(g).sum().sqrt() if g else torch.zeros(()))
        weights.append(linear.weight.norm())
    g_values, w_values = torch.stack(grads).tolist(), torch.stack(weights).tolist()
    return ({name: finite_or_none(v) for name, v in zip(linears, g_values)},
            {name: finite_or_none(v) for name, v in zip(linears, w_values)})


def confusion(head: Head, model: MLP, inputs: torch.Tensor, labels: torch.Tensor) -> dict:
    """`confusion` data: rows are true classes, columns predicted ones, over the given split."""
    with torch.inference_mode():
        predicted = head.classes(head.score(model(inputs))).long()
    return confusion_matrix(labels.long(), predicted, ["0", "1"])


def confusion_matrix(truth: torch.Tensor, predicted: torch.Tensor, names: list[str]) -> dict:
    """`confusion` data from class indices (N,) and (N,): matrix[true][predicted] counts."""
    k = len(names)
    counts = torch.bincount((truth * k + predicted).cpu(), minlength=k * k)
    return {"labels": names, "matrix": counts.reshape(k, k).tolist()}
