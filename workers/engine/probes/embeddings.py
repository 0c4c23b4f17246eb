"""`embeddings` events: a sequence network's embedding layer, one labelled point per token it reads, in 2-D.

The course's word embeddings: each token's learned, low-dimensional vector, where one-hot codes would keep
every pair of tokens equally far apart. An embedding of two dimensions is drawn as it is; a wider one on its
first two principal components (projection.PrincipalPlane: the axes keep their signs between frames). Only
the tokens the training inputs contain are drawn: a token never read (the text's blank) keeps its random
start and says nothing. Each token carries its group (vowel, consonant, digit, space, symbol), so that a
view can colour tokens that play the same role alike and show them drifting together.
"""
from __future__ import annotations

from typing import Literal

import torch
from pydantic import Field

from ..events import tensor
from .base import Cadence, Probe, Storage
from .payload import Payload, Tensor
from .projection import PrincipalPlane

Group = Literal["vowel", "consonant", "digit", "space", "symbol"]
VOWELS = frozenset("aeiou")


class EmbeddingsData(Payload):
    """`data` of an `embeddings` event (sequence networks whose first layer is an embedding): each token the
    training inputs contain, its vector in 2-D, its label and its group."""

    layer: str = Field(description="The embedding layer's name: embedding1, as in `metrics.grad_norms`.")
    dim: int = Field(ge=1, description="The embedding's width d.")
    tokens: list[str] = Field(description="The tokens drawn, in vocabulary order: the labels of the points.")
    groups: list[Group] = Field(description="Each token's group, in the same order: a vowel (a e i o u), a "
                                "consonant (any other letter), a digit, a space, or a symbol (punctuation, "
                                "operators, the blank `_`).")
    points: Tensor = Field(description="float32 n×2: each token's vector itself (d = 2; d = 1: its value and 0), or "
                           "its projection onto the first two principal components of the drawn vectors.")
    projection: Literal["embedding", "pca"] = Field(description="`embedding`: the vectors themselves; `pca`: their "
                                                    "first two principal components.")
    explained: list[float] = Field(None, description="pca only: the share of the vectors' variance along each axis.")


PROBE = Probe("embeddings", EmbeddingsData, Cadence.FRAME, Storage.LATEST,
              "A sequence network's token embeddings in 2-D, labelled, at most stream.max_fps a second.")


def token_group(token: str) -> str:
    if token.lower() in VOWELS:
        return "vowel"
    if token.isalpha():
        return "consonant"
    if token.isdigit():
        return "digit"
    return "space" if token.isspace() else "symbol"


def vowel_separation(vectors: torch.Tensor, groups: list[str]) -> torch.Tensor | None:
    """The vowels' mean (Euclidean) distance to the consonants over their mean distance to each other, from (n, d)
    vectors and their groups: about 1 for random vectors, above 1 when the vowels gather. None without two vowels
    and a consonant."""
    vowels = vectors[[g == "vowel" for g in groups]]
    consonants = vectors[[g == "consonant" for g in groups]]
    if len(vowels) < 2 or len(consonants) < 1:
        return None
    return torch.cdist(vowels, consonants).mean() / torch.pdist(vowels).mean().clamp_min(1e-12)


class EmbeddingsProbe:
    """The embedding view of the tokens `read` (vocabulary indices, ascending) of one embedding layer."""

    def __init__(self, layer: str, vocab: list[str], read: list[int], device):
        self.layer, self.rows = layer, torch.tensor(read, dtype=torch.long, device=device)
        self.tokens = [vocab[i] for i in read]
        self.groups = [token_group(token) for token in self.tokens]
        self.plane = PrincipalPlane()

    def vectors(self, weight: torch.Tensor) -> torch.Tensor:
        """(vocab, d) embedding weight → (n, d) float32 vectors of the tokens drawn."""
        return weight.detach()[self.rows].float()

    def separation(self, weight: torch.Tensor) -> torch.Tensor | None:
        return vowel_separation(self.vectors(weight), self.groups)

    @torch.no_grad()
    def event(self, weight: torch.Tensor) -> dict | None:
        vectors = self.vectors(weight)  # (n, d)
        if not torch.isfinite(vectors).all():
            return None
        d = vectors.shape[1]
        data = {"layer": self.layer, "dim": d, "tokens": self.tokens, "groups": self.groups}
        if d <= 2 or len(self.tokens) < 2:  # a plane already, or one point: the first two coordinates as they are
            flat = torch.cat([vectors, vectors.new_zeros(len(vectors), 2)], dim=1)[:, :2]
            return {**data, "points": tensor(flat, "float32"), "projection": "embedding"}
        points, explained = self.plane.project(vectors)
        return {**data, "points": tensor(points, "float32"), "projection": "pca", "explained": explained}
