"""`time_gradients` events: how strongly the loss reaches back to each step's input.

The norm of ∂loss/∂x_t, x_t being step t's input vector (its embedding, or its values), averaged over a
few fixed test sequences. Where a vanilla RNN must remember across many steps (copy), the norms of the
early steps fall by orders of magnitude: the vanishing gradient through time, visible.
"""
from __future__ import annotations

import torch
from pydantic import Field

from .base import Cadence, Probe, Storage
from .payload import Payload


class TimeGradientsData(Payload):
    """`data` of a `time_gradients` event (sequence data): how strongly the loss reaches back to each step."""

    tokens: list[str] = Field(description="The first probe's steps, to label the T values.")
    norms: list[float] = Field(description="T values: ‖∂loss/∂x_t‖, x_t the input vector of step t (its embedding, or "
                               "its values), averaged over the probes. Small early values: vanishing gradients.")
    probes: int = Field(ge=1, description="How many test sequences were averaged (the first ones, at most 32).")
    scored: list[bool] = Field(description="T flags: whether the loss asks for an answer at step t.")


PROBE = Probe("time_gradients", TimeGradientsData, Cadence.FRAME, Storage.LATEST,
              "Gradient norms through time, at most stream.max_fps a second.")

TIME_PROBES = 32  # test sequences averaged


def time_gradients_event(model, loss_fn, inputs: torch.Tensor, targets: torch.Tensor,
                         decoder_input: torch.Tensor | None, tokens: list[str], scored: list[bool]) -> dict | None:
    """From a few test sequences (P, T[, F]) and their targets (P, T); the model's own gradients are untouched."""
    embedded = model.embed(inputs).detach().requires_grad_(True)  # (P, T, F)
    loss = loss_fn(model.from_embedded(embedded, decoder_input), targets)
    (grad,) = torch.autograd.grad(loss, embedded)
    norms = grad.norm(dim=2).mean(dim=0)  # (T,)
    if not torch.isfinite(norms).all():
        return None
    return {"tokens": tokens, "norms": [float(v) for v in norms.tolist()], "probes": inputs.shape[0],
            "scored": scored}
