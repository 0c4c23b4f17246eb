"""Images, as the spec side sees them: the datasets, the layers a CNN takes, the lessons, the shape rules."""
from __future__ import annotations

from ...limits import Problem, over
from ..about import About
from .datasets import IMAGE_DATASETS, image_shape
from .layer_spec import IMAGE_LAYERS
from .plan import plan
from .presets import CNN_PRESETS


def _plan(spec, n_outputs: int, n_classes: int):
    shape = image_shape(spec.data.dataset, spec.data.image_size)
    return plan(shape, [layer.model_dump() for layer in spec.model.layers], n_outputs), shape


def _data_problems(spec, dataset, limits, foreign) -> list[Problem]:
    """What an image collection holds, and how large the server lets an image be."""
    data, found = spec.data, foreign("sequence")
    if dataset.max_samples is not None and data.n_samples > dataset.max_samples:
        found.append(Problem(("data", "n_samples"), f"{data.dataset} has {dataset.max_samples} images; "
                             f"n_samples is {data.n_samples}", "too_large"))
    found += foreign("2d")
    if data.image_size is not None and data.image_size > limits.max_image_size:
        found.append(over(("data", "image_size"), limits.max_image_size))
    return found


def _catalog(name: str, dataset, parameters: dict) -> dict:
    return {"classes": list(dataset.classes), "shape": list(dataset.shape), "max_samples": dataset.max_samples,
            "noise": dataset.noise, "parameters": parameters}


IMAGES = About(
    name="image", trainer=f"{__package__}.kind:ImageKind", datasets=IMAGE_DATASETS, layers=IMAGE_LAYERS,
    plan=_plan, article="an image", sees="the network sees the pixels",
    needs="image dataset, whose networks take dense, conv2d, pooling, flatten, dropout, batchnorm and residual "
          "layers",
    fields={"image_size": None, "augment": None},
    refusal=lambda key, other: f"{key} is for the image datasets (digits, shapes, textures)",
    classes=lambda dataset, data: list(IMAGE_DATASETS[dataset].classes),
    data_problems=_data_problems, catalog=_catalog, presets=tuple(CNN_PRESETS),
)
