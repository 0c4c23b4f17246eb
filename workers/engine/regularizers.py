"""Weight penalties added to the loss, on weights, not biases: L1 λ·Σ|w|, L2 (λ/2)·Σw² (the course's
and TF Playground's), weight elimination λ·Σ w²/(β² + w²)."""
from __future__ import annotations

from typing import Callable

import torch

from torch import nn


def penalty_fn(train, model: nn.Module) -> Callable[[], torch.Tensor] | None:
    """A function giving the current penalty, or None when no penalty is set (nothing to compute).

    The weights are those `model.linears()` names: every kind's network has it (MLP, CNN, SeqNet)."""
    weights = [linear.weight for linear in model.linears().values()]
    l1, l2, elimination = train.l1, train.l2, train.weight_elimination
    if not (l1 or l2 or elimination):
        return None

    def penalty() -> torch.Tensor:
        total = torch.zeros((), device=weights[0].device)
        for w in weights:
            if l1:
                total = total + l1 * w.abs().sum()
            if l2:
                total = total + l2 / 2 * w.pow(2).sum()  # (λ/2)·Σw²: its gradient is λw
            if elimination:
                squared = w.pow(2)
                total = total + elimination.lambda_ * (squared / (elimination.beta ** 2 + squared)).sum()
        return total

    return penalty
