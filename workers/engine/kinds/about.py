"""About: what the spec side needs to know of one kind of data, without torch.

The registry (kinds/__init__.py) holds one About per kind, and the shared tables are built from them:
DATASETS (datasets.py), the union of layer types (layer_spec.py), the presets (presets.py), the checks
(checks.py) and /catalog (catalog.py). The kind's trainer, a Kind (base.py, which needs torch), is named
here as "module:Class" (or given by a function that returns the class) and loaded only when a run trains.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Mapping

if TYPE_CHECKING:
    from ..limits import Problem
    from ..plan import Plan

# Visual events as (type, data); a data of None means "not finite": the run is diverging, so the trainer
# sends none of that frame's events (the metrics will say why).
Events = list[tuple[str, "dict | None"]]

# foreign(*kind names): the spec's data fields that belong to those kinds (their `fields`) and are set, as
# problems, in that order (checks.py gives it to data_problems)
Foreign = Callable[..., "list[Problem]"]


def two_classes(dataset: str, data: Any) -> list[str]:
    return ["0", "1"]


@dataclass(frozen=True)
class About:
    name: str  # the `kind` of its datasets ("2d", "image", "sequence"): the catalog's and the registry's key
    trainer: str | Callable[[], type]  # its Kind: "module:Class", or a function returning the class
    datasets: Mapping[str, Any]  # name -> a record leading with kind, task and description
    layers: tuple[type, ...]  # the layer spec models its networks take, in the catalog's order
    # (spec, n_outputs, n_classes) -> (the plan, the input shape): the shape rules the checks and /plan use
    plan: Callable[[Any, int, int], "tuple[Plan, tuple]"]
    article: str  # "a 2-D": "circle is a 2-D dataset"
    needs: str  # a layer of another type: "layer 1 (conv2d): xor is a {needs}"
    # The spec's data fields for its datasets only, with the value that means "not set" ...
    fields: Mapping[str, Any] = field(default_factory=dict)
    # ... and what a dataset of another kind that sets one is told: (field, that kind's About) -> message tail
    refusal: Callable[[str, "About"], str] | None = None
    sees: str = ""  # what its networks see, to say why another kind's inputs mean nothing to it
    classes: Callable[[str, Any], list[str]] = two_classes  # (dataset, data) -> class names
    # (spec, dataset record, limits, foreign) -> the data's problems; None: foreign(every other kind)
    data_problems: Callable[..., "list[Problem]"] | None = None
    layer_problems: Callable[..., "list[Problem]"] | None = None  # (dataset name, record, index, layer)
    # (dataset name, record, its data parameters) -> its catalog entry's fields after name, kind, task, description
    catalog: Callable[[str, Any, dict], dict] = lambda name, dataset, parameters: {"parameters": parameters}
    presets: tuple[dict, ...] = ()  # lessons on its datasets, in the order /catalog lists them
    # spec -> its network's output units, where they are not the loss's (a GAN's generator: a point, 2)
    output_units: Callable[[Any], int] | None = None

