"""GET /catalog: every choice a spec may make, generated from the tables validation uses."""
from __future__ import annotations

from .checks import Limits
from .datasets import DATASETS, FEATURES
from .layers import ACTIVATIONS, INITS
from .losses import LOSSES, OUTPUT_ACTIVATIONS
from .optim import OPTIMIZERS, SCHEDULES
from .spec import Data, Dense, Spec


def _parameters(model, skip=("name", "type")) -> dict:
    """A choice's parameters as JSON schema properties (type, default, bounds)."""
    schema = model.model_json_schema(by_alias=True)
    return {k: v for k, v in schema["properties"].items() if k not in skip}


def describe(limits: Limits) -> dict:
    data_parameters = _parameters(Data, skip=("dataset",))
    return {
        "datasets": [{"name": name, "kind": d.kind, "task": d.task, "description": d.description,
                      "parameters": data_parameters} for name, d in DATASETS.items()],
        "features": [{"name": name, "label": f.label} for name, f in FEATURES.items()],
        "layers": [{"type": "dense", "description": "Fully connected layer with a per-layer activation.",
                    "parameters": _parameters(Dense)}],
        "activations": [{"name": name, "description": a.description, "range": a.range}
                        for name, a in ACTIVATIONS.items()],
        "output_activations": ["auto", *OUTPUT_ACTIVATIONS],
        "optimizers": [{"name": name, "description": model.__doc__, "parameters": _parameters(model)}
                       for name, model in OPTIMIZERS.items()],
        "schedules": [{"name": name, "description": model.__doc__, "parameters": _parameters(model)}
                      for name, model in SCHEDULES.items()],
        "losses": [{"name": name, "description": text} for name, text in LOSSES.items()],
        "inits": [{"name": name, "description": text} for name, (_, text) in INITS.items()],
        "limits": limits.model_dump(),
        # Every field's default (the dataset is the one field without one), so a client can show them.
        "defaults": Spec(data=Data(dataset=next(iter(DATASETS)))).model_dump(mode="json", by_alias=True),
    }
