"""`gradient_check` events: autograd's gradient against central finite differences, layer by layer.

The course's check: ∂E/∂w_j ≈ (E(w + ε·ŵ_j) - E(w - ε·ŵ_j)) / 2ε, compared with the analytic (here:
autograd's) gradient. Computed on a float64 copy of the network, so rounding (about 1e-16 relative) does not
hide the comparison; the training model is never touched. The relative error of one weight is
|g - n| / max(|g| + |n|, TINY); below 1e-7 the gradients agree, above 1e-4 something is wrong (a bug, a kink of
ReLU that a step of ε crosses, or an ε so large that the curvature of E shows).
"""
from __future__ import annotations

import copy
from typing import Callable

import torch
from pydantic import Field
from torch import nn

from .base import Cadence, Probe, Storage
from .payload import Payload

GOOD, SUSPECT = 1e-7, 1e-4  # the thresholds the page colours by: good below GOOD, failing above SUSPECT
TINY = 1e-12  # where both gradients are (nearly) zero their difference is not relative to anything


class LayerCheck(Payload):
    """One weight layer's sampled parameters."""

    name: str = Field(description="The layer: dense1, dense2, ..., output (as in grad_norms).")
    checked: int = Field(ge=0, description="How many of its weights and biases were compared.")
    max_relative_error: float = Field(ge=0, description="The largest |g - n| / (|g| + |n|) among them.")
    analytic: list[float] = Field(description="Autograd's ∂E/∂w of each sampled parameter.")
    numeric: list[float] = Field(description="The central difference of each, in the same order.")


class GradientCheckData(Payload):
    """`data` of a `gradient_check` event (only when stream.gradient_check is set)."""

    max_relative_error: float = Field(ge=0, description="The largest relative error over every layer.")
    checked: int = Field(ge=0, description="How many parameters were compared in all.")
    epsilon: float = Field(gt=0, description="The ε of the central differences.")
    layers: list[LayerCheck] = Field(description="Input side first, the output layer last.")


PROBE = Probe("gradient_check", GradientCheckData, Cadence.EPOCH, Storage.LATEST,
              "Autograd against central finite differences on sampled weights, per layer (stream.gradient_check).")

Loss = Callable[[nn.Module], torch.Tensor]  # the loss E of a network (float64) on fixed data


def relative_error(analytic: torch.Tensor, numeric: torch.Tensor) -> torch.Tensor:
    return (analytic - numeric).abs() / (analytic.abs() + numeric.abs()).clamp_min(TINY)


def sampled(parameters: list[torch.Tensor], samples: int, generator: torch.Generator) -> list[tuple[torch.Tensor, int]]:
    """Up to `samples` distinct entries (parameter, flat index) drawn from the parameters together, in order."""
    sizes = [p.numel() for p in parameters]
    chosen = sorted(torch.randperm(sum(sizes), generator=generator)[:samples].tolist())
    entries = []
    for index in chosen:
        for p, size in zip(parameters, sizes):
            if index < size:
                entries.append((p, index))
                break
            index -= size
    return entries


def gradient_check(model: nn.Module, loss: Loss, epsilon: float, samples: int, seed: int = 0) -> dict:
    """The `gradient_check` data of `model` (with linears(), see kinds/base.py) under `loss`: for each weight
    layer, `samples` of its weights and biases' entries. `loss` gets the float64 copy and must be deterministic
    (evaluation mode: no dropout)."""
    net = copy.deepcopy(model).double().eval()
    net.zero_grad(set_to_none=True)
    loss(net).backward()
    generator = torch.Generator().manual_seed(seed)
    layers = []
    for name, linear in net.linears().items():
        parameters = [p for p in (linear.weight, linear.bias) if p is not None]
        flat = sampled(parameters, samples, generator)
        analytic, numeric = [], []
        with torch.no_grad():
            for p, i in flat:
                values = p.view(-1)
                kept = values[i].item()
                values[i] = kept + epsilon
                above = loss(net).item()
                values[i] = kept - epsilon
                below = loss(net).item()
                values[i] = kept
                numeric.append((above - below) / (2 * epsilon))
                analytic.append(p.grad.view(-1)[i].item())
        errors = relative_error(torch.tensor(analytic, dtype=torch.float64), torch.tensor(numeric, dtype=torch.float64))
        layers.append({"name": name, "checked": len(flat), "max_relative_error": float(errors.max()) if flat else 0.0,
                       "analytic": analytic, "numeric": numeric})
    return {"max_relative_error": max((layer["max_relative_error"] for layer in layers), default=0.0),
            "checked": sum(layer["checked"] for layer in layers), "epsilon": epsilon, "layers": layers}
