"""Which Celery queue trains a spec: small networks on `cpu`, large ones on `gpu`."""
from __future__ import annotations

from .engine import Spec
from .engine.datasets import DATASETS
from .engine.layers import count_parameters
from .engine.losses import make_head

GPU_LAYER_TYPES = frozenset({"conv2d", "rnn", "lstm", "gru", "transformer_block"})


def queue_for(spec: Spec, parameter_threshold: int) -> str:
    if any(layer.type in GPU_LAYER_TYPES for layer in spec.model.layers):
        return "gpu"
    head = make_head(spec.train.loss, DATASETS[spec.data.dataset].task, spec.model.output_activation)
    layers = [layer.model_dump() for layer in spec.model.layers]
    parameters = count_parameters(len(spec.data.features), layers, head.n_outputs)
    return "gpu" if parameters > parameter_threshold else "cpu"
