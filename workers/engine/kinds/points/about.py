"""2-D points, as the spec side sees them: the datasets, dense layers only, the lessons, the shape rules."""
from __future__ import annotations

from ...common_layers import Dense
from ..about import About
from ..images.plan import plan as plan_layers  # an MLP is a CNN's flat end: the same rules count its layers
from .datasets import DEFAULT_FEATURES, PLANE_DATASETS
from .presets import POINTS_PRESETS


def _plan(spec, n_outputs: int, n_classes: int):
    shape = (len(spec.data.features),)
    return plan_layers(shape, [layer.model_dump() for layer in spec.model.layers], n_outputs), shape


def _data_problems(spec, dataset, limits, foreign) -> list:
    return foreign("sequence", "image")


POINTS = About(
    name="2d", trainer=f"{__package__}.kind:PointsKind", datasets=PLANE_DATASETS, layers=(Dense,),
    plan=_plan, article="a 2-D", needs="2-D dataset, whose networks take dense layers only",
    fields={"features": DEFAULT_FEATURES},
    refusal=lambda key, other: f"{other.sees}; features are for the 2-D datasets",
    data_problems=_data_problems, presets=tuple(POINTS_PRESETS),
)
