"""2-D points, as the spec side sees them: the datasets, dense layers only, the lessons, the shape rules."""
from __future__ import annotations

from ...common_layers import Dense
from ...limits import Problem
from ..about import About
from ..images.plan import plan as plan_layers  # an MLP is a CNN's flat end: the same rules count its layers
from .datasets import DEFAULT_FEATURES, MAX_CLASSES, MIN_CLASSES, PLANE_DATASETS
from .presets import POINTS_PRESETS


def _plan(spec, n_outputs: int, n_classes: int):
    shape = (len(spec.data.table.columns) if spec.data.table is not None else len(spec.data.features),)
    return plan_layers(shape, [layer.model_dump() for layer in spec.model.layers], n_outputs), shape


def _data_problems(spec, dataset, limits, foreign) -> list:
    found = foreign("sequence", "image")
    if spec.data.table is not None:
        return found + table_problems(spec.data)
    if spec.data.axes is not None:
        found.append(Problem(("data", "axes"), f"{spec.data.dataset} is drawn over x1 and x2; axes is for "
                             "uploaded datasets"))
    if spec.data.classes is not None and dataset.classes is None:
        k_class = ", ".join(name for name, d in PLANE_DATASETS.items() if d.classes is not None)
        found.append(Problem(("data", "classes"), f"{spec.data.dataset} has two classes; classes is for the "
                             f"k-class datasets ({k_class})"))
    return found


def table_problems(data) -> list:
    """An uploaded dataset's rules: its own columns are its inputs, its own labels its classes."""
    found, table = [], data.table
    if data.features != DEFAULT_FEATURES:
        found.append(Problem(("data", "features"), f"{data.dataset} is an uploaded dataset: the network takes "
                             f"its feature columns ({', '.join(table.columns)}); features are for the "
                             "generated datasets"))
    if data.classes is not None:
        found.append(Problem(("data", "classes"), f"{data.dataset} is an uploaded dataset with its own labels; "
                             "classes is for the generated k-class datasets"))
    if data.axes is not None:
        unknown = [a for a in data.axes if a not in table.columns]
        if unknown or data.axes[0] == data.axes[1]:
            why = f"{', '.join(unknown)} is not" if unknown else "the two axes must differ: each is"
            found.append(Problem(("data", "axes"), f"{why} one of {data.dataset}'s feature columns "
                                 f"({', '.join(table.columns)})"))
    if data.n_samples != len(table.x):
        found.append(Problem(("data", "n_samples"), f"{data.dataset} has {len(table.x)} rows: n_samples is "
                             "theirs"))
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
    fields={"features": DEFAULT_FEATURES, "classes": None, "axes": None},
    refusal=lambda key, other: f"{other.sees}; {key} {'are' if key == 'features' else 'is'} for the 2-D datasets",
    data_problems=_data_problems, classes=_classes, catalog=_catalog, presets=tuple(POINTS_PRESETS),
)
