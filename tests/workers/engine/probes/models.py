"""Small models for the probes, built with the engine's own builders from validated layer specs."""
from __future__ import annotations

import torch

from workers.engine.kinds.images.model import CNN
from workers.engine.kinds.points.model import MLP
from workers.engine.kinds.sequences.model import SeqNet

from tests.workers.engine.helpers import spec


def layers(dataset: str, *specs: dict) -> list[dict]:
    """Layer dicts as the engine sees them: validated, with every default filled in."""
    validated = spec(data={"dataset": dataset}, model={"layers": list(specs)})
    return [layer.model_dump() for layer in validated.model.layers]


def seq_net(steps: int, vocab: int, *specs: dict, n_outputs: int | None = None, seed: int = 0) -> SeqNet:
    """A token model over (B, steps) inputs; eval mode, as the probes see it."""
    torch.manual_seed(seed)
    dataset = "addition" if any(s["type"] == "decoder_block" for s in specs) else "reverse"
    return SeqNet((steps,), layers(dataset, *specs), n_outputs or vocab, vocab).eval()


def cnn(shape: tuple[int, int, int], n_outputs: int, *specs: dict, seed: int = 0) -> CNN:
    torch.manual_seed(seed)
    return CNN(shape, layers("shapes", *specs), n_outputs).eval()


def mlp(n_inputs: int, *specs: dict, n_outputs: int = 1, seed: int = 0) -> tuple[MLP, list[dict]]:
    torch.manual_seed(seed)
    hidden = layers("xor", *specs)
    return MLP(n_inputs, hidden, n_outputs), hidden
