"""The spec validates strictly and the checks name the field at fault."""
from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError

from workers.engine import Limits, Spec, problems
from workers.engine.datasets import DATASETS
from workers.engine.kinds.points.datasets import PLANE_DATASETS, make_data
from workers.engine.presets import PRESETS


def test_only_the_dataset_is_required():
    spec = Spec.model_validate({"data": {"dataset": "spiral"}})
    assert spec.data.n_samples == 500 and spec.data.features == ["x1", "x2"]
    assert [(layer.units, layer.activation) for layer in spec.model.layers] == [(8, "tanh"), (8, "tanh")]
    assert spec.train.optimizer.name == "adam" and spec.train.optimizer.lr == 0.01
    assert spec.stream.max_fps == 20 and spec.stream.grid == 64


def test_an_optimizer_without_a_name_is_adam():
    spec = Spec.model_validate({"data": {"dataset": "xor"}, "train": {"optimizer": {"lr": 0.1}}})
    assert spec.train.optimizer.name == "adam" and spec.train.optimizer.lr == 0.1


@pytest.mark.parametrize("bad", [
    {"data": {"dataset": "xor", "features": ["x1", "x1"]}},
    {"data": {"dataset": "xor"}, "train": {"optimizer": {"name": "sgd", "nesterov": True}}},
    {"data": {"dataset": "xor"}, "model": {"layers": [{"units": 4, "dropout": 1.0}]}},
    {"data": {"dataset": "xor"}, "stream": {"max_fps": 1000}},
])
def test_field_rules(bad):
    with pytest.raises(ValidationError):
        Spec.model_validate(bad)


def test_checks_name_their_field():
    spec = Spec.model_validate({"data": {"dataset": "plane", "n_samples": 20, "test_fraction": 0.99},
                                "train": {"loss": "cross_entropy"}})
    locs = {p.loc for p in problems(spec, Limits())}
    assert locs == {("train", "loss"), ("data", "test_fraction")}


def test_every_preset_is_valid():
    for preset in PRESETS:
        assert problems(Spec.model_validate(preset["spec"]), Limits()) == [], preset["name"]
        if "compare" in preset:
            assert problems(Spec.model_validate(preset["compare"]["spec"]), Limits()) == [], preset["name"]


@pytest.mark.parametrize("name", list(PLANE_DATASETS))
def test_datasets_are_deterministic_and_split(name):
    train, test = make_data(name, 100, 0.1, 0.3, ["x1", "x2", "x1_x2"], seed=7)
    again, _ = make_data(name, 100, 0.1, 0.3, ["x1", "x2", "x1_x2"], seed=7)
    other, _ = make_data(name, 100, 0.1, 0.3, ["x1", "x2", "x1_x2"], seed=8)
    assert (train.inputs == again.inputs).all() and not (train.inputs == other.inputs).all()
    assert len(train.labels) == 70 and len(test.labels) == 30 and train.inputs.shape == (70, 3)
    assert abs(train.points).max() <= 8
    assert (train.inputs[:, 2] == train.points[:, 0] * train.points[:, 1]).all()
    if DATASETS[name].task == "classification":
        k = PLANE_DATASETS[name].class_count(None)  # 2, or a k-class dataset's default
        assert set(np.unique(np.concatenate([train.labels, test.labels]))) == set(map(float, range(k)))
    else:
        assert -1 <= train.labels.min() and train.labels.max() <= 1



