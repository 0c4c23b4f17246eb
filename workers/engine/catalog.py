"""GET /catalog: every choice a spec may make, generated from the tables validation uses."""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .checks import Limits
from .choices import ACTIVATIONS, INITS, LOSSES, OUTPUT_ACTIVATIONS
from .datasets import DATASETS
from .kinds import KINDS
from .kinds.points.datasets import FEATURES
from .layer_spec import LAYERS
from .optim_spec import OPTIMIZERS, SCHEDULES
from .spec import Augment, Data, Spec


# -- the answer's shape (GET /catalog's response model, so the page's types are generated) ------------------

JsonSchema = dict[str, Any]  # one parameter as a JSON schema property: type, default, bounds, description


class Named(BaseModel):
    name: str
    description: str | None = None


class DatasetEntry(Named):
    """A dataset: the data fields it takes, and what its kind adds (image shape and classes, sequence tokens...)."""
    model_config = ConfigDict(extra="allow")  # a kind's catalog() may add fields of its own
    kind: str = Field(description="Its kind of data: `2d`, `image`, `sequence`, `gan`, `autoencoder`.")
    task: Literal["classification", "regression", "generation", "reconstruction"]
    parameters: dict[str, JsonSchema] = Field(description="The `data` fields it takes, as JSON schema properties.")
    classes: list[str] | None = Field(None, description="image: the class names, in label order.")
    shape: list[int] | None = Field(None, description="image: channels × height × width.")
    max_samples: int | None = Field(None, description="image: how many images the dataset has.")
    noise: str | None = Field(None, description="image: what `data.noise` does to it.")
    tokens: list[str] | None = Field(None, description="sequence: its vocabulary.")
    causal: bool | None = Field(None, description="sequence: whether a model must only look back (`text`).")
    length: int | None = Field(None, description="sequence: its default length.")


class Feature(BaseModel):
    name: str
    label: str


class LayerEntry(BaseModel):
    type: str
    datasets: list[str] = Field(description="The kinds of data (`2d`, `image`, `sequence`) it works on.")
    description: str
    parameters: dict[str, JsonSchema]


class Activation(Named):
    range: tuple[float, float] | None = Field(description="Its output range, where it is bounded.")


class Choice(Named):
    parameters: dict[str, JsonSchema]


class Catalog(BaseModel):
    """Every choice a spec may make, with its parameters, and this server's limits."""
    datasets: list[DatasetEntry]
    features: list[Feature]
    layers: list[LayerEntry]
    activations: list[Activation]
    output_activations: list[str]
    optimizers: list[Choice]
    schedules: list[Choice]
    losses: list[Named]
    inits: list[Named]
    limits: dict[str, int] = Field(description="This server's limits on a run (`PLAYGROUND_MAX_*`).")
    defaults: dict[str, Any] = Field(description="A whole spec with every field at its default (the dataset is "
                                     "the one field without one: here the first dataset).")


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
