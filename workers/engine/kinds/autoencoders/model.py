"""The autoencoder's modules: exactly the steps plan.plan describes, the encoder by the image kind's builders."""
from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from ...layers import ACTIVATION_MODULES, ACTIVATIONS, Dense
from ...plan import Step
from ..images.model import MODULES, same_padding
from .plan import plan


class TransposedConv(nn.Module):
    """The mirror of a conv2d layer: a transposed convolution (its adjoint) from the layer's maps back to its
    input channels, cropped to the input's size where the convolution had padded it, then the activation."""

    def __init__(self, step: Step):
        super().__init__()
        layer, (maps, _, _), (channels, height, width) = step.layer, step.shape_in, step.shape_out
        k, s = layer["kernel"], layer["stride"]
        pieces = ACTIVATIONS[layer["activation"]].pieces
        self.conv = nn.ConvTranspose2d(maps, channels * pieces, k, s)
        same = layer["padding"] == "same"
        self.top = same_padding(height, k, s)[0] if same else 0
        self.left = same_padding(width, k, s)[0] if same else 0
        self.size = (height, width)
        self.activation = ACTIVATION_MODULES[layer["activation"]](channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, maps, h, w) -> (B, channels, H, W)
        x = self.conv(x)
        (height, width), (top, left) = self.size, (self.top, self.left)
        x = F.pad(x, (0, max(0, left + width - x.shape[-1]), 0, max(0, top + height - x.shape[-2])))
        return self.activation(x[..., top:top + height, left:left + width])


def _dense(step: Step) -> nn.Module:
    return Dense(step.shape_in[0], step.layer["units"], step.layer["activation"], 0.0, False)


DECODER_MODULES = {
    "code": _dense,
    "dense": _dense,
    "conv_transpose2d": TransposedConv,
    "upsample": lambda step: nn.Upsample(size=step.shape_out[1:], mode="nearest"),
    "unflatten": lambda step: nn.Unflatten(1, step.shape_out),
}


class Autoencoder(nn.Module):
    """image -> encoder (the spec's layers) -> code h -> decoder -> the image's reconstruction, before the
    output activation (which the loss applies)."""

    def __init__(self, input_shape: tuple[int, int, int], layers: list[dict], code: int, code_activation: str):
        super().__init__()
        planned = plan(input_shape, layers, code, code_activation)
        if planned.problem is not None:
            raise ValueError(planned.problem[1])  # checks.problems refuses such a spec before it gets here
        at = next(i for i, step in enumerate(planned.steps) if step.type == "code")
        self.encoder_steps, self.decoder_steps = planned.steps[:at + 1], planned.steps[at + 1:]
        self.encoder = nn.ModuleList(_dense(s) if s.type == "code" else MODULES[s.type](s.layer, s.shape_in)
                                     for s in self.encoder_steps)
        self.decoder = nn.ModuleList(DECODER_MODULES[s.type](s) for s in self.decoder_steps)

    def encode(self, x: torch.Tensor) -> torch.Tensor:  # (B, C, H, W) -> (B, code)
        for block in self.encoder:
            x = block(x)
        return x

    def decode(self, h: torch.Tensor) -> torch.Tensor:  # (B, code) -> (B, C, H, W)
        for block in self.decoder:
            h = block(h)
        return h

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.decode(self.encode(x))

    def linears(self) -> dict[str, nn.Module]:
        """Every layer with a weight, by its plan name: conv1, dense1, code, decoder.dense1, decoder.conv1, ..."""
        named = {}
        for step, block in [*zip(self.encoder_steps, self.encoder), *zip(self.decoder_steps, self.decoder)]:
            if step.type in ("dense", "code"):
                named[step.name] = block.linear
            elif step.type in ("conv2d", "conv_transpose2d"):
                named[step.name] = block.conv
        return named
