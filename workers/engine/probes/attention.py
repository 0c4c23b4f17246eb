"""`attention` events: every attention layer's weights, every head, over a fixed probe sequence.

The probe is the first test sequence, for the whole run. Row i of a head's T×T matrix is how much query
step i takes from each key step; rows sum to 1 (a causal layer's are 0 above the diagonal). A decoder
block gives two matrices: its self-attention over the answer so far, and its cross-attention from the
answer's steps (queries) to the encoder's (keys).
"""
from __future__ import annotations

from typing import Literal

import torch
from pydantic import Field

from ..events import tensor
from .base import Cadence, Probe, Storage
from .payload import Payload, Tensor


class AttentionLayer(Payload):
    """One attention layer's weights over the probe: row i is what query step i takes from each key step."""

    layer: int = Field(ge=0, description="Its index in `model.layers`.")
    name: str = Field(description="transformer1, decoder1, ...: as in `metrics.grad_norms`.")
    kind: Literal["self", "cross"] = Field(description="`self`: a sequence attending to itself; `cross`: a decoder's "
                                           "steps (queries) attending to the encoder's (keys).")
    heads: int = Field(ge=1, description="The layer's heads; `weights` holds the first of them (all, unless the "
                       "event would pass 32,768 values).")
    query_tokens: list[str] = Field(description="The rows' labels: the probe's tokens, or for a decoder the "
                                    "answer shifted right (what each decoder step has seen).")
    key_tokens: list[str] = Field(description="The columns' labels.")
    weights: Tensor = Field(description="float16 heads×T_query×T_key; every row sums to 1 (a causal layer's rows "
                            "are 0 right of the diagonal).")


class AttentionData(Payload):
    """`data` of an `attention` event (sequence data, attention layers): every transformer and decoder block's
    weights over the probe, the first test sequence (the same all run long), input side first."""

    tokens: list[str] = Field(description="The probe's steps: its tokens, or for sine its values (`?` where hidden).")
    layers: list[AttentionLayer]


PROBE = Probe("attention", AttentionData, Cadence.FRAME, Storage.LATEST,
              "Attention weights over the probe sequence, at most stream.max_fps a second.")

ATTENTION_VALUES = 32_768  # per event (64 KB as float16); beyond it each layer sends fewer heads


def heads_sent(layers: list[torch.Tensor], budget: int = ATTENTION_VALUES) -> int:
    """How many heads of each layer fit the budget (at least one)."""
    per_head = sum(w.shape[-1] * w.shape[-2] for w in layers)
    return max(1, budget // per_head) if per_head else 0


def attention_event(recorded: list, tokens: list[str], decoder_tokens: list[str] | None) -> dict | None:
    """`attention` data from a forward pass's record of one probe, or None when a weight is not finite."""
    found = [(step, kind, weights[0].float()) for step, kind, weights in recorded if kind in ("self", "cross")]
    if not all(torch.isfinite(w).all() for _, _, w in found):
        return None
    keep = heads_sent([w for _, _, w in found])
    layers = []
    for step, kind, weights in found:  # weights: (heads, T_query, T_key)
        decoder = step.type == "decoder_block"
        queries = decoder_tokens if decoder else tokens
        keys = tokens if kind == "cross" or not decoder else decoder_tokens
        layers.append({"layer": step.path[0], "name": step.name, "kind": kind, "heads": weights.shape[0],
                       "query_tokens": queries, "key_tokens": keys, "weights": tensor(weights[:keep])})
    return {"tokens": tokens, "layers": layers}
