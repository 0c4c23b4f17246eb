"""The dataset probe: both splits' points and labels, as float32, once as training starts."""
from __future__ import annotations

import numpy as np

from workers.engine.kinds.points.datasets import EXTENT, Split
from workers.engine.events import decode
from workers.engine.probes.dataset import PROBE, DatasetData, dataset_event_data


def test_both_splits_travel_exactly():
    def split(points: list, labels: list) -> Split:
        points = np.array(points, np.float32)
        return Split(points=points, inputs=points, labels=np.array(labels, np.float32))

    train, test = split([[0.5, -1.25], [3.0, 2.0]], [0, 1]), split([[-6.0, 6.0]], [1])
    data = dataset_event_data("classification", train, test)
    DatasetData.model_validate(data)
    assert data["extent"] == list(EXTENT) and data["task"] == "classification"
    assert np.array_equal(decode(data["train"]["points"]), train.points)
    assert np.array_equal(decode(data["test"]["labels"]), test.labels) and data["test"]["points"]["dtype"] == "float32"


def test_the_dataset_is_sent_once_at_the_start_and_kept_latest_only():
    assert (PROBE.type, PROBE.cadence.value, PROBE.storage.value) == ("dataset", "start", "latest")
