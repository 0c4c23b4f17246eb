"""An assignment on the instructor's uploaded dataset: its students train on the points (the assignment keeps a
copy) but cannot read, list or delete the dataset; no answer, lock message or export of theirs carries its rows."""
from __future__ import annotations

import pytest

from tests.classroom import join, new_class, new_instructor
from tests.support import Api

# The class is the sign of the third column; 7.25 is a value that appears in the file and nowhere else.
FISH = "length,weight,depth,kind\n" + "".join(
    f"{10 + i % 7}.5,{(i * 37) % 90 + 100},{(i % 5) - 2}.25,{'deep' if (i % 5) - 2 >= 0 else 'shallow'}\n"
    for i in range(40)).replace("10.5,", "7.25,", 1)
SPEC = {"data": {"dataset": "fish", "test_fraction": 0.25},
        "model": {"layers": [{"units": 4, "activation": "tanh"}]},
        "train": {"optimizer": {"name": "adam", "lr": 0.05}, "epochs": 10}, "stream": {"max_fps": 0}}


@pytest.fixture(scope="module")
def setting(accounts_server):
    teacher = new_instructor(accounts_server)
    uploaded = teacher.http.post("/datasets", files={"file": ("fish.csv", FISH.encode(), "text/csv")})
    assert uploaded.status_code == 201, uploaded.text
    klass = new_class(teacher)
    made = teacher.http.post(f"/classes/{klass['id']}/assignments",
                             json={"title": "Fish", "spec": SPEC, "locked": ["data"]})
    assert made.status_code == 201, made.text
    student = join(accounts_server, klass["join_code"], "ana")
    return {"teacher": teacher, "class": klass, "assignment": made.json(), "student": student}


def test_the_assignment_keeps_the_points_and_shows_none(setting):
    made = setting["assignment"]
    assert made["spec"]["data"]["dataset"] == "fish" and "table" not in made["spec"]["data"]
    assert made["spec"]["data"]["n_samples"] == 40 and made["metric"] == "test_accuracy"
    described = {k: v for k, v in made["dataset"].items() if k != "created_at"}  # for the page: no rows
    assert described == {"name": "fish", "kind": "2d", "task": "classification", "n_samples": 40,
                         "columns": ["length", "weight", "depth"], "target": "kind", "classes": ["deep", "shallow"]}
    listed = setting["student"].http.get(f"/classes/{setting['class']['id']}/assignments").json()
    assert "table" not in listed[0]["spec"]["data"] and "7.25" not in str(listed)


def test_another_instructors_dataset_cannot_be_assigned(accounts_server, setting):
    other = new_instructor(accounts_server)
    klass = new_class(other)
    refused = other.http.post(f"/classes/{klass['id']}/assignments", json={"title": "Fish", "spec": SPEC})
    assert refused.status_code == 422, refused.text
    assert refused.json()["detail"][0]["loc"] == ["body", "spec", "data", "dataset"]


def test_the_students_train_on_it_but_cannot_read_or_delete_it(setting):
    student: Api = setting["student"]
    assignment = setting["assignment"]
    assert student.http.get("/datasets").json() == []
    assert student.http.get("/datasets/fish").status_code == 404
    assert student.http.delete("/datasets/fish").status_code == 404
    alone = student.http.post("/runs", json={"spec": SPEC})  # not for the assignment: no dataset of theirs
    assert alone.status_code == 422 and alone.json()["detail"][0]["loc"] == ["body", "spec", "data", "dataset"]

    run = student.submit(assignment["spec"], assignment=assignment["id"])
    assert "table" not in run["spec"]["data"]
    assert student.all_events(run["id"])[-1]["data"]["status"] == "succeeded"
    assert student.run(run["id"])["summary"]["test_accuracy"] >= 0.8
    board = student.http.get(f"/assignments/{assignment['id']}/leaderboard").json()
    assert [row["run"] for row in board] == [run["id"]]

    model = student.http.get(f"/runs/{run['id']}/export", params={"format": "pytorch"})
    assert model.status_code == 200 and "CLASSES = ['deep', 'shallow']" in model.text and "7.25" not in model.text
    script = student.http.get(f"/runs/{run['id']}/export", params={"format": "script"})
    assert script.status_code == 200 and "ROWS = TARGETS = None" in script.text and "7.25" not in script.text

    changed = {**assignment["spec"], "data": {**assignment["spec"]["data"], "test_fraction": 0.5}}
    broken = student.http.post("/runs", json={"spec": changed, "assignment": assignment["id"]})
    assert broken.status_code == 422 and broken.json()["detail"][0]["loc"] == ["body", "spec", "data"]
    assert "7.25" not in broken.text and "table" not in broken.text


def test_the_page_previews_and_plans_the_assignments_dataset(setting):
    student, assignment = setting["student"], setting["assignment"]
    data = {"dataset": "fish", "axes": ["depth", "length"]}
    alone = student.http.post("/data/preview", json={"data": data})  # not theirs: only through the assignment
    assert alone.status_code == 422 and alone.json()["detail"][0]["loc"] == ["body", "data", "dataset"]
    preview = student.http.post("/data/preview", json={"data": data, "assignment": assignment["id"]})
    assert preview.status_code == 200, preview.text
    assert preview.json()["axes"] == ["depth", "length"] and preview.json()["labels"] == ["deep", "shallow"]
    planned = student.http.post("/specs/plan", json={"spec": SPEC, "assignment": assignment["id"]})
    assert planned.status_code == 200 and planned.json()["input_shape"] == [3], planned.text
    unknown = student.http.post("/specs/plan", json={"spec": SPEC, "assignment": "nope"})
    assert unknown.status_code == 422 and unknown.json()["detail"][0]["loc"] == ["body", "assignment"]


def test_the_assignment_outlives_the_instructors_dataset(setting):
    teacher, student, assignment = setting["teacher"], setting["student"], setting["assignment"]
    own = student.http.post("/datasets", files={"file": ("fish.csv", b"a,b,y\n1,2,0\n3,4,1\n5,6,0\n7,8,1\n",
                                                         "text/csv")})
    assert own.status_code == 201, own.text  # a dataset of the student's own of the same name
    assert teacher.http.delete("/datasets/fish").status_code == 204
    run = student.submit(assignment["spec"], assignment=assignment["id"])  # the assignment's points, not theirs
    assert student.all_events(run["id"])[-1]["data"]["status"] == "succeeded"
    model = student.http.get(f"/runs/{run['id']}/export", params={"format": "pytorch"}).text
    assert "FEATURES = ['length', 'weight', 'depth']" in model
