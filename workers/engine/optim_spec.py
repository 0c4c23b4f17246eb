"""Optimizers and learning-rate schedules: one pydantic model per choice.

Each model is at once the spec's validation and the catalog entry (its JSON
schema); optim.py builds the torch optimizer a model names. Schedules are plain
functions of the epoch (a float), so the learning rate does not change meaning
when the batch size does.
"""
from __future__ import annotations

import math
from typing import Annotated, Literal, Union

from pydantic import Field, model_validator

from .schema import Strict

Rate = Annotated[float, Field(gt=0, le=10, allow_inf_nan=False)]
Fraction = Annotated[float, Field(ge=0, lt=1, allow_inf_nan=False)]
Epochs = Annotated[float, Field(gt=0, le=1e6, allow_inf_nan=False)]


class SGD(Strict):
    """Stochastic gradient descent, with optional (Nesterov) momentum."""
    name: Literal["sgd"]
    lr: Rate = 0.03
    momentum: Fraction = 0.0
    nesterov: bool = False

    @model_validator(mode="after")
    def _nesterov_needs_momentum(self):
        if self.nesterov and self.momentum == 0:
            raise ValueError("nesterov needs momentum > 0")
        return self


class Adagrad(Strict):
    """Per-parameter rates shrinking with the sum of past squared gradients."""
    name: Literal["adagrad"]
    lr: Rate = 0.01


class RMSprop(Strict):
    """Per-parameter rates from a moving average of squared gradients."""
    name: Literal["rmsprop"]
    lr: Rate = 0.001
    alpha: Fraction = 0.99
    momentum: Fraction = 0.0


class Adam(Strict):
    """RMSprop plus momentum, with bias correction."""
    name: Literal["adam"]
    lr: Rate = 0.01
    beta1: Fraction = 0.9
    beta2: Fraction = 0.999


OPTIMIZERS = {model.model_fields["name"].annotation.__args__[0]: model for model in (SGD, Adagrad, RMSprop, Adam)}
Optimizer = Annotated[Union[SGD, Adagrad, RMSprop, Adam], Field(discriminator="name")]


class Constant(Strict):
    """The learning rate never changes."""
    name: Literal["constant"]

    def factor(self, epoch: float) -> float:
        return 1.0


class LinearDecay(Strict):
    """Falls linearly from lr to lr·end_factor over `epochs`, then stays there."""
    name: Literal["linear_decay"]
    epochs: Epochs = 100
    end_factor: Annotated[float, Field(ge=0, le=1)] = 0.01

    def factor(self, epoch: float) -> float:
        t = min(epoch / self.epochs, 1.0)
        return (1 - t) + t * self.end_factor


class Step(Strict):
    """Multiplied by gamma every `every` epochs."""
    name: Literal["step"]
    every: Epochs = 30
    gamma: Annotated[float, Field(gt=0, le=1)] = 0.1

    def factor(self, epoch: float) -> float:
        return self.gamma ** math.floor(epoch / self.every)


class Cyclical(Strict):
    """Triangular: from lr up to lr·max_factor and back, a cycle every 2·half_cycle epochs."""
    name: Literal["cyclical"]
    half_cycle: Epochs = 10
    max_factor: Annotated[float, Field(ge=1, le=1000)] = 10.0

    def factor(self, epoch: float) -> float:
        position = epoch / self.half_cycle % 2  # 0 -> 1 rising, 1 -> 2 falling
        return 1 + (self.max_factor - 1) * (1 - abs(position - 1))


class CosineRestarts(Strict):
    """Cosine annealing from lr to lr·min_factor, restarting every period (×t_mult each time)."""
    name: Literal["cosine_restarts"]
    period: Epochs = 20
    t_mult: Annotated[float, Field(ge=1, le=10)] = 1.0
    min_factor: Annotated[float, Field(ge=0, le=1)] = 0.0

    def factor(self, epoch: float) -> float:
        period, start = self.period, 0.0
        while epoch >= start + period:
            start, period = start + period, period * self.t_mult
        t = (epoch - start) / period
        return self.min_factor + (1 - self.min_factor) * (1 + math.cos(math.pi * t)) / 2


SCHEDULES = {model.model_fields["name"].annotation.__args__[0]: model
             for model in (Constant, LinearDecay, Step, Cyclical, CosineRestarts)}
Schedule = Annotated[Union[Constant, LinearDecay, Step, Cyclical, CosineRestarts], Field(discriminator="name")]
