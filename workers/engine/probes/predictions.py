"""`predictions` events: a few fixed test sequences, their targets and what the network writes now.

A model with decoder blocks writes its answer itself, one step after another (greedy decoding), rather
than being fed the true answer so far as in training. A language model (text) also writes a sample of
text from a prompt, a character at a time.
"""
from __future__ import annotations

from typing import Literal

import torch
from pydantic import Field

from ..kinds.sequences.datasets import IGNORE
from ..kinds.sequences.model import shift_right
from .base import Cadence, Probe, Storage
from .payload import Payload


class TokenSample(Payload):
    """One test sequence of a token task; lists are aligned with its steps."""

    input: list[str] = Field(description="Its tokens.")
    target: list[str | None] = Field(description="The answer asked for at each step; null where none is.")
    predicted: list[str | None] = Field(description="What the network writes there; null where none is asked.")


class ValueSample(Payload):
    """One test sequence of a value task (sine); lists are aligned with its steps."""

    input: list[float | None] = Field(description="The values seen; null where hidden.")
    target: list[float | None] = Field(description="The hidden values asked for; null elsewhere.")
    predicted: list[float | None] = Field(description="The network's forecast of them; null elsewhere.")


class GeneratedText(Payload):
    """Text a language model writes from a prompt, a character at a time (temperature 0.7, fixed draws)."""

    prompt: str
    text: str = Field(description="The characters written after the prompt.")


class PredictionsData(Payload):
    """`data` of a `predictions` event (sequence data): the first four test sequences with their targets and the
    network's answers (a decoder writes its answer on its own, step by step)."""

    task: Literal["classification", "regression"]
    samples: list[TokenSample] | list[ValueSample]
    generated: GeneratedText = Field(None, description="Language modelling (text) only.")


PROBE = Probe("predictions", PredictionsData, Cadence.FRAME, Storage.LATEST,
              "Sample predictions next to their targets, at most stream.max_fps a second.")

PREDICTION_SAMPLES = 4
PROMPT = 8  # characters of the first probe that start the generated text
TEMPERATURE = 0.7


def _tokens(codes: list[int], vocab: list[str]) -> list[str | None]:
    return [vocab[c] if c != IGNORE else None for c in codes]


def decode(model, inputs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """(P, T) predicted tokens: teacher-free for decoders (each step sees the network's own answer so far)."""
    if not model.decoding:
        return model(inputs).argmax(-1)
    scored = targets != IGNORE
    predicted = torch.full_like(targets, IGNORE)
    for t in scored.any(0).nonzero().flatten().tolist():
        out = model(inputs, shift_right(predicted))
        predicted[:, t] = torch.where(scored[:, t], out[:, t].argmax(-1), IGNORE)
    return predicted


def token_predictions(model, inputs: torch.Tensor, targets: torch.Tensor, vocab: list[str]) -> dict:
    predicted = decode(model, inputs, targets)
    predicted = torch.where(targets == IGNORE, IGNORE, predicted)
    return {"task": "classification", "samples": [
        {"input": [vocab[c] for c in x], "target": _tokens(y, vocab), "predicted": _tokens(p, vocab)}
        for x, y, p in zip(inputs.tolist(), targets.tolist(), predicted.tolist())]}


def value_predictions(model, inputs: torch.Tensor, targets: torch.Tensor, activate) -> dict | None:
    predicted = activate(model(inputs)[..., 0])  # (P, T)
    if not torch.isfinite(predicted).all():
        return None
    asked = torch.isfinite(targets)

    def values(row: torch.Tensor, keep: torch.Tensor) -> list[float | None]:
        return [round(float(v), 4) if k else None for v, k in zip(row.tolist(), keep.tolist())]

    return {"task": "regression", "samples": [
        {"input": values(x[:, 0], x[:, 1] > 0), "target": values(y, a), "predicted": values(p, a)}
        for x, y, p, a in zip(inputs, targets, predicted, asked)]}


def generate(model, prompt: torch.Tensor, steps: int, vocab: list[str], seed: int) -> dict:
    """Sample `steps` characters after `prompt` (T0,), at TEMPERATURE, the same draws at every frame."""
    generator = torch.Generator(device=prompt.device).manual_seed(seed)
    text = prompt[None]
    for _ in range(steps):
        logits = model(text)[0, -1] / TEMPERATURE
        following = torch.multinomial(torch.softmax(logits.float(), -1), 1, generator=generator)
        text = torch.cat([text, following[None]], dim=1)
    codes = text[0].tolist()
    return {"prompt": "".join(vocab[c] for c in codes[:len(prompt)]),
            "text": "".join(vocab[c] for c in codes[len(prompt):])}
