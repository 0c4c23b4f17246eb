"""`final_weights` events: the model's whole state dict as it ends, so the server can keep and export it.

A worker reports only through its events, so the trained weights travel as one: float32 (exact for every
weight, and for batch norm's counter), once, just before the terminal status of a run that did not fail.
The recorder keeps the latest one of each run; GET /runs/{id}/export turns it into code, a state dict or
ONNX (workers/engine/export/).
"""
from __future__ import annotations

from pydantic import Field

from .base import Cadence, Probe, Storage
from .payload import Payload, Tensor

# A state dict larger than this many values is not sent (4 MB of float32): the export says why.
MAX_VALUES = 1_000_000


class FinalWeightsData(Payload):
    """`data` of a `final_weights` event: the trained model's state dict."""

    state: dict[str, Tensor] = Field(description="Every parameter and buffer of the engine's model by its "
                                     "state-dict name (`hidden.0.linear.weight`, ...; a GAN's two networks under "
                                     "`generator.` and `discriminator.`), float32.")


PROBE = Probe("final_weights", FinalWeightsData, Cadence.END, Storage.LATEST,
              "The trained model's weights, once when a run succeeds or is stopped (not when it fails).")


def final_weights(model) -> dict | None:
    """`final_weights` data of a torch module, or None when it is too large to send."""
    from ..events import tensor

    state = model.state_dict()
    if sum(value.numel() for value in state.values()) > MAX_VALUES:
        return None
    return {"state": {name: tensor(value.float(), "float32") for name, value in state.items()}}
