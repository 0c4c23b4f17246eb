"""The misclassified probe: the test images the network is surest about and wrong, surest first."""
from __future__ import annotations

import numpy as np
import torch

from workers.engine.events import decode
from workers.engine.probes.misclassified import MISCLASSIFIED_IMAGES, PROBE, MisclassifiedData, misclassified_event

CLASSES = ["cat", "dog", "fox"]


def test_the_surest_mistakes_come_first_with_what_was_said():
    images = torch.rand(5, 1, 4, 4, generator=torch.Generator().manual_seed(0))
    labels = torch.tensor([0, 1, 2, 0, 1])
    outputs = torch.tensor([[5.0, 0, 0],   # right
                            [0, 0, 1.0],   # wrong, unsure: fox
                            [0, 4.0, 0],   # wrong, sure: dog
                            [0, 0, 2.0],   # wrong, in between: fox
                            [0, 3.0, 0]])  # right
    data = misclassified_event(images, labels, outputs, CLASSES)
    MisclassifiedData.model_validate(data)
    assert (data["count"], data["total"], data["indices"]) == (3, 5, [2, 3, 1])
    assert (data["true"], data["predicted"]) == (["fox", "cat", "dog"], ["dog", "fox", "fox"])
    assert data["confidence"] == sorted(data["confidence"], reverse=True)
    assert data["confidence"][0] == round(float(torch.softmax(outputs[2], 0).max()), 4)
    sent = decode(data["images"])
    assert sent.shape == (3, 1, 4, 4) and np.abs(sent - images[[2, 3, 1]].numpy()).max() <= 0.5 / 255 + 1e-6


def test_at_most_eight_are_sent_and_none_when_all_are_right():
    labels = torch.zeros(20, dtype=torch.long)
    wrong = misclassified_event(torch.zeros(20, 1, 2, 2), labels, torch.tensor([[0.0, 1.0]]).repeat(20, 1), ["a", "b"])
    assert wrong["count"] == 20 and len(wrong["indices"]) == MISCLASSIFIED_IMAGES
    assert decode(wrong["images"]).shape == (MISCLASSIFIED_IMAGES, 1, 2, 2)
    right = misclassified_event(torch.zeros(20, 1, 2, 2), labels, torch.tensor([[1.0, 0.0]]).repeat(20, 1), ["a", "b"])
    assert (right["count"], right["indices"], right["true"]) == (0, [], [])
    assert decode(right["images"]).shape == (0, 1, 2, 2)


def test_misclassified_follows_the_measurements_kept_latest_only():
    assert (PROBE.type, PROBE.cadence.value, PROBE.storage.value) == ("misclassified", "measurement", "latest")
