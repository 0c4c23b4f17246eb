"""GANs, as the spec side sees them: the target distributions, dense layers only, the `gan` section's
checks, the lessons and the generator's shape rules."""
from __future__ import annotations

from ...common_layers import Dense
from ...limits import Problem, over
from ..about import About
from ..images.plan import plan as plan_layers  # an MLP is a CNN's flat end: the same rules count its layers
from .datasets import GAN_DATASETS
from .presets import GAN_PRESETS
from .spec import Gan


def _plan(spec, n_outputs: int, n_classes: int):
    """The generator: noise_dim inputs, the spec's layers, a point (n_outputs = 2) out."""
    shape = ((spec.gan or Gan()).noise_dim,)
    return plan_layers(shape, [layer.model_dump() for layer in spec.model.layers], n_outputs), shape


def _data_problems(spec, dataset, limits, foreign) -> list[Problem]:
    found = foreign("2d", "image", "sequence")
    if spec.train.loss != "auto":
        found.append(Problem(("train", "loss"), f"{spec.data.dataset} is a GAN dataset: its losses are the GAN's "
                             "own (gan.loss for the generator); leave train.loss at auto"))
    if spec.model.output_activation != "auto":
        found.append(Problem(("model", "output_activation"), "a GAN's generator ends in a linear layer (a point "
                             "in the plane); leave output_activation at auto"))
    layers = (spec.gan or Gan()).discriminator.layers
    if len(layers) > limits.max_layers:
        found.append(over(("gan", "discriminator", "layers"), limits.max_layers, "layers"))
    found += [over(("gan", "discriminator", "layers", i, "units"), limits.max_units)
              for i, layer in enumerate(layers) if layer.units > limits.max_units]
    return found


GAN = About(
    name="gan", trainer=f"{__package__}.kind:GanKind", datasets=GAN_DATASETS, layers=(Dense,), plan=_plan,
    article="a GAN", needs="GAN dataset, whose generator and discriminator take dense layers only",
    sees="a GAN's generator sees noise and its discriminator the points' x1 and x2",
    classes=lambda dataset, data: [], data_problems=_data_problems, presets=tuple(GAN_PRESETS),
    output_units=lambda spec: 2,
)
