"""The layers a spec may list: one pydantic model per layer type, discriminated by `type`.

This union is the one table of layer types: the spec's validation, the catalog (each model's
docstring and JSON schema) and the OpenAPI document all read it; cnn_plan.py and cnn.py hold, under the same
names, what each type computes (seq.py for the sequence layers of seq_layer_spec.py). A layer
without a `type` is dense, so `{"units": 4}` keeps working.
Rules that need the input's shape (a kernel larger than its input) live in cnn_plan.plan.
"""
from __future__ import annotations

from typing import Annotated, Any, Literal, Union

from pydantic import Field, ValidationError, WrapValidator

from .choices import ACTIVATIONS
from .schema import Strict
from .seq_layer_spec import SEQUENCE_LAYERS

ActivationName = Literal[tuple(ACTIVATIONS)]  # type: ignore[valid-type]
# After a residual sum each channel is one value: no maxout (which pairs channels up).
SumActivationName = Literal[tuple(n for n, a in ACTIVATIONS.items() if a.pieces == 1)]  # type: ignore[valid-type]

Count = Annotated[int, Field(ge=1)]


class Dense(Strict):
    """Fully connected: linear → batch norm (if on) → activation → dropout (if on). Needs a flat input."""
    type: Literal["dense"] = "dense"
    units: Count = 8
    activation: ActivationName = "tanh"
    dropout: Annotated[float, Field(ge=0, lt=1)] = 0.0
    batchnorm: bool = False


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


class Dropout(Strict):
    """During training, zero each value with probability `rate` (and scale the rest by 1/(1 − rate))."""
    type: Literal["dropout"]
    rate: Annotated[float, Field(ge=0, lt=1)] = 0.5


class BatchNorm(Strict):
    """Normalise each channel (or unit) over the batch, then scale and shift it by learned γ and β."""
    type: Literal["batchnorm"]


def _untagged(value: Any, handler):
    """Validate one layer: no `type` means dense; errors point at the layer's own fields.

    pydantic puts the union's tag in the location (layers.3.conv2d.kernel); the API promises the
    field's own path (layers.3.kernel), as it was before layers had types.
    """
    if isinstance(value, dict) and "type" not in value:
        value = {**value, "type": "dense"}
    try:
        return handler(value)
    except ValidationError as error:
        tag = value.get("type") if isinstance(value, dict) else None
        line_errors = []
        for e in error.errors():
            loc = e["loc"]
            if loc and loc[0] == tag:
                loc = loc[1:]
            if e["type"] == "union_tag_invalid" and not loc:  # an unknown type: point at it
                loc = ("type",)
            line = {"type": e["type"], "loc": loc, "input": e["input"]}
            if "ctx" in e:
                line["ctx"] = e["ctx"]
            line_errors.append(line)
        raise ValidationError.from_exception_data(error.title, line_errors) from None


BLOCK_LAYERS = (Dense, Conv2d, MaxPool2d, AvgPool2d, GlobalAvgPool, Flatten, Dropout, BatchNorm)
BlockLayer = Annotated[Annotated[Union[BLOCK_LAYERS], Field(discriminator="type")],  # type: ignore[valid-type]
                       WrapValidator(_untagged)]


def _default_block() -> list:
    return [Conv2d(type="conv2d", filters=8), Conv2d(type="conv2d", filters=8, activation="linear")]


class Residual(Strict):
    """A block with a skip connection: activation(F(x) + x), F being its `layers`. Where F changes the
    shape, x goes through a 1×1 projection first (a strided 1×1 convolution, or a linear map for flat
    inputs), as in ResNet."""
    type: Literal["residual"]
    layers: Annotated[list[BlockLayer], Field(min_length=1)] = Field(default_factory=_default_block)
    activation: SumActivationName = "relu"


LAYER_TYPES = (*BLOCK_LAYERS, Residual, *SEQUENCE_LAYERS)
Layer = Annotated[Annotated[Union[LAYER_TYPES], Field(discriminator="type")],  # type: ignore[valid-type]
                  WrapValidator(_untagged)]
LAYERS = {model.model_fields["type"].annotation.__args__[0]: model for model in LAYER_TYPES}
