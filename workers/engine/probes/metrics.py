"""`metrics` events: losses, accuracies, learning rate and per-layer norms."""
from __future__ import annotations

import math

import torch
from pydantic import Field

from ..kinds.points.model import MLP
from ..losses import Head
from .base import Cadence, Probe, Storage
from .confusion import confusion, confusion_matrix  # noqa: F401  (measured at the end; callers import it here)
from .payload import NormsByLayer, Payload


class MetricsData(Payload):
    """`data` of a `metrics` event: measured over both whole splits at the end of every epoch
    (and where a run ends mid-epoch). A value that is not finite is null; a null `train_loss` means the
    run diverged."""

    train_loss: float | None = Field(description="The loss over the training split, without penalty.")
    test_loss: float | None = Field(description="The loss over the test split.")
    train_accuracy: float | None = Field(None, description="Classification only: the share classified right "
                                         "(sequence tasks: of the steps that ask for a token, token accuracy).")
    test_accuracy: float | None = Field(None, description="Classification only: the share classified right "
                                        "(sequence tasks: token accuracy).")
    generator_loss: float | None = Field(None, description="GANs only: G's loss on fixed noise (also train_loss).")
    discriminator_loss: float | None = Field(None, description="GANs only: D's loss, real test points against "
                                             "G's (also test_loss).")
    energy_distance: float | None = Field(None, description="GANs only: the energy distance from G's points to "
                                          "the real test points; 0 when the distributions are the same.")
    modes_covered: int | None = Field(None, description="GANs on ring and grid only: the modes G's points cover.")
    active_code_units: float | None = Field(None, description="Autoencoders only: the code units above zero per "
                                            "test image, on average (a sparse code has few).")
    vowel_separation: float | None = Field(None, description="Character models of the text with an embedding "
                                           "only: the vowels' mean distance to the consonants over their mean "
                                           "distance to each other, in the embedding (about 1 at random; higher: "
                                           "the vowels gather).")
    lr: float = Field(description="The learning rate of the epoch's last step.")
    penalty: float | None = Field(None, description="Only when l1, l2 or weight_elimination is set.")
    grad_norms: NormsByLayer = Field(description="{layer: L2 norm of the last step's gradient}: dense1, ..., output; "
                                     "for images also conv1, ..., res1.conv1, res1.projection, ...; for sequences "
                                     "every layer's parameters together: embedding1, lstm1, transformer1, ..., "
                                     "decoder_input, output")
    weight_norms: NormsByLayer = Field(description="{layer: L2 norm of its weight}: the same layers.")


PROBE = Probe("metrics", MetricsData, Cadence.EPOCH, Storage.WHOLE,
              "Losses, accuracies, learning rate and per-layer norms, once per epoch.")


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
        correct = (head.predict(out) == labels).float()
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
