"""The spec's `gan` section: what a GAN run adds to a spec (torch-free; spec.py holds it as `Spec.gan`).

The generator G is the spec's own network: `model.layers` (its hidden layers; the output layer of 2 units,
a point in the plane, is implied), `model.init`, trained by `train.optimizer` (with its schedule, penalties,
clipping and live changes). The discriminator D is described here: its hidden layers (its output, one
logit, is implied) and its own optimizer. Each step, D takes `discriminator_steps` updates on a batch of
real points and as many generated ones, then G takes one.
"""
from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from ...common_layers import Dense
from ...optim_spec import Adam, Optimizer
from ...schema import Strict

GAN_LOSSES = {
    "non_saturating": "G minimises −log D(G(z)): strong gradients while D rejects its samples (the usual choice).",
    "minimax": "G minimises log(1 − D(G(z))), the minimax game as written: its gradient vanishes while D wins.",
}


def _default_discriminator_layers() -> list[Dense]:
    return [Dense(units=16, activation="relu"), Dense(units=16, activation="relu")]


class Discriminator(Strict):
    """D: hidden dense layers on a point (x1, x2), then one logit: the log-odds that the point is real."""
    layers: list[Dense] = Field(default_factory=_default_discriminator_layers,
                                description="its hidden layers (dense); the output logit is implied")
    optimizer: Optimizer = Field(default_factory=lambda: Adam(name="adam", lr=0.01),
                                 description="its own optimizer and learning rate (G's is train.optimizer)")

    @model_validator(mode="before")
    @classmethod
    def _default_name(cls, values: Any) -> Any:
        """`{"lr": 0.001}` means Adam at that rate, as train.optimizer does."""
        if isinstance(values, dict) and isinstance(values.get("optimizer"), dict) and "name" not in values["optimizer"]:
            values = {**values, "optimizer": {"name": "adam", **values["optimizer"]}}
        return values


class Gan(Strict):
    """A generative adversarial network (GAN datasets only): G turns noise z into points, D tells real from
    generated; G is the spec's model, D is described here."""
    noise_dim: Annotated[int, Field(ge=1, le=16)] = Field(2, description="the dimension of G's input noise z ~ N(0, I)")
    discriminator: Discriminator = Field(default_factory=Discriminator)
    discriminator_steps: Annotated[int, Field(ge=1, le=10)] = Field(1, description="D's updates per G update")
    loss: Literal[tuple(GAN_LOSSES)] = Field("non_saturating", description="G's loss: "  # type: ignore[valid-type]
                                             + "; ".join(f"{k}: {v}" for k, v in GAN_LOSSES.items()))
