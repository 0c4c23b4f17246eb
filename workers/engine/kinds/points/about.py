"""2-D points, as the spec side sees them: the datasets, dense layers only, the lessons, the shape rules."""
from __future__ import annotations

from ...common_layers import Dense
from ...limits import Problem
from ..about import About
from ..images.plan import plan as plan_layers  # an MLP is a CNN's flat end: the same rules count its layers
from .datasets import DEFAULT_FEATURES, MAX_CLASSES, MIN_CLASSES, PLANE_DATASETS
from .presets import POINTS_PRESETS


def _plan(spec, n_outputs: int, n_classes: int):
    shape = (len(spec.data.features),)
    return plan_layers(shape, [layer.model_dump() for layer in spec.model.layers], n_outputs), shape


def _data_problems(spec, dataset, limits, foreign) -> list:
    found = foreign("sequence", "image")
    if spec.data.classes is not None and dataset.classes is None:
        k_class = ", ".join(name for name, d in PLANE_DATASETS.items() if d.classes is not None)
        found.append(Problem(("data", "classes"), f"{spec.data.dataset} has two classes; classes is for the "
                             f"k-class datasets ({k_class})"))
    return found


def _classes(dataset: str, data) -> list[str]:
    """0 .. k-1: two for the two-class (and regression) datasets, data.classes for the k-class ones."""
    return [str(c) for c in range(PLANE_DATASETS[dataset].class_count(getattr(data, "classes", None)))]


def _catalog(name: str, dataset, parameters: dict) -> dict:
    """A two-class dataset takes no `classes`; a k-class one shows its own default."""
    parameters = dict(parameters)
    classes = parameters.pop("classes")
    if dataset.classes is not None:
        parameters["classes"] = {**classes, "type": "integer", "default": dataset.classes,
                                 "minimum": MIN_CLASSES, "maximum": MAX_CLASSES}
        parameters["classes"].pop("anyOf", None)
    return {"parameters": parameters}


POINTS = About(
    name="2d", trainer=f"{__package__}.kind:PointsKind", datasets=PLANE_DATASETS, layers=(Dense,),
    plan=_plan, article="a 2-D", needs="2-D dataset, whose networks take dense layers only",
    fields={"features": DEFAULT_FEATURES, "classes": None},
    refusal=lambda key, other: f"{other.sees}; {key} {'are' if key == 'features' else 'is'} for the 2-D datasets",
    data_problems=_data_problems, classes=_classes, catalog=_catalog, presets=tuple(POINTS_PRESETS),
)
