"""The confusion probe: matrix[true][predicted] counts over the test split."""
from __future__ import annotations

import torch

from workers.engine.losses import make_head
from workers.engine.probes.confusion import PROBE, ConfusionData, confusion, confusion_matrix

from .models import mlp


def test_counts_land_in_the_true_row_and_the_predicted_column():
    data = confusion_matrix(torch.tensor([0, 0, 1, 2, 2, 2]), torch.tensor([0, 1, 1, 2, 0, 2]), ["a", "b", "c"])
    ConfusionData.model_validate(data)
    assert data == {"labels": ["a", "b", "c"], "matrix": [[1, 1, 0], [0, 1, 0], [1, 0, 2]]}


def test_two_dimensional_data_is_classified_by_the_heads_threshold():
    model, _ = mlp(2)
    with torch.no_grad():
        model.output.weight.copy_(torch.tensor([[1.0, 0.0]]))  # class 1 right of x1 = 0
        model.output.bias.zero_()
    points = torch.tensor([[-2.0, 0.0], [-1.0, 3.0], [1.0, 0.0], [2.0, -3.0]])
    data = confusion(make_head("auto", "classification", "auto"), model, points, torch.tensor([0.0, 1.0, 1.0, 1.0]))
    assert data == {"labels": ["0", "1"], "matrix": [[1, 0], [1, 2]]}


def test_confusion_is_sent_once_at_the_end_and_kept_whole():
    assert (PROBE.type, PROBE.cadence.value, PROBE.storage.value) == ("confusion", "end", "whole")
