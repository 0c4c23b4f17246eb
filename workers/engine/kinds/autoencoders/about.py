"""Autoencoders, as the spec side sees them: the datasets, the layers an encoder takes, the lessons, the shape
rules (the encoder's, the code's and the mirrored decoder's)."""
from __future__ import annotations

from ...common_layers import Dense, Dropout
from ...limits import Problem
from ..about import About
from ..images.layer_spec import AvgPool2d, BatchNorm, Conv2d, Flatten, MaxPool2d
from .datasets import AUTOENCODER_DATASETS
from .options import Autoencoder
from .plan import plan
from .presets import AUTOENCODER_PRESETS

NAME = "autoencoder"


def _plan(spec, n_outputs: int, n_classes: int):
    options = spec.model.autoencoder or Autoencoder()
    shape = AUTOENCODER_DATASETS[spec.data.dataset].shape
    layers = [layer.model_dump() for layer in spec.model.layers]
    return plan(shape, layers, options.code, options.code_activation), shape


def _data_problems(spec, dataset, limits, foreign) -> list[Problem]:
    """Every other kind's data fields are refused; a fixed collection has only so many images."""
    from .. import KINDS  # the registry imports this module

    found = foreign(*(name for name in KINDS if name != NAME))
    if dataset.max_samples is not None and spec.data.n_samples > dataset.max_samples:
        found.append(Problem(("data", "n_samples"), f"{spec.data.dataset} has {dataset.max_samples} images; "
                             f"n_samples is {spec.data.n_samples}", "too_large"))
    return found


def _catalog(name: str, dataset, parameters: dict) -> dict:
    return {"classes": list(dataset.classes), "shape": list(dataset.shape), "max_samples": dataset.max_samples,
            "noise": dataset.source.noise, "parameters": parameters}


AUTOENCODERS = About(
    name=NAME, trainer=f"{__package__}.kind:AutoencoderKind", datasets=AUTOENCODER_DATASETS,
    layers=(Dense, Conv2d, MaxPool2d, AvgPool2d, Flatten, Dropout, BatchNorm), plan=_plan, article="an autoencoder",
    sees="the network sees the pixels",
    needs="autoencoder dataset, whose encoders take dense, conv2d, pooling, flatten, dropout and batchnorm layers "
          "(the decoder mirrors them)",
    classes=lambda dataset, data: [],  # nothing to classify: the labels only colour the latent space
    data_problems=_data_problems, catalog=_catalog, presets=tuple(AUTOENCODER_PRESETS),
)
