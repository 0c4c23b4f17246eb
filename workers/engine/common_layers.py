"""The layer models several kinds share (dense, dropout), and how a list of layer models becomes one
field: a union discriminated by `type`, where a layer without a `type` is dense, so `{"units": 4}` keeps
working. layer_spec.py joins every kind's layer models into the spec's one union.
"""
from __future__ import annotations

from typing import Annotated, Any, Literal, Union

from pydantic import Field, ValidationError, WrapValidator

from .choices import ACTIVATIONS
from .schema import Strict

ActivationName = Literal[tuple(ACTIVATIONS)]  # type: ignore[valid-type]
Count = Annotated[int, Field(ge=1)]


class Dense(Strict):
    """Fully connected: linear → batch norm (if on) → activation → dropout (if on). Needs a flat input."""
    type: Literal["dense"] = "dense"
    units: Count = 8
    activation: ActivationName = "tanh"
    dropout: Annotated[float, Field(ge=0, lt=1)] = 0.0
    batchnorm: bool = False


class Dropout(Strict):
    """During training, zero each value with probability `rate` (and scale the rest by 1/(1 − rate))."""
    type: Literal["dropout"]
    rate: Annotated[float, Field(ge=0, lt=1)] = 0.5


def untagged(value: Any, handler):
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



def union(models: tuple[type, ...]):
    """One layer field that takes any of these models, told apart by `type` (dense when there is none)."""
    return Annotated[Annotated[Union[models], Field(discriminator="type")],  # type: ignore[valid-type]
                     WrapValidator(untagged)]


def type_of(model: type) -> str:
    return model.model_fields["type"].annotation.__args__[0]
