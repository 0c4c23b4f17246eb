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
def evaluate(model: MLP, head: Head, inputs: torch.Tensor, targets: torch.Tensor,
             labels: torch.Tensor) -> tuple[float, float | None]:
    """(loss, accuracy) over a whole split in eval mode; accuracy is None for regression."""
    out = model(inputs)
    loss = head.loss(out, targets).item()
    if head.task != "classification":
        return loss, None
    return loss, (head.classes(head.score(out)) == labels).float().mean().item()


def layer_norms(model: MLP) -> tuple[dict[str, float], dict[str, float]]:
    """Gradient norms (of the last step, weights and bias together) and weight norms, per layer."""
    grads, weights = {}, {}
    for name, linear in model.linears().items():
        g = [p.grad for p in (linear.weight, linear.bias) if p.grad is not None]
        grads[name] = finite_or_none(math.sqrt(sum(x.pow(2).sum().item() for x in g))) if g else 0.0
        weights[name] = finite_or_none(linear.weight.norm().item())
    return grads, weights


def confusion(head: Head, model: MLP, inputs: torch.Tensor, labels: torch.Tensor) -> dict:
    """`confusion` data: rows are true classes, columns predicted ones, over the given split."""
    with torch.inference_mode():
        predicted = head.classes(head.score(model(inputs))).long()
    truth = labels.long()
    matrix = [[int(((truth == t) & (predicted == p)).sum()) for p in (0, 1)] for t in (0, 1)]
    return {"labels": ["0", "1"], "matrix": matrix}
