"""What the engine measures and draws while it trains: one module per event kind, registered here.

Each module `probes/<type>.py` holds its kind's payload model, its declaration (`PROBE`: type, cadence,
storage) and its computation. The event schema (event_schema.py) and the recorder's storage rule are
derived from this registry, so a new kind is its own module plus one line below.
"""
from __future__ import annotations

from . import (attention, boundary, confusion, dataset, embeddings, feature_maps, filters, final_weights,
               gradient_check, hidden_states, latent, metrics, misclassified, predictions, reconstructions, samples,
               status, time_gradients)
from .base import Cadence, Probe, Storage

PROBES: dict[str, Probe] = {}  # type -> its probe, in the order the event schema lists them


def register(probe: Probe) -> Probe:
    if probe.type in PROBES:
        raise ValueError(f"an event kind `{probe.type}` is registered already")
    PROBES[probe.type] = probe
    return probe


for module in (status, metrics, dataset, boundary, confusion, feature_maps, filters, misclassified, attention,
               hidden_states, embeddings, time_gradients, predictions, gradient_check, samples, latent,
               reconstructions, final_weights):
    register(module.PROBE)


def kept_whole(kind: str) -> bool:
    """Whether the recorder stores every event of `kind` for good (an unknown kind or a slot: no)."""
    probe = PROBES.get(kind)
    return probe is not None and probe.storage is Storage.WHOLE


def slot(kind: str, data: dict) -> str:
    """Where the latest event of its kind is kept: `feature_maps:3` for probe 3, else the kind.

    A slot is a kind already (the Redis recorder stream carries slots), so slot(slot(...)) is the same."""
    probe = PROBES.get(kind)
    return probe.slot(data) if probe is not None else kind


__all__ = ["PROBES", "Cadence", "Probe", "Storage", "kept_whole", "register", "slot"]
