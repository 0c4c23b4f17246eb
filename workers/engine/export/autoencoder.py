"""An autoencoder run's network as plain PyTorch source: build_model() with encode() and decode(), and
reconstruct() (the output activation that makes the output an image).

The exported network has the engine's structure (kinds/autoencoders/model.py) under the same attribute names
(encoder.0.conv, ..., decoder.3.conv), so its state dict takes the engine's keys as they are; each step is the
one autoencoders.plan describes, written with the image export's blocks (export/images.py) and a transposed
convolution of its own.
"""
from __future__ import annotations

import inspect

from ..choices import ACTIVATIONS
from ..kinds.autoencoders.datasets import AUTOENCODER_DATASETS
from ..kinds.autoencoders.kind import reconstruction_head
from ..kinds.autoencoders.options import Autoencoder as Options
from ..kinds.autoencoders.plan import plan
from ..kinds.images.model import same_padding
from ..layers import Maxout
from .errors import NotExportable
from .docstring import module_docstring
from .images import LAYER_BLOCKS, LAYER_CODE
from .points import ACTIVATION_CODE, OUTPUT_CODE

BLOCKS = LAYER_BLOCKS + '''

class TransposedConv(nn.Module):
    """The mirror of a conv2d layer: a transposed convolution back to the layer's input channels, padded with zeros
    where it comes out short, cropped to the size of that input (top, left, height, width), then the activation."""

    def __init__(self, conv, activation, pad, crop):
        super().__init__()
        self.conv, self.activation, self.pad, self.crop = conv, activation, pad, crop

    def forward(self, x):  # (B, maps, h, w) -> (B, channels, height, width)
        x = F.pad(self.conv(x), self.pad)
        top, left, height, width = self.crop
        return self.activation(x[:, :, top:top + height, left:left + width])


class Autoencoder(nn.Module):
    """image -> encoder -> code -> decoder -> the reconstruction, before the output activation (reconstruct())."""

    def __init__(self, encoder, decoder):
        super().__init__()
        self.encoder, self.decoder = nn.ModuleList(encoder), nn.ModuleList(decoder)

    def encode(self, x):  # (B, C, H, W) -> (B, code)
        for block in self.encoder:
            x = block(x)
        return x

    def decode(self, h):  # (B, code) -> (B, C, H, W)
        for block in self.decoder:
            h = block(h)
        return h

    def forward(self, x):
        return self.decode(self.encode(x))
'''


def _plain_dense(step) -> str:
    """The code layer and the decoder's dense layers: linear -> activation, no batch norm nor dropout."""
    activation, units = step.layer["activation"], step.layer["units"]
    width = units * ACTIVATIONS[activation].pieces
    return f"Dense(nn.Linear({step.shape_in[0]}, {width}), {ACTIVATION_CODE[activation](units)})"


def _transposed(step) -> str:
    layer, (maps, _, _), (channels, height, width) = step.layer, step.shape_in, step.shape_out
    k, s, activation = layer["kernel"], layer["stride"], layer["activation"]
    same = layer["padding"] == "same"
    top = same_padding(height, k, s)[0] if same else 0
    left = same_padding(width, k, s)[0] if same else 0
    conv = f"nn.ConvTranspose2d({maps}, {channels * ACTIVATIONS[activation].pieces}, {k}, {s})"
    # The transposed convolution's output is (in - 1)·s + k a side; what the crop needs beyond it is zeros, as the
    # engine's module pads (kinds/autoencoders/model.TransposedConv), here with the sizes worked out in advance.
    out_h, out_w = (step.shape_in[1] - 1) * s + k, (step.shape_in[2] - 1) * s + k
    pad = (0, max(0, left + width - out_w), 0, max(0, top + height - out_h))
    return (f"TransposedConv({conv}, {ACTIVATION_CODE[activation](channels)}, pad={pad}, "
            f"crop={(top, left, height, width)})")


# The code of each decoder step (kinds/autoencoders/model.DECODER_MODULES), by the same names.
DECODER_CODE = {
    "code": _plain_dense, "dense": _plain_dense, "conv_transpose2d": _transposed,
    "upsample": lambda step: f'nn.Upsample(size={tuple(step.shape_out[1:])}, mode="nearest")',
    "unflatten": lambda step: f"nn.Unflatten(1, {tuple(step.shape_out)})",
}


def head_of(spec):
    channels, height, width = input_shape(spec)
    return reconstruction_head(spec.train.loss, spec.model.output_activation, channels * height * width)


def input_shape(spec) -> tuple[int, int, int]:
    return AUTOENCODER_DATASETS[spec.data.dataset].shape


def model_source(spec, header: str) -> str:
    options, shape = spec.model.autoencoder or Options(), input_shape(spec)
    planned = plan(shape, [layer.model_dump() for layer in spec.model.layers], options.code, options.code_activation)
    if planned.problem is not None:  # refused before any run; here for a spec given to export alone
        raise NotExportable(f"this autoencoder cannot be built: {planned.problem[1]}")
    steps = planned.steps
    at = next(i for i, step in enumerate(steps) if step.type == "code")  # the encoder ends with it, as the engine's
    encoder = "".join(f"        {_plain_dense(s) if s.type == 'code' else LAYER_CODE[s.type](s.layer, s.shape_in)},\n"
                      for s in steps[:at + 1])
    decoder = "".join(f"        {DECODER_CODE[s.type](s)},\n" for s in steps[at + 1:])
    head = head_of(spec)
    activation = "sigmoid" if head.loss_name == "bce" else head.output_activation
    image = ", ".join(map(str, shape))
    maxout = "\n\n\n" + inspect.getsource(Maxout).rstrip() if "Maxout(" in encoder + decoder else ""
    classes = list(AUTOENCODER_DATASETS[spec.data.dataset].classes)
    usage = (f"codes = model.encode(images)  # images: (N, {image}), pixels in [0, 1] -> (N, {options.code})",
             f"pictures = reconstruct(model(images))  # (N, {image}), in [0, 1]")
    return module_docstring(header, *usage) + f'''import torch
from torch import nn
from torch.nn import functional as F

# The network's input and output: float32 images of this shape (channels, height, width), pixels in [0, 1].
INPUT = {list(shape)!r}
# The width of the code (the bottleneck) that encode() answers.
CODE = {options.code}
# The dataset's classes: an autoencoder never sees them; the run's latent view coloured the codes by them.
CLASSES = {classes!r}{maxout}{BLOCKS}

def build_model() -> Autoencoder:
    """The network: (N, {image}) images -> (N, {options.code}) codes -> (N, {image}) outputs."""
    return Autoencoder([
{encoder}    ], [
{decoder}    ])


def reconstruct(output: torch.Tensor) -> torch.Tensor:
    """The network's (N, {image}) output -> the reconstructed images, in [0, 1]: {activation} of it."""
    return {OUTPUT_CODE[activation]}
'''
