"""Sequence networks: embeddings, positional encodings, RNN/LSTM/GRU layers and transformer blocks, built
exactly as plan.plan() described them.

Every network predicts something at every step: (B, T) tokens or (B, T, F) values in, (B, T, n_outputs)
out. An encoder–decoder network (one with decoder blocks) also takes the decoder's input: the target
shifted one step right, so that step t sees the answer up to t − 1 (teacher forcing).
A forward pass can `record` what the probes draw: attention weights, recurrent hidden states.
"""
from __future__ import annotations

import math

import torch
from torch import nn

from ...layers import Dense
from ...plan import Step
from .plan import GATES, plan

Record = list  # of (step, kind, tensor): kind "self" or "cross" (B, heads, T, T), "hidden" (B, T, H)


def sinusoids(steps: int, width: int) -> torch.Tensor:
    """PE[t, 2i] = sin(t / 10000^(2i/d)), PE[t, 2i+1] = cos(t / 10000^(2i/d)): (steps, width)."""
    position = torch.arange(steps, dtype=torch.float32)[:, None]
    rate = torch.exp(torch.arange(0, width, 2, dtype=torch.float32) * (-math.log(10000.0) / width))
    table = torch.zeros(steps, width + width % 2)
    table[:, 0::2], table[:, 1::2] = torch.sin(position * rate), torch.cos(position * rate)
    return table[:, :width]


class Positional(nn.Module):
    def __init__(self, encoding: str, steps: int, width: int):
        super().__init__()
        if encoding == "learned":
            self.table = nn.Parameter(torch.randn(steps, width) * 0.1)
        else:
            self.register_buffer("table", sinusoids(steps, width))

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, T, d) -> (B, T, d)
        return x + self.table[:x.shape[1]]


class Recurrent(nn.Module):
    """torch's own RNN, LSTM or GRU; only the top layer's hidden states (both directions) come out."""

    def __init__(self, layer: dict, width: int):
        super().__init__()
        kind = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[layer["type"]]
        extra = {"nonlinearity": layer["activation"]} if layer["type"] == "rnn" else {}
        self.rnn = kind(width, layer["hidden"], layer["num_layers"], batch_first=True,
                        bidirectional=layer["bidirectional"], **extra)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, T, F) -> (B, T, hidden × directions)
        return self.rnn(x)[0]


def causal_mask(steps: int, device) -> torch.Tensor:
    """True above the diagonal: step t may not look at steps after t."""
    return torch.ones(steps, steps, dtype=torch.bool, device=device).triu(1)


class Attention(nn.Module):
    """torch's multi-head attention; asks for every head's weights only when a probe records them."""

    def __init__(self, width: int, heads: int, dropout: float):
        super().__init__()
        self.attention = nn.MultiheadAttention(width, heads, dropout=dropout, batch_first=True)

    def forward(self, query, key, mask, record: Record | None, step: Step, kind: str) -> torch.Tensor:
        wanted = record is not None
        out, weights = self.attention(query, key, key, attn_mask=mask, need_weights=wanted,
                                      average_attn_weights=False)
        if wanted:
            record.append((step, kind, weights))  # (B, heads, T_query, T_key), rows summing to 1
        return out


def feed_forward(width: int, ff: int) -> nn.Module:
    return nn.Sequential(nn.Linear(width, ff), nn.ReLU(), nn.Linear(ff, width))


class TransformerBlock(nn.Module):
    """x + attention(norm(x)), then x + ff(norm(x)) (pre-norm); or norm(x + attention(x)), ... (post-norm)."""

    def __init__(self, layer: dict, width: int, step: Step):
        super().__init__()
        model_width = step.shape_out[1]
        self.step, self.causal, self.pre = step, layer["causal"], layer["norm"] == "pre"
        self.projection = nn.Linear(width, model_width) if model_width != width else None
        self.attention = Attention(model_width, layer["heads"], layer["dropout"])
        self.norm1, self.norm2 = nn.LayerNorm(model_width), nn.LayerNorm(model_width)
        self.ff = feed_forward(model_width, layer["ff"])
        self.dropout = nn.Dropout(layer["dropout"])

    def forward(self, x: torch.Tensor, record: Record | None = None) -> torch.Tensor:  # (B, T, d) -> (B, T, d)
        if self.projection is not None:
            x = self.projection(x)
        mask = causal_mask(x.shape[1], x.device) if self.causal else None
        if self.pre:
            h = self.norm1(x)
            x = x + self.dropout(self.attention(h, h, mask, record, self.step, "self"))
            return x + self.dropout(self.ff(self.norm2(x)))
        x = self.norm1(x + self.dropout(self.attention(x, x, mask, record, self.step, "self")))
        return self.norm2(x + self.dropout(self.ff(x)))


class DecoderBlock(nn.Module):
    """Causal self-attention over the decoder's stream, cross-attention to the encoder's output, feed-forward."""

    def __init__(self, layer: dict, width: int, step: Step):
        super().__init__()
        self.step, self.pre = step, layer["norm"] == "pre"
        self.self_attention = Attention(width, layer["heads"], layer["dropout"])
        self.cross_attention = Attention(width, layer["heads"], layer["dropout"])
        self.norms = nn.ModuleList(nn.LayerNorm(width) for _ in range(3))
        self.ff = feed_forward(width, layer["ff"])
        self.dropout = nn.Dropout(layer["dropout"])

    def forward(self, y: torch.Tensor, memory: torch.Tensor, record: Record | None = None) -> torch.Tensor:
        mask = causal_mask(y.shape[1], y.device)
        parts = (lambda h: self.self_attention(h, h, mask, record, self.step, "self"),
                 lambda h: self.cross_attention(h, memory, None, record, self.step, "cross"),
                 self.ff)
        for norm, part in zip(self.norms, parts):
            y = y + self.dropout(part(norm(y))) if self.pre else norm(y + self.dropout(part(y)))
        return y


class StepwiseDense(nn.Module):
    """A dense layer applied to every step alike: (B, T, F) -> (B, T, units)."""

    def __init__(self, layer: dict, width: int):
        super().__init__()
        self.dense = Dense(width, layer["units"], layer["activation"], layer["dropout"], layer["batchnorm"])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.dense(x.flatten(0, 1)).unflatten(0, x.shape[:2])


def build(step: Step, steps: int) -> nn.Module:
    layer, kind, width = step.layer, step.type, step.shape_in[-1]
    if kind == "embedding":
        return nn.Embedding(step.parameters // layer["dim"], layer["dim"])
    if kind == "positional":
        return Positional(layer["encoding"], steps, width)
    if kind in GATES:
        return Recurrent(layer, width)
    if kind == "transformer_block":
        return TransformerBlock(layer, width, step)
    if kind == "decoder_block":
        return DecoderBlock(layer, width, step)
    if kind == "dense":
        return StepwiseDense(layer, width)
    return nn.Dropout(layer["rate"]) if layer["rate"] > 0 else nn.Identity()


def shift_right(targets: torch.Tensor) -> torch.Tensor:
    """The decoder's input: at step t the target of step t − 1 (blank, token 0, where none is asked)."""
    shifted = torch.zeros_like(targets)
    shifted[:, 1:] = targets[:, :-1].clamp(min=0)  # IGNORE (−100) becomes the blank
    return shifted


class SeqNet(nn.Module):
    def __init__(self, input_shape: tuple[int, ...], layers: list[dict], n_outputs: int, vocab: int):
        super().__init__()
        planned = plan(input_shape, layers, n_outputs, vocab)
        if planned.problem is not None:
            raise ValueError(planned.problem[1])  # checks.problems refuses such a spec before it gets here
        self.steps, steps = planned.steps, input_shape[0]
        self.blocks = nn.ModuleList(build(step, steps) for step in self.steps)
        self.embedded = bool(self.steps) and self.steps[0].type == "embedding"
        first_decoder = next((s for s in self.steps if s.type == "decoder_block"), None)
        self.decoding = first_decoder is not None
        if self.decoding:  # the decoder's input: the shifted target, embedded and positioned like the source
            width = first_decoder.shape_in[1]
            self.target_embedding = nn.Embedding(vocab, width)
            encoding = next((s.layer["encoding"] for s in self.steps if s.type == "positional"), None)
            self.target_positional = Positional(encoding, steps, width) if encoding else nn.Identity()
        self.output = nn.Linear(planned.output_in[1], n_outputs)

    def embed(self, x: torch.Tensor) -> torch.Tensor:
        """Each step's input vector: (B, T) tokens through the embedding, or (B, T, F) values as they are."""
        return self.blocks[0](x) if self.embedded else x

    def forward(self, x: torch.Tensor, decoder_input: torch.Tensor | None = None,
                record: Record | None = None) -> torch.Tensor:
        return self.from_embedded(self.embed(x), decoder_input, record)

    def from_embedded(self, h: torch.Tensor, decoder_input: torch.Tensor | None = None,
                      record: Record | None = None) -> torch.Tensor:  # (B, T, F) -> (B, T, n_outputs)
        memory = None
        for step, block in list(zip(self.steps, self.blocks))[int(self.embedded):]:
            if step.type == "decoder_block":
                if memory is None:
                    memory, h = h, self.target_positional(self.target_embedding(decoder_input))
                h = block(h, memory, record)
            elif step.type == "transformer_block":
                h = block(h, record)
            else:
                h = block(h)
                if record is not None and step.type in GATES:
                    record.append((step, "hidden", h))
        return self.output(h)

    def linears(self) -> dict[str, nn.Linear]:
        """The plain linear layers, which `model.init` initialises (embeddings, attention's and recurrent
        weights keep torch's defaults, made for them)."""
        named = {}
        for step, block in zip(self.steps, self.blocks):
            for name, module in block.named_modules():
                if isinstance(module, nn.Linear) and "attention" not in name:
                    named[f"{step.name}.{name}"] = module
        named["output"] = self.output
        return named

    def groups(self) -> dict[str, list[nn.Parameter]]:
        """Every parameter by layer name, for the per-layer norms in metrics events."""
        named = {step.name: list(block.parameters()) for step, block in zip(self.steps, self.blocks)}
        if self.decoding:
            named["decoder_input"] = list(self.target_embedding.parameters()) + list(
                self.target_positional.parameters())
        named["output"] = list(self.output.parameters())
        return {name: params for name, params in named.items() if params}
