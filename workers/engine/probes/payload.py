"""What every payload model shares: closed models without defaults, and the Tensor they carry arrays in.

Pure: pydantic and the standard library only, so the event schema never needs torch to be described.
"""
from __future__ import annotations

import base64
import math
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_serializer, model_validator

Extent = tuple[float, float, float, float]
NormsByLayer = dict[str, float | None]

ITEM_BYTES = {"float16": 2, "float32": 4, "uint8": 1}


def _no_defaults(schema: dict[str, Any]) -> None:
    """Events are what the server sends: an optional key is absent, not filled with a default."""
    for prop in schema.get("properties", {}).values():
        prop.pop("default", None)


class Payload(BaseModel):
    # Closed: a key the engine starts to emit must be added here (the schema test fails until it is).
    model_config = ConfigDict(extra="forbid", json_schema_extra=_no_defaults)


class Tensor(Payload):
    """An array: the base64 of its values' little-endian bytes in row-major (C) order.

    A `uint8` tensor carries `min` and `max`: byte value b stands for min + b/255 · (max − min)."""

    dtype: Literal["float16", "float32", "uint8"] = Field(description="The element type of `data`.")
    shape: list[Annotated[int, Field(ge=0)]] = Field(description="The array's shape, outermost first.")
    data: str = Field(description="Base64 of the little-endian bytes, row-major.")
    min: float = Field(None, description="uint8 only: the value byte 0 stands for.")
    max: float = Field(None, description="uint8 only: the value byte 255 stands for.")

    @model_validator(mode="after")
    def _consistent(self) -> "Tensor":
        if self.dtype == "uint8" and (self.min is None or self.max is None):
            raise ValueError("a uint8 tensor needs min and max")
        size = len(base64.b64decode(self.data, validate=True))
        expected = math.prod(self.shape) * ITEM_BYTES[self.dtype]
        if size != expected:
            raise ValueError(f"{size} bytes of data for shape {self.shape} of {self.dtype} ({expected} expected)")
        return self

    @model_serializer(mode="wrap")
    def _absent_not_null(self, handler):
        """A float tensor has no min and max: they are left out, as the schema (numbers, not null) says."""
        return {k: v for k, v in handler(self).items() if not (k in ("min", "max") and v is None)}
