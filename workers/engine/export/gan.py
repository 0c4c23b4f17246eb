"""A GAN run's two networks as plain PyTorch source: build_model() holds the generator G and the discriminator D,
each a flat nn.Sequential as the 2-D points' network is exported (export/points.py); noise() draws the run's own
fixed noise, so sample(model) gives the points the run's last `samples` frame and metrics were made of.

The run's final weights hold both networks (GanKind.kept_model: generator.hidden.0.linear.weight, ...,
discriminator.output.bias); key_map() says which exported key each comes from.
"""
from __future__ import annotations

from ..kinds.gan.kind import EVAL_POINTS
from ..kinds.gan.spec import Gan
from .errors import NotExportable
from .docstring import module_docstring
from .points import key_map as mlp_key_map
from .points import maxout_code, mlp_modules, sequential_code


def networks(spec) -> dict[str, list[tuple[str, str, str | None]]]:
    """The modules of G (noise -> a point) and of D (a point -> one logit), by their engine prefixes."""
    gan = spec.gan or Gan()
    return {"generator": mlp_modules(gan.noise_dim, spec.model.layers, 2, "generator."),
            "discriminator": mlp_modules(2, gan.discriminator.layers, 1, "discriminator.")}


def key_map(spec, engine_keys) -> dict[str, str]:
    if not any(key.startswith("discriminator.") for key in engine_keys):
        raise NotExportable("this GAN run's stored weights are its generator's only (it ended before the server "
                            "kept both networks): train it again to export it")
    mapped = {}
    for name, modules in networks(spec).items():
        keys = [key for key in engine_keys if key.startswith(f"{name}.")]
        mapped.update(mlp_key_map(modules, keys, f"{name}."))
    return mapped


def noise_dim(spec) -> int:
    return (spec.gan or Gan()).noise_dim


def model_source(spec, header: str) -> str:
    gan, built = spec.gan or Gan(), networks(spec)
    usage = ("points = sample(model, 500)  # (500, 2): the generator's points for the run's own noise",
             "real = realness(model, points)  # (500,): the discriminator's probability that each is real")
    return module_docstring(header, *usage) + f'''from collections import OrderedDict

import torch
from torch import nn

# The generator G maps noise z ~ N(0, I) of NOISE_DIM dimensions to a point (x1, x2) of the plane; the
# discriminator D maps a point to one logit, the log-odds that it is a real one.
NOISE_DIM = {gan.noise_dim}
# The seed of the run's fixed noise: its metrics and its samples view measured G on noise(n) with this seed.
NOISE_SEED = {spec.train.seed!r}
# How many fixed noise vectors the run measured G on (the first of them drawn in its samples view).
EVAL_POINTS = {EVAL_POINTS}{maxout_code(spec.model.layers, gan.discriminator.layers)}


class GAN(nn.Module):
    """G and D side by side; calling it generates: (N, NOISE_DIM) noise -> (N, 2) points."""

    def __init__(self, generator, discriminator):
        super().__init__()
        self.generator, self.discriminator = generator, discriminator

    def forward(self, z):
        return self.generator(z)


def build_generator() -> nn.Sequential:
    """G: (N, {gan.noise_dim}) noise -> (N, 2) points."""
    return {sequential_code(built["generator"])}


def build_discriminator() -> nn.Sequential:
    """D: (N, 2) points -> (N, 1) logits."""
    return {sequential_code(built["discriminator"])}


def build_model() -> GAN:
    return GAN(build_generator(), build_discriminator())


def noise(n: int = EVAL_POINTS, seed: int = NOISE_SEED) -> torch.Tensor:
    """(n, NOISE_DIM) standard normal noise, the same for the same seed (with the defaults, the run's own)."""
    return torch.randn(n, NOISE_DIM, generator=torch.Generator().manual_seed(seed))


def sample(model: GAN, n: int = EVAL_POINTS, seed: int = NOISE_SEED) -> torch.Tensor:
    """(n, 2) generated points, from noise(n, seed)."""
    return model.generator(noise(n, seed))


def realness(model: GAN, points) -> torch.Tensor:
    """(N, 2) points -> (N,) D's probability that each is real (the run's heatmap)."""
    return torch.sigmoid(model.discriminator(torch.as_tensor(points, dtype=torch.float32))[:, 0])
'''
