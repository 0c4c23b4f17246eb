"""GET /catalog: every choice a spec may make, generated from the tables validation uses."""
from __future__ import annotations

from .checks import Limits
from .datasets import DATASETS, FEATURES
from .images import ImageDataset
from .layer_spec import LAYERS, Residual
from .seq_layer_spec import SEQUENCE_TYPES, SHARED_TYPES
from .sequences import SEQUENCE_FIELDS, SequenceDataset
from .choices import ACTIVATIONS, INITS, LOSSES, OUTPUT_ACTIVATIONS
from .optim_spec import OPTIMIZERS, SCHEDULES
from .spec import Augment, Data, Spec

IMAGE_ONLY = ("image_size", "augment")  # data fields for image datasets only; `features` is for 2-D ones only
NOT_FOR_SEQUENCES = ("features", *IMAGE_ONLY)


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
    entry = {"name": name, "kind": dataset.kind, "task": dataset.task, "description": dataset.description}
    if isinstance(dataset, SequenceDataset):
        # Its own fields only, each with the task's default and bounds; the vocabulary at those defaults.
        parameters = {k: v for k, v in data_parameters.items() if k not in NOT_FOR_SEQUENCES + SEQUENCE_FIELDS}
        for key, default in dataset.parameters.items():
            lo, hi = dataset.bounds[key]
            parameters[key] = {**data_parameters[key], "type": "integer", "default": default, "minimum": lo,
                               "maximum": hi}
            parameters[key].pop("anyOf", None)
        return {**entry, "tokens": list(dataset.vocab(dataset.parameters)), "causal": dataset.causal,
                "length": dataset.length(dataset.parameters), "parameters": parameters}
    if isinstance(dataset, ImageDataset):
        return {**entry, "classes": list(dataset.classes), "shape": list(dataset.shape),
                "max_samples": dataset.max_samples, "noise": dataset.noise,
                "parameters": {k: v for k, v in data_parameters.items() if k not in ("features", *SEQUENCE_FIELDS)}}
    return {**entry, "parameters": {k: v for k, v in data_parameters.items()
                                    if k not in IMAGE_ONLY + SEQUENCE_FIELDS}}


def _kinds(kind: str) -> list[str]:
    """The kinds of dataset whose networks take this layer type."""
    if kind in SEQUENCE_TYPES:
        return ["sequence"]
    if kind in SHARED_TYPES:
        return ["2d", "image", "sequence"] if kind == "dense" else ["image", "sequence"]
    return ["image"]


def _layer(kind: str, model) -> dict:
    parameters = _parameters(model)
    if model is Residual:  # its layers: any type but residual (the JSON schema's $refs mean nothing here)
        parameters["layers"] = {"type": "array", "title": "Layers", "minItems": 1,
                                "description": "the block's layers, any type but residual",
                                "default": Residual(type="residual").model_dump()["layers"]}
    return {"type": kind, "datasets": _kinds(kind),
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
