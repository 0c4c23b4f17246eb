"""POST /data/preview: the points a run will train on, and the input features over the plane."""
from __future__ import annotations

import numpy as np

from workers.engine.kinds.points.datasets import make_data
from workers.engine.events import decode


def test_preview_matches_the_data_a_run_trains_on(api):
    data = {"dataset": "spiral", "n_samples": 40, "noise": 0.2, "test_fraction": 0.25,
            "features": ["x1", "x1_sq"], "seed": 7}
    body = api.http.post("/data/preview", json={"data": data, "grid": 8}).json()
    train, test = make_data("spiral", 40, 0.2, 0.25, ["x1", "x1_sq"], 7)
    assert body["task"] == "classification" and body["extent"] == [-6, 6, -6, 6]
    np.testing.assert_array_equal(decode(body["train"]["points"]), train.points)
    np.testing.assert_array_equal(decode(body["test"]["labels"]), test.labels)
    assert [f["name"] for f in body["features"]] == ["x1", "x1_sq"]


def test_feature_maps_show_the_feature_over_the_plane(api):
    body = api.http.post("/data/preview", json={"data": {"dataset": "xor", "features": ["x1", "x2_sq"]},
                                                "grid": 5}).json()
    x1, x2_sq = (decode(f["map"]) for f in body["features"])
    assert x1.shape == (5, 5)
    # x1 grows left to right and is the same down a column; x2² is smallest in the middle row.
    assert (np.diff(x1, axis=1) > 0).all() and np.allclose(x1, x1[0], atol=0.05)
    assert x2_sq[2].max() < x2_sq[0].min() and np.allclose(x2_sq[0], x2_sq[4], atol=0.2)


def test_preview_names_the_field_at_fault(api):
    too_many = api.http.post("/data/preview", json={"data": {"dataset": "xor", "n_samples": 10**6}})
    assert too_many.status_code == 422
    assert too_many.json()["detail"][0]["loc"] == ["body", "data", "n_samples"]
    image = api.http.post("/data/preview", json={"data": {"dataset": "digits"}})
    assert image.status_code == 422 and "not a 2-D dataset" in image.json()["detail"][0]["msg"]
    unknown = api.http.post("/data/preview", json={"data": {"dataset": "nope"}})
    assert unknown.status_code == 422 and unknown.json()["detail"][0]["loc"][:3] == ["body", "data", "dataset"]
    empty_test = api.http.post("/data/preview", json={"data": {"dataset": "xor", "n_samples": 4,
                                                               "test_fraction": 0.01}})
    assert empty_test.json()["detail"][0]["loc"] == ["body", "data", "test_fraction"]


def test_fields_the_preview_does_not_draw_from_are_not_its_to_reject(api):
    """The page draws 2-D thumbnails from the spec's data whatever kind it holds: an image size or a sequence
    length left over from another dataset must not cost a thumbnail (a run would be refused them, not a preview)."""
    body = api.http.post("/data/preview", json={"data": {"dataset": "xor", "n_samples": 20, "image_size": 16,
                                                         "length": 8}, "grid": 4})
    assert body.status_code == 200 and body.json()["task"] == "classification"
