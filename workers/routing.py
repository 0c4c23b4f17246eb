"""Which Celery queue trains a spec: small networks on `cpu`; convolutions and large ones on `gpu`."""
from __future__ import annotations

from .engine import Spec
from .engine.checks import parameters

GPU_LAYER_TYPES = frozenset({"conv2d", "rnn", "lstm", "gru", "transformer_block"})


def layer_types(spec: Spec) -> set[str]:
    """Every layer type in the network, those inside residual blocks included."""
    found = set()
    for layer in spec.model.layers:
        found.add(layer.type)
        found.update(inner.type for inner in getattr(layer, "layers", []))
    return found


def queue_for(spec: Spec, parameter_threshold: int) -> str:
    if layer_types(spec) & GPU_LAYER_TYPES:
        return "gpu"
    return "gpu" if parameters(spec) > parameter_threshold else "cpu"
