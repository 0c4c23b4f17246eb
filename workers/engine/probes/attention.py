"""`attention` events: every attention layer's weights, every head, over a fixed probe sequence.

The probe is the first test sequence, for the whole run. Row i of a head's T×T matrix is how much query
step i takes from each key step; rows sum to 1 (a causal layer's are 0 above the diagonal). A decoder
block gives two matrices: its self-attention over the answer so far, and its cross-attention from the
answer's steps (queries) to the encoder's (keys).
"""
from __future__ import annotations

import torch

from ..events import tensor

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
