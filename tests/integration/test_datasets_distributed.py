"""Distributed mode: an uploaded dataset is kept in PostgreSQL, and a Celery worker, which reads no database,
trains on it from the points the API put into the run's spec."""
from __future__ import annotations

from tests.backend.api.test_datasets import hidden_feature_csv


def test_a_worker_trains_on_an_uploaded_dataset(cluster):
    api = cluster["api"]
    made = api.http.post("/datasets", data={"name": "hidden-distributed"},
                         files={"file": ("points.csv", hidden_feature_csv().encode(), "text/csv")})
    assert made.status_code == 201, made.text
    assert [d["name"] for d in api.http.get("/datasets").json()] == ["hidden-distributed"]
    run = api.submit({"data": {"dataset": "hidden-distributed", "axes": ["b", "c"]},
                      "model": {"layers": [{"type": "dense", "units": 4, "activation": "tanh"}]},
                      "train": {"optimizer": {"name": "adam", "lr": 0.05}, "epochs": 20, "seed": 3},
                      "stream": {"max_fps": 5, "grid": 8}})
    events = api.all_events(run["id"], timeout=300)
    assert events[-1]["data"]["status"] == "succeeded", events[-1]
    dataset = next(e for e in events if e["type"] == "dataset")["data"]
    assert dataset["axes"] == ["b", "c"] and dataset["labels"] == ["down", "up"]
    metrics = [e for e in events if e["type"] == "metrics"][-1]["data"]
    assert metrics["test_accuracy"] >= 0.9
    assert api.http.delete("/datasets/hidden-distributed").status_code == 204
