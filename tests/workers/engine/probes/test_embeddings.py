"""The embeddings probe: a sequence network's token vectors in 2-D, labelled and grouped, with axes that keep
their signs between frames; and the vowel separation the word-embeddings lesson claims."""
from __future__ import annotations

import numpy as np
import torch

from workers.engine.events import decode
from workers.engine.probes.embeddings import EmbeddingsData, EmbeddingsProbe, token_group, vowel_separation
from workers.engine.probes.projection import PrincipalPlane

from tests.workers.engine.helpers import final, of, run, spec

VOCAB = ["_", " ", ".", "a", "b", "e", "t", "7"]


def test_tokens_are_grouped_by_the_role_they_play():
    assert [token_group(t) for t in VOCAB] == ["symbol", "space", "symbol", "vowel", "consonant", "vowel",
                                               "consonant", "digit"]
    assert token_group("E") == "vowel" and token_group("+") == "symbol"


def test_only_the_tokens_read_are_drawn_on_their_principal_plane():
    weight = torch.randn(len(VOCAB), 6, generator=torch.Generator().manual_seed(0))
    probe = EmbeddingsProbe("embedding1", VOCAB, [1, 2, 3, 5, 6], "cpu")  # the blank, b and 7 are never read
    data = probe.event(weight)
    EmbeddingsData.model_validate(data)
    assert (data["tokens"], data["groups"]) == ([" ", ".", "a", "e", "t"], ["space", "symbol", "vowel", "vowel",
                                                                            "consonant"])
    assert (data["layer"], data["dim"], data["projection"], decode(data["points"]).shape) == ("embedding1", 6,
                                                                                           "pca", (5, 2))
    # The plane holds the directions of most variance: the points keep the centred vectors' distances along it.
    centred = weight[[1, 2, 3, 5, 6]] - weight[[1, 2, 3, 5, 6]].mean(0)
    singular = torch.linalg.svdvals(centred)
    assert np.allclose(data["explained"], (singular[:2] ** 2 / (singular ** 2).sum()).numpy(), atol=1e-4)
    assert np.allclose((decode(data["points"]) ** 2).sum(0), (singular[:2] ** 2).numpy(), rtol=1e-4)


def test_a_two_dimensional_embedding_is_drawn_as_it_is():
    weight = torch.tensor([[0.0, 0.0], [1.0, 2.0], [3.0, -1.0], [0.5, 0.5]])
    data = EmbeddingsProbe("embedding1", list("_abc"), [1, 2, 3], "cpu").event(weight)
    assert data["projection"] == "embedding" and "explained" not in data
    assert decode(data["points"]).tolist() == weight[1:].tolist()
    one = EmbeddingsProbe("embedding1", list("_ab"), [1, 2], "cpu").event(torch.tensor([[0.0], [2.0], [-1.0]]))
    assert decode(one["points"]).tolist() == [[2.0, 0.0], [-1.0, 0.0]]  # one dimension: its value, and 0


def test_each_axis_keeps_the_sign_it_had_in_the_frame_before():
    points = torch.randn(20, 5, generator=torch.Generator().manual_seed(1))
    plane = PrincipalPlane()
    first, _ = plane.project(points)
    plane.axes = plane.axes * torch.tensor([[-1.0], [1.0]])  # as if the last frame's first axis pointed the other way
    second, _ = plane.project(points)
    assert torch.allclose(second[:, 0], -first[:, 0], atol=1e-5) and torch.allclose(second[:, 1], first[:, 1],
                                                                                      atol=1e-5)


def test_a_vector_that_is_not_finite_sends_nothing():
    weight = torch.ones(3, 4)
    weight[1, 0] = float("nan")
    assert EmbeddingsProbe("embedding1", list("_ab"), [1, 2], "cpu").event(weight) is None


def test_the_vowel_separation_is_about_one_at_random_and_large_when_the_vowels_gather():
    groups = ["vowel"] * 5 + ["consonant"] * 20
    rng = torch.Generator().manual_seed(2)
    scattered = torch.randn(25, 8, generator=rng)
    assert 0.7 < float(vowel_separation(scattered, groups)) < 1.3
    gathered = scattered.clone()
    gathered[:5] = 0.05 * gathered[:5] + 3.0  # the vowels close together, away from the consonants
    assert float(vowel_separation(gathered, groups)) > 10
    assert vowel_separation(scattered, ["consonant"] * 25) is None


def test_a_character_model_sends_its_embeddings_and_measures_the_vowels():
    events = run(spec(data={"dataset": "text", "n_samples": 40, "length": 12},
                      model={"layers": [{"type": "embedding", "dim": 4}, {"type": "dense", "units": 8}]},
                      train={"epochs": 2}, stream={"max_fps": 60}))
    assert final(events)["status"] == "succeeded"
    frames = of(events, "embeddings")
    assert len(frames) >= 2  # the first frame and the last at least
    data = frames[-1]["data"]
    assert "_" not in data["tokens"] and {"a", "e", " "} <= set(data["tokens"])  # the blank is never read
    assert data["tokens"] == sorted(data["tokens"]) and len(data["groups"]) == len(data["tokens"])
    assert all(m["data"]["vowel_separation"] > 0 for m in of(events, "metrics"))


def test_only_the_text_is_measured_for_vowels_and_a_model_without_embedding_sends_none():
    letters = run(spec(data={"dataset": "reverse", "n_samples": 20, "length": 4},
                       model={"layers": [{"type": "embedding", "dim": 4}, {"type": "gru", "hidden": 4}]},
                       train={"epochs": 1}, stream={"max_fps": 60}))
    assert of(letters, "embeddings") and all("vowel_separation" not in m["data"] for m in of(letters, "metrics"))
    values = run(spec(data={"dataset": "sine", "n_samples": 20, "length": 8, "horizon": 2},
                      model={"layers": [{"type": "gru", "hidden": 4}]}, train={"epochs": 1}, stream={"max_fps": 60}))
    assert final(values)["status"] == "succeeded" and not of(values, "embeddings")
