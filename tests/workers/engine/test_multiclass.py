"""k-class 2-D data: k blobs and k spiral arms, a softmax head of k outputs, k-coloured boundaries."""
from __future__ import annotations

import numpy as np
import pytest

from workers.engine.checks import Limits, problems
from workers.engine.events import decode
from workers.engine.kinds.points.datasets import make_data
from workers.engine.kinds.points.model import weight_shapes
from workers.engine.losses import make_head

from tests.workers.engine.helpers import final, of, run, spec


@pytest.mark.parametrize("name", ["blobs", "spirals"])
@pytest.mark.parametrize("k", [2, 3, 8])
def test_k_class_datasets_have_k_balanced_classes(name, k):
    train, test = make_data(name, 160, 0.1, 0.5, ["x1", "x2"], seed=3, classes=k)
    labels = np.concatenate([train.labels, test.labels]).astype(int)
    assert set(labels) == set(range(k)) and np.bincount(labels).max() - np.bincount(labels).min() <= 1
    assert np.abs(train.points).max() <= 7


def test_three_blobs_are_learned_by_softmax_regression():
    s = spec(data={"dataset": "blobs", "classes": 3, "n_samples": 240}, model={"layers": []},
             train={"optimizer": {"name": "adam", "lr": 0.03}, "epochs": 15}, stream={"max_fps": 1, "grid": 16})
    events = run(s)
    result = final(events)
    assert result["status"] == "succeeded"
    assert result["summary"]["test_accuracy"] >= 0.9  # chance is 1/3; it reaches 1.0
    confusion = of(events, "confusion")[-1]["data"]
    assert confusion["labels"] == ["0", "1", "2"] and len(confusion["matrix"]) == 3
    assert sum(confusion["matrix"][c][c] for c in range(3)) >= 0.9 * 120
    assert of(events, "dataset")[0]["data"]["classes"] == 3
    boundary = of(events, "boundary")[-1]["data"]
    winners = decode(boundary["classes"])
    assert winners.shape == (16, 16) and set(np.unique(winners)) == {0.0, 1.0, 2.0}
    confidence = decode(boundary["output"])
    assert confidence.min() >= 1 / 3 - 0.01 and confidence.max() <= 1.0
    assert [decode(w).shape for w in boundary["weights"]] == [(3, 2)]


def test_two_class_boundaries_carry_no_classes_map():
    events = run(spec(data={"dataset": "blobs", "classes": 2, "n_samples": 40}, train={"epochs": 1},
                      stream={"max_fps": 1, "grid": 8}))
    assert "classes" not in of(events, "boundary")[-1]["data"] and "classes" not in of(events, "dataset")[0]["data"]


def test_the_head_and_the_weight_shapes_count_k_outputs():
    s = spec(data={"dataset": "spirals", "classes": 5}, model={"layers": [{"units": 6}]})
    assert weight_shapes(s) == [(6, 2), (5, 6)]
    assert weight_shapes(spec(data={"dataset": "spirals"})) == [(8, 2), (8, 8), (3, 8)]  # default k = 3
    assert weight_shapes(spec(data={"dataset": "circle"})) == [(8, 2), (8, 8), (1, 8)]
    assert make_head("auto", "classification", "auto", 5).loss_name == "cross_entropy"


def test_classes_belongs_to_the_k_class_datasets_and_bce_cannot_take_three():
    circle = problems(spec(data={"dataset": "circle", "classes": 3}), Limits())
    assert [p.loc for p in circle] == [("data", "classes")]
    bce = problems(spec(data={"dataset": "blobs"}, train={"loss": "bce"}), Limits())
    assert [p.loc for p in bce] == [("train", "loss")]


def test_k_class_runs_and_gradient_checks_train_alone_not_in_a_batch():
    from workers.engine.kinds.points.batched import structure

    assert structure(spec(data={"dataset": "blobs", "classes": 2})) is not None  # two classes: one bce output
    assert structure(spec(data={"dataset": "blobs"})) is None  # three softmax outputs
    assert structure(spec(data={"dataset": "circle"}, stream={"gradient_check": {}})) is None
