"""Sequences, as the spec side sees them: the tasks, the layers a sequence network takes, the lessons, the
shape rules and the tasks' own checks."""
from __future__ import annotations

from ..about import About
from .checks import data_problems, layer_problems
from .datasets import SEQUENCE_DATASETS, SEQUENCE_FIELDS, sequence_shape, vocabulary
from .layer_spec import SEQUENCE_NETWORK_LAYERS
from .plan import plan
from .presets import SEQ_PRESETS


def _plan(spec, n_outputs: int, n_classes: int):
    shape = sequence_shape(spec.data.dataset, spec.data)
    return plan(shape, [layer.model_dump() for layer in spec.model.layers], n_outputs, n_classes), shape


def _classes(dataset: str, data) -> list[str]:
    """A token task's classes are its vocabulary (which may depend on the spec's data); values have none."""
    return list(vocabulary(dataset, data)) if SEQUENCE_DATASETS[dataset].task == "classification" else []


def _catalog(name: str, dataset, data_parameters: dict) -> dict:
    """Its own fields only, each with the task's default and bounds; the vocabulary at those defaults."""
    parameters = {k: v for k, v in data_parameters.items() if k not in SEQUENCE_FIELDS}
    for key, default in dataset.parameters.items():
        lo, hi = dataset.bounds[key]
        parameters[key] = {**data_parameters[key], "type": "integer", "default": default, "minimum": lo,
                           "maximum": hi}
        parameters[key].pop("anyOf", None)
    return {"tokens": list(dataset.vocab(dataset.parameters)), "causal": dataset.causal,
            "length": dataset.length(dataset.parameters), "parameters": parameters}


SEQUENCES = About(
    name="sequence", trainer=f"{__package__}.kind:SequenceKind", datasets=SEQUENCE_DATASETS,
    layers=SEQUENCE_NETWORK_LAYERS, plan=_plan, article="a sequence", sees="the network sees its tokens (or values)",
    needs="sequence dataset, whose networks take embedding, positional, rnn, lstm, gru, transformer_block, "
          "decoder_block, dense and dropout layers",
    fields=dict.fromkeys(SEQUENCE_FIELDS), refusal=lambda key, other: f"{key} is for the sequence datasets",
    classes=_classes, data_problems=data_problems, layer_problems=layer_problems, catalog=_catalog,
    presets=tuple(SEQ_PRESETS),
)
