"""A sequence run's network as plain PyTorch source: build_model(), TOKENS, encode(), decode(), shift_right() and
predict().

The exported network has the engine's structure (kinds/sequences/model.py) under the same attribute names
(blocks.0.weight, blocks.2.rnn.weight_ih_l0, blocks.3.attention.attention.in_proj_weight, ...,
target_embedding, output), written as a few small plain nn.Module classes without the probes' recording, so
its state dict takes the engine's keys as they are. The functions that need nothing of the engine (sinusoids,
causal_mask, shift_right, Positional) are the engine's own source.
"""
from __future__ import annotations

import inspect

from ..datasets import class_names
from ..kinds.sequences.datasets import SEQUENCE_DATASETS, sequence_shape
from ..kinds.sequences.model import Positional, causal_mask, feed_forward, shift_right, sinusoids
from ..kinds.sequences.plan import GATES, plan
from ..layers import Maxout
from ..losses import make_head
from .docstring import module_docstring
from .images import LAYER_BLOCKS, LAYER_CODE
from .points import OUTPUT_CODE

RECURRENT_CODE = {"rnn": "nn.RNN", "lstm": "nn.LSTM", "gru": "nn.GRU"}
assert RECURRENT_CODE.keys() == GATES.keys(), "every recurrent layer type needs its code, and only those"

BLOCKS = '''

class Recurrent(nn.Module):
    """torch's RNN, LSTM or GRU (batch first); only the top layer's hidden states (both directions) come out."""

    def __init__(self, rnn):
        super().__init__()
        self.rnn = rnn

    def forward(self, x):  # (B, T, F) -> (B, T, hidden × directions)
        return self.rnn(x)[0]


class Attention(nn.Module):
    """torch's multi-head attention, batch first: query attends to key (the key is also the value)."""

    def __init__(self, width, heads, dropout):
        super().__init__()
        self.attention = nn.MultiheadAttention(width, heads, dropout=dropout, batch_first=True)

    def forward(self, query, key, mask):
        return self.attention(query, key, key, attn_mask=mask, need_weights=False)[0]


class TransformerBlock(nn.Module):
    """x + attention(norm(x)), then x + ff(norm(x)) (pre-norm); or norm(x + attention(x)), ... (post-norm).
    causal: step t attends to steps <= t only."""

    def __init__(self, width, heads, ff, dropout, pre, causal, projection=None):
        super().__init__()
        self.causal, self.pre, self.projection = causal, pre, projection
        self.attention = Attention(width, heads, dropout)
        self.norm1, self.norm2 = nn.LayerNorm(width), nn.LayerNorm(width)
        self.ff = feed_forward(width, ff)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x):  # (B, T, d) -> (B, T, width)
        if self.projection is not None:
            x = self.projection(x)
        mask = causal_mask(x.shape[1], x.device) if self.causal else None
        if self.pre:
            h = self.norm1(x)
            x = x + self.dropout(self.attention(h, h, mask))
            return x + self.dropout(self.ff(self.norm2(x)))
        x = self.norm1(x + self.dropout(self.attention(x, x, mask)))
        return self.norm2(x + self.dropout(self.ff(x)))


class DecoderBlock(nn.Module):
    """Causal self-attention over the answer so far, cross-attention to the encoder's output, feed-forward."""

    def __init__(self, width, heads, ff, dropout, pre):
        super().__init__()
        self.pre = pre
        self.self_attention = Attention(width, heads, dropout)
        self.cross_attention = Attention(width, heads, dropout)
        self.norms = nn.ModuleList(nn.LayerNorm(width) for _ in range(3))
        self.ff = feed_forward(width, ff)
        self.dropout = nn.Dropout(dropout)

    def forward(self, y, memory):
        mask = causal_mask(y.shape[1], y.device)
        parts = (lambda h: self.self_attention(h, h, mask), lambda h: self.cross_attention(h, memory, None), self.ff)
        for norm, part in zip(self.norms, parts):
            y = y + self.dropout(part(norm(y))) if self.pre else norm(y + self.dropout(part(y)))
        return y


class StepwiseDense(nn.Module):
    """A dense layer applied to every step alike: (B, T, F) -> (B, T, units)."""

    def __init__(self, dense):
        super().__init__()
        self.dense = dense

    def forward(self, x):
        return self.dense(x.flatten(0, 1)).unflatten(0, x.shape[:2])


class Network(nn.Module):
    """The layers in order, then a linear output at every step. With decoder blocks it also takes the decoder's
    input (shift_right(targets)): the layers before the first decoder block encode the source, and the decoder
    blocks read the embedded decoder input, attending to that encoding."""

    def __init__(self, blocks, output, target_embedding=None, target_positional=None):
        # build_model() makes the modules in the engine's order (the output last), so that they draw the same
        # random numbers when built
        # and registers them in its order too, so that parameters() lists them alike (what clipping sums)
        super().__init__()
        self.blocks = nn.ModuleList(blocks)
        self.decoding = target_embedding is not None
        if self.decoding:
            self.target_embedding, self.target_positional = target_embedding, target_positional
        self.output = output

    def forward(self, x, decoder_input=None):  # (B, T) tokens or (B, T, 2) values -> (B, T, outputs)
        h, memory = x, None
        for block in self.blocks:
            if isinstance(block, DecoderBlock):
                if memory is None:
                    memory, h = h, self.target_positional(self.target_embedding(decoder_input))
                h = block(h, memory)
            else:
                h = block(h)
        return self.output(h)
'''


def head_of(spec):
    data = spec.data
    return make_head(spec.train.loss, SEQUENCE_DATASETS[data.dataset].task, spec.model.output_activation,
                     len(class_names(data.dataset, data)))


def input_shape(spec) -> tuple[int, ...]:
    return sequence_shape(spec.data.dataset, spec.data)


def planned(spec):
    head = head_of(spec)
    return plan(input_shape(spec), [layer.model_dump() for layer in spec.model.layers], head.n_outputs,
                len(class_names(spec.data.dataset, spec.data))), head


def _step(step, steps: int) -> str:
    layer, kind, width = step.layer, step.type, step.shape_in[-1]
    if kind == "embedding":
        return f"nn.Embedding({step.parameters // layer['dim']}, {layer['dim']})"
    if kind == "positional":
        return f"Positional({layer['encoding']!r}, {steps}, {width})"
    if kind in GATES:
        extra = f", nonlinearity={layer['activation']!r}" if kind == "rnn" else ""
        return (f"Recurrent({RECURRENT_CODE[kind]}({width}, {layer['hidden']}, {layer['num_layers']}, "
                f"batch_first=True, bidirectional={layer['bidirectional']}{extra}))")
    if kind == "dense":
        return f"StepwiseDense({LAYER_CODE['dense'](layer, (width,))})"
    if kind == "dropout":
        return LAYER_CODE["dropout"](layer, step.shape_in)
    common = f"heads={layer['heads']}, ff={layer['ff']}, dropout={layer['dropout']!r}, pre={layer['norm'] == 'pre'}"
    if kind == "transformer_block":
        model_width = step.shape_out[1]
        projection = f", projection=nn.Linear({width}, {model_width})" if model_width != width else ""
        return f"TransformerBlock({model_width}, {common}, causal={layer['causal']}{projection})"
    return f"DecoderBlock({width}, {common})"


def _predict(head) -> tuple[str, str]:
    """(how the output maps to the answer, predict()'s body): a token at every step, or a value."""
    if head.task == "classification":
        return (f"{head.n_outputs} outputs at every step, one logit per token: softmax gives its probabilities.",
                f'    """(N, T, {head.n_outputs}) outputs -> (N, T) tokens: the largest logit at every step."""\n'
                "    return output.argmax(dim=-1)\n")
    activated = OUTPUT_CODE[head.output_activation]
    return (f"One output at every step: the predicted value is {activated}.",
            '    """(N, T, 1) outputs -> (N, T) predicted values."""\n'
            f"    return {activated}[..., 0]\n")


def _inputs(spec, shape) -> tuple[str, str]:
    """(the INPUT/TOKENS constants and encode/decode, the usage line) for tokens or for values."""
    tokens = class_names(spec.data.dataset, spec.data)
    if not tokens:
        return (f'''# The network's input: float32 (N, {shape[0]}, 2) steps of (value, known): known is 1 where the
# value is given, 0 where it is hidden (the value then 0).
INPUT = {list(shape)!r}
TOKENS = []
''', f"values = predict(model(x))  # x: (N, {shape[0]}, 2) float32")
    decoding = any(layer.type == "decoder_block" for layer in spec.model.layers)
    call = "model(x, shift_right(targets))" if decoding else "model(x)"
    return (f'''# The network's input: (N, {shape[0]}) int64 token ids, token i being TOKENS[i] (token 0, "_", the
# blank).
INPUT = {list(shape)!r}
TOKENS = {tokens!r}
INDEX = {{token: i for i, token in enumerate(TOKENS)}}


def encode(text) -> torch.Tensor:
    """A sequence of {shape[0]} tokens (a string of one-character tokens, or a list) -> (1, {shape[0]}) token ids."""
    return torch.tensor([[INDEX[token] for token in text]])


def decode(ids) -> str:
    """Token ids (a sequence of them) -> the tokens, joined."""
    return "".join(TOKENS[int(i)] for i in ids)
''', f"tokens = predict({call})  # x: encode(...) or (N, {shape[0]}) ids; decode(tokens[0])")


def model_source(spec, header: str) -> str:
    shape = input_shape(spec)
    network, head = planned(spec)
    steps = shape[0]
    blocks = "".join(f"        {_step(step, steps)},\n" for step in network.steps)
    decoder = next((s for s in network.steps if s.type == "decoder_block"), None)
    decoding = ""
    if decoder is not None:  # the decoder's input: the shifted target, embedded and positioned like the source
        width = decoder.shape_in[1]
        encoding = next((s.layer["encoding"] for s in network.steps if s.type == "positional"), None)
        positional = f"Positional({encoding!r}, {steps}, {width})" if encoding else "nn.Identity()"
        decoding = (f"\n        target_embedding=nn.Embedding({len(class_names(spec.data.dataset, spec.data))}, "
                    f"{width}), target_positional={positional},")
    output_note, predict_body = _predict(head)
    inputs, usage = _inputs(spec, shape)
    maxout = "\n\n\n" + inspect.getsource(Maxout).rstrip() if "Maxout(" in blocks else ""
    engine = "\n\n\n".join(inspect.getsource(f).rstrip()
                            for f in (sinusoids, causal_mask, feed_forward, shift_right, Positional))
    return module_docstring(header, usage) + f'''import math

import torch
from torch import nn
from torch.nn import functional as F  # noqa: F401 (some output activations use it)

{inputs}
# How the output maps to the answer:
OUTPUT = {output_note!r}{maxout}{LAYER_BLOCKS}

{engine}
{BLOCKS}

def build_model() -> Network:
    """The network: (N, {", ".join(map(str, shape))}) inputs -> (N, {steps}, {head.n_outputs}) outputs."""
    return Network([
{blocks}    ],{decoding} output=nn.Linear({network.output_in[1]}, {head.n_outputs}))


def predict(output: torch.Tensor) -> torch.Tensor:
{predict_body}'''


def onnx_inputs(spec) -> dict:
    """The ONNX graph's example inputs: `tokens` (int64 ids) or `values` ((value, known) float32 pairs), and
    `decoder_input` (int64 ids, shift_right of the answer) where the network has decoder blocks."""
    import torch

    shape = input_shape(spec)
    if len(shape) == 2:
        return {"values": torch.zeros(1, *shape)}
    inputs = {"tokens": torch.zeros(1, *shape, dtype=torch.long)}
    if any(layer.type == "decoder_block" for layer in spec.model.layers):
        inputs["decoder_input"] = torch.zeros(1, *shape, dtype=torch.long)
    return inputs

