"""The image layers a spec may list (convolutions, pooling, flatten, batch norm, residual blocks): one
pydantic model per type. model.py and plan.py hold, under the same names, what each computes and its shape
rules (a kernel larger than its input).
"""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from ...choices import ACTIVATIONS
from ...common_layers import ActivationName, Count, Dense, Dropout, union
from ...schema import Strict

# After a residual sum each channel is one value: no maxout (which pairs channels up).
SumActivationName = Literal[tuple(n for n, a in ACTIVATIONS.items() if a.pieces == 1)]  # type: ignore[valid-type]


class Conv2d(Strict):
    """Convolution: `filters` learned kernel×kernel filters slid over the input `stride` pixels at a time,
    each giving one feature map; then batch norm (if on) and the activation. `valid` padding keeps the
    filter inside the input (the maps shrink by kernel − 1); `same` pads with zeros so that the output is
    ⌈input / stride⌉ wide."""
    type: Literal["conv2d"]
    filters: Count = 8
    kernel: Count = 3
    stride: Count = 1
    padding: Literal["valid", "same"] = "same"
    activation: ActivationName = "relu"
    batchnorm: bool = False


class MaxPool2d(Strict):
    """Max pooling: the largest value of each size×size window, per channel; keeps the strongest response."""
    type: Literal["maxpool2d"]
    size: Count = 2
    stride: Annotated[int, Field(ge=1)] | None = Field(None, description="null: the window size (no overlap)")


class AvgPool2d(Strict):
    """Average pooling: the mean of each size×size window, per channel; a blurred, smaller map."""
    type: Literal["avgpool2d"]
    size: Count = 2
    stride: Annotated[int, Field(ge=1)] | None = Field(None, description="null: the window size (no overlap)")


class GlobalAvgPool(Strict):
    """Global average pooling: each channel's mean over the whole map, C×H×W → C; a flat output."""
    type: Literal["global_avgpool"]


class Flatten(Strict):
    """C×H×W → C·H·W values in a row, for the dense layers after it."""
    type: Literal["flatten"]


class BatchNorm(Strict):
    """Normalise each channel (or unit) over the batch, then scale and shift it by learned γ and β."""
    type: Literal["batchnorm"]


BLOCK_LAYERS = (Dense, Conv2d, MaxPool2d, AvgPool2d, GlobalAvgPool, Flatten, Dropout, BatchNorm)
BlockLayer = union(BLOCK_LAYERS)


def _default_block() -> list:
    return [Conv2d(type="conv2d", filters=8), Conv2d(type="conv2d", filters=8, activation="linear")]


class Residual(Strict):
    """A block with a skip connection: activation(F(x) + x), F being its `layers`. Where F changes the
    shape, x goes through a 1×1 projection first (a strided 1×1 convolution, or a linear map for flat
    inputs), as in ResNet."""
    type: Literal["residual"]
    layers: Annotated[list[BlockLayer], Field(min_length=1)] = Field(default_factory=_default_block)
    activation: SumActivationName = "relu"

    @classmethod
    def catalog_parameters(cls, parameters: dict) -> dict:
        """Its layers in /catalog: any type but residual (the JSON schema's $refs mean nothing there)."""
        return {**parameters, "layers": {"type": "array", "title": "Layers", "minItems": 1,
                                         "description": "the block's layers, any type but residual",
                                         "default": cls(type="residual").model_dump()["layers"]}}


# The types an image network takes, in the catalog's order.
IMAGE_LAYERS = (Dense, Conv2d, MaxPool2d, AvgPool2d, GlobalAvgPool, Flatten, Dropout, BatchNorm, Residual)
