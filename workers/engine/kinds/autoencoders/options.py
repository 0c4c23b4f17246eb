"""The spec's `model.autoencoder` section: the bottleneck, and the denoising and sparse variants.

Pydantic only (the spec reads it without torch); kind.py does what each field says.
"""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from ...choices import ACTIVATIONS
from ...schema import Strict

CodeActivation = Literal[tuple(name for name, a in ACTIVATIONS.items() if a.pieces == 1)]  # type: ignore[valid-type]


class Autoencoder(Strict):
    """An autoencoder maps its inputs to copies of themselves through a bottleneck: `model.layers` are the
    encoder, a dense code layer of `code` units follows, and the decoder mirrors the encoder back to the
    image. Autoencoder datasets only (ae-digits, ae-shapes); null there means these defaults."""
    code: Annotated[int, Field(ge=1, le=256)] = Field(2, description="the bottleneck's width: units in the code "
                                                      "layer (2: the latent view shows the code itself)")
    code_activation: CodeActivation = Field("linear", description="the code layer's activation")
    noise: Annotated[float, Field(ge=0, le=1)] = Field(0.0, description="denoising: Gaussian noise of this "
                                                       "standard deviation added to every training input afresh; "
                                                       "the target stays the clean image")
    test_noise: Annotated[float, Field(ge=0, le=1)] | None = Field(None, description="the noise on the inputs "
                                                                   "whose reconstruction the test loss measures "
                                                                   "(null: the training noise)")
    sparsity: Annotated[float, Field(ge=0, le=10)] = Field(0.0, description="sparse: λ of an L1 penalty on the "
                                                           "code, λ·Σ|h_j| per image, so that few code units are "
                                                           "active")
