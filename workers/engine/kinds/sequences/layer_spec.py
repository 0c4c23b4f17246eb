"""The sequence layers a spec may list (token and value sequences): one pydantic model per type.

layer_spec.py adds them to the one table of layer types; model.py and plan.py hold, under the same names,
what each computes and the shape rules (a model width that the heads do not divide, a recurrent layer given
tokens).
"""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from ...common_layers import Dense, Dropout
from ...schema import Strict

Count = Annotated[int, Field(ge=1)]
Rate = Annotated[float, Field(ge=0, lt=1)]
Stacked = Annotated[int, Field(ge=1, le=4)]


class Embedding(Strict):
    """Token → a learned vector of `dim` numbers: T tokens → T×dim. The first layer of a token network."""
    type: Literal["embedding"]
    dim: Count = 32


class Positional(Strict):
    """Adds each position's code to its vector, so that attention, which sees a set, can tell order.
    `sinusoidal`: fixed sines and cosines of many wavelengths (Vaswani et al.); `learned`: one learned vector
    per position. T×d → T×d."""
    type: Literal["positional"]
    encoding: Literal["sinusoidal", "learned"] = "sinusoidal"


class Rnn(Strict):
    """A vanilla (Elman) recurrent layer: h_t = activation(W x_t + U h_{t−1} + b), read left to right
    (and right to left too when bidirectional, the two halves side by side). T×F → T×hidden (×2)."""
    type: Literal["rnn"]
    hidden: Count = 64
    num_layers: Stacked = 1
    bidirectional: bool = False
    activation: Literal["tanh", "relu"] = "tanh"


class Lstm(Strict):
    """Long short-term memory: a cell state that input, forget and output gates write, keep and read,
    so that gradients can flow across many steps. T×F → T×hidden (×2 when bidirectional)."""
    type: Literal["lstm"]
    hidden: Count = 64
    num_layers: Stacked = 1
    bidirectional: bool = False


class Gru(Strict):
    """Gated recurrent unit: an update gate mixes the old state with a candidate (a reset gate decides how
    much of the old state the candidate sees); fewer parameters than an LSTM. T×F → T×hidden (×2)."""
    type: Literal["gru"]
    hidden: Count = 64
    num_layers: Stacked = 1
    bidirectional: bool = False


class TransformerBlock(Strict):
    """Multi-head self-attention, softmax(QKᵀ/√d_k)V over every pair of positions, then a position-wise
    feed-forward network; each with a residual connection and layer norm (before: `pre`, after: `post`).
    `causal` lets position t attend only to positions ≤ t (language models). T×d → T×width."""
    type: Literal["transformer_block"]
    width: Count | None = Field(None, description="the model width d; null: the input's width (else a linear "
                                "projection to it first)")
    heads: Count = 2
    ff: Count = Field(64, description="the feed-forward layer's width")
    dropout: Rate = 0.0
    norm: Literal["pre", "post"] = "pre"
    causal: bool = False


class DecoderBlock(Strict):
    """A transformer decoder block: causal self-attention over the answer written so far, then cross-attention
    from it to the encoder's output (the layers before the first decoder block), then the feed-forward network.
    The decoder's input is the target shifted one step right (teacher forcing), embedded at the encoder's width."""
    type: Literal["decoder_block"]
    heads: Count = 2
    ff: Count = Field(64, description="the feed-forward layer's width")
    dropout: Rate = 0.0
    norm: Literal["pre", "post"] = "pre"


SEQUENCE_LAYERS = (Embedding, Positional, Rnn, Lstm, Gru, TransformerBlock, DecoderBlock)
RECURRENT_TYPES = frozenset({"rnn", "lstm", "gru"})
ATTENTION_TYPES = frozenset({"transformer_block", "decoder_block"})
SEQUENCE_TYPES = frozenset({"embedding", "positional"}) | RECURRENT_TYPES | ATTENTION_TYPES
# The types a sequence network takes, in the catalog's order: its own, then those it shares, applied at
# every step alike.
SEQUENCE_NETWORK_LAYERS = (*SEQUENCE_LAYERS, Dense, Dropout)
