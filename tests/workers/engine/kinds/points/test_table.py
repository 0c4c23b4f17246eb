"""Uploaded datasets (data.table): every feature column in, two of them drawn, the others at their means."""
from __future__ import annotations

import numpy as np

from workers.engine.checks import Limits, problems
from workers.engine.events import decode
from workers.engine.kinds.points.table import table_data

from tests.workers.engine.helpers import final, of, run, spec


def hidden_class_table(n: int = 120, seed: int = 0) -> dict:
    """Three features in very different units; the class is the sign of the third, which is never drawn."""
    rng = np.random.default_rng(seed)
    x = np.stack([rng.normal(0, 1, n), rng.normal(100, 30, n), rng.normal(0, 0.01, n)], axis=1)
    labels = (x[:, 2] > 0).astype(int)
    return {"columns": ["a", "b", "c"], "target": "kind", "task": "classification", "classes": ["no", "yes"],
            "x": x.tolist(), "y": labels.astype(float).tolist()}


def table_spec(table: dict, **data):
    return spec(data={"dataset": "mine", "table": table, "n_samples": len(table["x"]), **data},
                model={"layers": [{"type": "dense", "units": 4, "activation": "tanh"}]},
                train={"optimizer": {"name": "adam", "lr": 0.05}, "epochs": 20, "batch_size": 10},
                stream={"max_fps": 60, "grid": 8})


def test_a_feature_that_is_not_drawn_is_learned_all_the_same():
    events = run(table_spec(hidden_class_table()))
    result = final(events)
    assert result["status"] == "succeeded" and result["summary"]["test_accuracy"] >= 0.9
    dataset = of(events, "dataset")[0]["data"]
    assert dataset["axes"] == ["a", "b"] and dataset["labels"] == ["no", "yes"]
    boundary = of(events, "boundary")[-1]["data"]
    assert boundary["extent"] == dataset["extent"] and decode(boundary["output"]).shape == (8, 8)
    assert len(boundary["weights"][0]["shape"]) == 2 and boundary["weights"][0]["shape"][1] == 3


def test_without_the_hidden_feature_it_is_chance():
    table = hidden_class_table()
    table["columns"], table["x"] = ["a", "b"], [row[:2] for row in table["x"]]
    assert final(run(table_spec(table)))["summary"]["test_accuracy"] < 0.75


def test_features_are_standardised_and_axes_chosen():
    train, test, plane = table_data(table_spec(hidden_class_table()).data.table, 0.5, 1, ["c", "a"])
    assert np.allclose(train.inputs.mean(axis=0), 0, atol=1e-5) and np.allclose(train.inputs.std(axis=0), 1, atol=1e-4)
    assert plane.names == ("c", "a") and np.array_equal(train.points, train.inputs[:, [2, 0]])
    assert plane.inputs(np.array([[1.0, 2.0]], dtype=np.float32)).tolist() == [[2.0, 0.0, 1.0]]


def test_regression_targets_are_scaled_onto_the_drawn_range_and_learned():
    rng = np.random.default_rng(1)
    x = rng.uniform(-3, 3, (200, 2))
    table = {"columns": ["u", "v"], "target": "price", "task": "regression", "x": x.tolist(),
             "y": (1000 + 300 * x[:, 0] - 100 * x[:, 1]).tolist()}
    train, test, _ = table_data(table_spec(table).data.table, 0.5, 1, None)
    labels = np.concatenate([train.labels, test.labels])
    assert labels.min() == -1 and labels.max() == 1
    events = run(table_spec(table))
    losses = [e["data"]["test_loss"] for e in of(events, "metrics")]
    assert final(events)["status"] == "succeeded" and losses[-1] < 0.1 * losses[0]


def test_table_rules_name_the_field():
    table = hidden_class_table()
    found = problems(table_spec(table, axes=["a", "z"], features=["x1"]), Limits())
    assert {p.loc for p in found} == {("data", "axes"), ("data", "features")}
    assert problems(table_spec(table), Limits()) == []
    unknown = problems(spec(data={"dataset": "mine"}), Limits())
    assert [p.loc for p in unknown] == [("data", "dataset")]
    built_in_with_table = problems(spec(data={"dataset": "xor", "table": table}), Limits())
    assert [p.loc for p in built_in_with_table] == [("data", "table")]
