"""The layers a spec may list: one pydantic model per layer type, discriminated by `type`, from every kind.

This union is the one table of layer types: the spec's validation, the catalog (each model's docstring and
JSON schema) and the OpenAPI document all read it. Each kind lists the models its networks take
(kinds/*/about.py; the shared dense and dropout live in common_layers.py), and holds, under the same names,
their shape rules (its plan.py) and modules (its model.py). A layer without a `type` is dense, so
`{"units": 4}` keeps working.
"""
from __future__ import annotations

from .common_layers import type_of, union
from .kinds import KINDS

# Every kind's layer models, each once, in the kinds' order: the order of the catalog and the OpenAPI document.
LAYER_TYPES = tuple(dict.fromkeys(model for about in KINDS.values() for model in about.layers))
Layer = union(LAYER_TYPES)
LAYERS = {type_of(model): model for model in LAYER_TYPES}
