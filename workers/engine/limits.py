"""What one run may ask for (Limits) and what a check finds wrong (Problem): the vocabulary of checks.py,
which every kind's own checks (kinds/*/about.py) speak too."""
from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, Field


class Limits(BaseModel):
    """What one run may ask for; set by the server (PLAYGROUND_MAX_*)."""
    max_layers: int = Field(10, ge=1)  # in the network's list, and in each residual block's
    max_units: int = Field(256, ge=1)
    max_filters: int = Field(128, ge=1)  # per conv2d layer
    max_kernel: int = Field(9, ge=1)  # a conv2d kernel's side
    max_image_size: int = Field(64, ge=4)  # data.image_size
    max_sequence_length: int = Field(128, ge=2)  # the steps a sequence network sees
    max_heads: int = Field(8, ge=1)  # per attention layer
    max_parameters: int = Field(200_000, ge=1)
    max_samples: int = Field(10_000, ge=4)
    max_epochs: int = Field(100_000, ge=1)
    max_steps: int = Field(5_000_000, ge=1)


@dataclass(frozen=True)
class Problem:
    loc: tuple[str | int, ...]
    msg: str
    type: str = "value_error"


def over(loc: tuple, limit: int, what: str = "") -> Problem:
    return Problem(loc, f"at most {limit}{' ' + what if what else ''} on this server", "too_large")
