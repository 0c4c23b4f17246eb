"""POST /datasets and the rest: a CSV of points in, a 422 naming the line and column of what is wrong, and a
run that trains on it through the embedded server."""
from __future__ import annotations

import numpy as np
import pytest

from tests.support import Api, Server

IRIS_LIKE = "length,width,depth,kind\n" + "".join(
    f"{1 + i % 5},{2 + (i * 7) % 3},{(i * 13) % 11 / 10},{['a', 'b', 'c'][i % 3]}\n" for i in range(30))


def upload(api, text: str, **form):
    return api.http.post("/datasets", files={"file": (form.pop("filename", "points.csv"), text.encode(), "text/csv")},
                         data=form)


def problem(response) -> tuple[list, str]:
    assert response.status_code == 422, response.text
    detail = response.json()["detail"][0]
    return detail["loc"], detail["msg"]


def test_an_upload_is_kept_listed_read_and_deleted(api):
    made = upload(api, IRIS_LIKE, name="iris-like")
    assert made.status_code == 201, made.text
    body = made.json()
    assert (body["name"], body["kind"], body["task"], body["n_samples"]) == ("iris-like", "2d", "classification", 30)
    assert body["columns"] == ["length", "width", "depth"] and body["target"] == "kind"
    assert body["classes"] == ["a", "b", "c"]
    assert "iris-like" in [d["name"] for d in api.http.get("/datasets").json()]
    assert api.http.get("/datasets/iris-like").json() == body
    assert upload(api, IRIS_LIKE, name="iris-like").status_code == 409
    assert api.http.delete("/datasets/iris-like").status_code == 204
    assert api.http.get("/datasets/iris-like").status_code == 404
    assert api.http.delete("/datasets/iris-like").status_code == 404


def test_the_task_is_detected_and_can_be_chosen(api):
    few_numbers = "a,b,y\n" + "".join(f"{i},{i * 2 % 7},{i % 2}\n" for i in range(10))
    many_numbers = "a,b,y\n" + "".join(f"{i},{i * 2 % 7},{i * 1.5}\n" for i in range(10))
    assert upload(api, few_numbers, name="few").json()["task"] == "classification"
    assert upload(api, many_numbers, name="many").json()["task"] == "regression"
    forced = upload(api, few_numbers, name="few-regression", task="regression").json()
    assert (forced["task"], forced["classes"]) == ("regression", None)
    by_name = upload(api, few_numbers, filename="My data (v2).csv", target="a").json()
    assert (by_name["name"], by_name["target"], by_name["columns"]) == ("My-data-v2-", "a", ["b", "y"])


@pytest.mark.parametrize("text, form, loc, words", [
    ("a,b,y\n1,2,0\n3,x,1\n", {}, ["body", "file", 3, "b"], "line 3, column b: 'x' is not a number"),
    ("a,b,y\n1,2,0\n3,,1\n4,5,0\n6,7,1\n", {}, ["body", "file", 3, "b"], "line 3, column b: missing value"),
    ("a,b,y\n1,2,0\n3,4\n", {}, ["body", "file", 3], "line 3 has 2 values"),
    ("a,b,y\n1,2,0\n3,4,0\n5,6,0\n7,8,0\n", {}, ["body", "file", "y"], "one class only"),
    ("a,b,y\n" + "".join(f"{i},{i},{i}\n" for i in range(20)), {"task": "classification"}, ["body", "file", "y"],
     "20 different labels"),
    ("a,b,y\n1,2,0\n3,4,inf\n5,6,0\n7,8,0\n", {"task": "regression"}, ["body", "file", 3, "y"], "not a number"),
    ("a,y\n1,0\n2,1\n", {}, ["body", "file", 1], "two or more feature columns"),
    ("", {}, ["body", "file"], "the file is empty"),
    ("a,b,y\n1,2,0\n", {}, ["body", "file"], "at least 4"),
    ("a,b,y\n1,2,0\n3,4,1\n5,6,0\n7,8,1\n", {"target": "z"}, ["body", "target"], "no column is named 'z'"),
    ("a,b,y\n1,2,0\n3,4,1\n5,6,0\n7,8,1\n", {"name": "xor"}, ["body", "name"], "built-in"),
    ("a,b,y\n1,2,0\n3,4,1\n5,6,0\n7,8,1\n", {"name": "../up"}, ["body", "name"], "not a dataset name"),
])
def test_a_bad_file_is_a_422_naming_the_line_and_column(api, text, form, loc, words):
    got_loc, msg = problem(upload(api, text, **form))
    assert got_loc == loc and words in msg, (got_loc, msg)


def test_too_many_rows_or_columns_name_the_setting(api):
    wide = ",".join(f"c{i}" for i in range(25)) + "\n" + ",".join("1" for _ in range(25)) + "\n"
    loc, msg = problem(upload(api, wide))
    assert loc == ["body", "file", 1] and "PLAYGROUND_MAX_DATASET_COLUMNS" in msg
    long = "a,b,y\n" + "".join(f"{i},{i},{i % 2}\n" for i in range(5001))
    loc, msg = problem(upload(api, long))
    assert loc == ["body", "file", 5002] and "PLAYGROUND_MAX_DATASET_ROWS" in msg


def test_a_spec_naming_no_dataset_is_a_422_at_data_dataset(api):
    answer = api.http.post("/runs", json={"spec": {"data": {"dataset": "nobody-uploaded-this"}}})
    assert problem(answer)[0] == ["body", "spec", "data", "dataset"]
    preview = api.http.post("/data/preview", json={"data": {"dataset": "nobody-uploaded-this"}})
    assert problem(preview)[0] == ["body", "data", "dataset"]


def hidden_feature_csv(n: int = 120, seed: int = 0, with_hidden: bool = True) -> str:
    """The class is the sign of `c`, a feature the page does not draw (it draws a and b)."""
    rng = np.random.default_rng(seed)
    a, b, c = rng.normal(0, 1, n), rng.normal(50, 20, n), rng.normal(0, 0.01, n)
    header = "a,b,c,label" if with_hidden else "a,b,label"
    rows = [f"{x:.4f},{y:.3f},{z:.6f},{'up' if z > 0 else 'down'}" if with_hidden
            else f"{x:.4f},{y:.3f},{'up' if z > 0 else 'down'}" for x, y, z in zip(a, b, c)]
    return header + "\n" + "\n".join(rows) + "\n"


def train_on(api, name: str) -> dict:
    spec = {"data": {"dataset": name, "n_samples": 500},
            "model": {"layers": [{"type": "dense", "units": 4, "activation": "tanh"}]},
            "train": {"optimizer": {"name": "adam", "lr": 0.05}, "epochs": 20, "seed": 3}, "stream": {"grid": 8}}
    run = api.submit(spec)
    assert "table" not in run["spec"]["data"] and run["spec"]["data"]["n_samples"] == 120
    events = api.all_events(run["id"])
    assert events[-1]["data"]["status"] == "succeeded", events[-1]
    return {"run": api.run(run["id"]), "events": events}


def test_a_run_trains_on_an_uploaded_dataset_and_learns_its_undrawn_feature(api):
    assert upload(api, hidden_feature_csv(), name="hidden").status_code == 201
    assert upload(api, hidden_feature_csv(with_hidden=False), name="hidden-gone").status_code == 201
    learned, blind = train_on(api, "hidden"), train_on(api, "hidden-gone")
    assert learned["run"]["summary"]["test_accuracy"] >= 0.9  # it needs c; without c it is near chance
    assert blind["run"]["summary"]["test_accuracy"] < 0.75
    dataset = next(e for e in learned["events"] if e["type"] == "dataset")["data"]
    assert dataset["axes"] == ["a", "b"] and dataset["labels"] == ["down", "up"]
    confusion = next(e for e in learned["events"] if e["type"] == "confusion")["data"]
    assert confusion["labels"] == ["down", "up"]
    again = api.http.post("/runs", json={"spec": learned["run"]["spec"]})  # the answer's spec can be sent again
    assert again.status_code == 201, again.text
    assert api.http.delete("/datasets/hidden").status_code == 204  # the run keeps its points
    assert api.all_events(again.json()["id"])[-1]["data"]["status"] == "succeeded"
    # and exports them (tests/backend/api/test_export.py has the round trip)
    exported = api.http.get(f"/runs/{learned['run']['id']}/export", params={"format": "pytorch"})
    assert exported.status_code == 200 and "FEATURES = ['a', 'b', 'c']" in exported.text
    assert "CLASSES = ['down', 'up']" in exported.text


def test_the_page_previews_and_plans_an_uploaded_dataset(api):
    assert upload(api, IRIS_LIKE, name="preview-me").status_code == 201
    preview = api.http.post("/data/preview", json={"data": {"dataset": "preview-me", "axes": ["depth", "length"]}})
    assert preview.status_code == 200, preview.text
    body = preview.json()
    assert body["axes"] == ["depth", "length"] and body["classes"] == 3 and body["features"] == []
    plan = api.http.post("/specs/plan", json={"spec": {"data": {"dataset": "preview-me"}}})
    assert plan.status_code == 200 and plan.json()["input_shape"] == [3] and plan.json()["output_units"] == 3
    drawn = api.http.post("/specs/preview", json={"spec": {"data": {"dataset": "preview-me"}, "stream": {"grid": 8}}})
    assert drawn.status_code == 200 and drawn.json()["extent"] != [-6, 6, -6, 6]
    bad_axes = api.http.post("/runs", json={"spec": {"data": {"dataset": "preview-me", "axes": ["length", "nope"]}}})
    assert problem(bad_axes)[0] == ["body", "spec", "data", "axes"]


def test_the_settings_bound_what_one_user_keeps_and_uploads(tmp_path):
    server = Server(tmp_path / "data", PLAYGROUND_MAX_DATASETS_PER_USER="1", PLAYGROUND_MAX_DATASET_ROWS="5").start()
    try:
        api = Api(server)
        assert upload(api, IRIS_LIKE.splitlines()[0] + "\n" + "\n".join(IRIS_LIKE.splitlines()[1:5]) + "\n",
                      name="small").status_code == 201
        loc, msg = problem(upload(api, IRIS_LIKE, name="long"))
        assert loc == ["body", "file", 7] and "at most 5" in msg
        full = upload(api, "a,b,y\n1,2,0\n3,4,1\n5,6,0\n7,8,1\n", name="second")
        assert full.status_code == 409 and "PLAYGROUND_MAX_DATASETS_PER_USER" in full.json()["detail"]
    finally:
        server.stop()
