"""GET /catalog: every choice a spec may make, generated from the tables validation uses."""
from __future__ import annotations

from .checks import Limits
from .choices import ACTIVATIONS, INITS, LOSSES, OUTPUT_ACTIVATIONS
from .datasets import DATASETS
from .kinds import KINDS
from .kinds.points.datasets import FEATURES
from .layer_spec import LAYERS
from .optim_spec import OPTIMIZERS, SCHEDULES
from .spec import Augment, Data, Spec


def _parameters(model, skip=("name", "type")) -> dict:
    """A choice's parameters as JSON schema properties (type, default, bounds)."""
    schema = model.model_json_schema(by_alias=True)
    return {k: v for k, v in schema["properties"].items() if k not in skip}


def _data_parameters() -> dict:
    parameters = _parameters(Data, skip=("dataset",))
    augment = parameters["augment"]
    # Inline the augment object's own fields: a $ref means nothing outside the schema it came from.
    parameters["augment"] = {"type": ["object", "null"], "default": None, "title": "Augment",
                             "description": augment["description"], "properties": _parameters(Augment, skip=())}
    return parameters


def _dataset(name: str, dataset, data_parameters: dict) -> dict:
    """Its kind's entry: the data fields it takes (not those of other kinds' datasets), and what the kind adds."""
    about = KINDS[dataset.kind]
    others = {key for other in KINDS.values() if other is not about for key in other.fields}
    parameters = {k: v for k, v in data_parameters.items() if k not in others}
    return {"name": name, "kind": dataset.kind, "task": dataset.task, "description": dataset.description,
            **about.catalog(name, dataset, parameters)}


def _layer(kind: str, model) -> dict:
    parameters = _parameters(model)
    if hasattr(model, "catalog_parameters"):  # a field the JSON schema can only say with $refs
        parameters = model.catalog_parameters(parameters)
    return {"type": kind, "datasets": [about.name for about in KINDS.values() if model in about.layers],
            "description": " ".join(model.__doc__.split()), "parameters": parameters}


def describe(limits: Limits) -> dict:
    data_parameters = _data_parameters()
    return {
        "datasets": [_dataset(name, d, data_parameters) for name, d in DATASETS.items()],
        "features": [{"name": name, "label": f.label} for name, f in FEATURES.items()],
        "layers": [_layer(kind, model) for kind, model in LAYERS.items()],
        "activations": [{"name": name, "description": a.description, "range": a.range}
                        for name, a in ACTIVATIONS.items()],
        "output_activations": ["auto", *OUTPUT_ACTIVATIONS],
        "optimizers": [{"name": name, "description": model.__doc__, "parameters": _parameters(model)}
                       for name, model in OPTIMIZERS.items()],
        "schedules": [{"name": name, "description": model.__doc__, "parameters": _parameters(model)}
                      for name, model in SCHEDULES.items()],
        "losses": [{"name": name, "description": text} for name, text in LOSSES.items()],
        "inits": [{"name": name, "description": text} for name, text in INITS.items()],
        "limits": limits.model_dump(),
        # Every field's default (the dataset is the one field without one), so a client can show them.
        "defaults": Spec(data=Data(dataset=next(iter(DATASETS)))).model_dump(mode="json", by_alias=True),
    }
