"""Assignments over the real server: made from a lesson or a spec, listed for the class, locks kept by every
run made for one (422 naming the path), the leaderboard's order, and the results CSV for the gradebook."""
from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta, timezone

import pytest

from tests.classroom import QUICK, join, new_assignment, new_class, new_instructor
from tests.support import Api, status_is

LESSON = "xor-hidden-layer"
# Two XOR networks a long way apart: a hidden layer solves it, a single neuron stays near chance.
SOLVES = {"data": {"dataset": "xor", "n_samples": 200}, "model": {"layers": [{"units": 4, "activation": "tanh"}]},
          "train": {"optimizer": {"name": "adam", "lr": 0.03}, "epochs": 40}}
CHANCE = {**SOLVES, "model": {"layers": []}, "train": {"epochs": 3}}


@pytest.fixture(scope="module")
def teacher(accounts_server) -> Api:
    return new_instructor(accounts_server)


@pytest.fixture
def klass(teacher) -> dict:
    return new_class(teacher)


def detail(response) -> list[tuple[list, str]]:
    assert response.status_code == 422, response.text
    return [(issue["loc"], issue["msg"]) for issue in response.json()["detail"]]


def finished(student: Api, spec: dict, assignment: str) -> dict:
    run = student.submit(spec, assignment=assignment)
    assert student.all_events(run["id"])[-1]["data"]["status"] == "succeeded"
    return student.run(run["id"])


def test_made_from_a_lesson_and_listed_for_the_class(accounts_server, teacher, klass):
    made = new_assignment(teacher, klass["id"], title="Lab 1", preset=LESSON, locked=["data.dataset", "model.layers"])
    assert made["preset"] == LESSON and made["locked"] == ["data.dataset", "model.layers"]
    assert made["spec"]["train"]["optimizer"] == {"name": "adam", "lr": 0.03, "beta1": 0.9, "beta2": 0.999}
    assert made["metric"] == "test_accuracy" and made["due"] is None
    later = new_assignment(teacher, klass["id"], title="Lab 2", spec=QUICK, due="2030-01-01T15:00:00+01:00")
    assert later["due"] == "2030-01-01T14:00:00Z" and later["preset"] is None
    student = join(accounts_server, klass["join_code"], "Ana")
    for member in (student, teacher, new_instructor(accounts_server, role="admin")):
        listed = member.http.get(f"/classes/{klass['id']}/assignments")
        assert listed.status_code == 200 and [a["title"] for a in listed.json()] == ["Lab 2", "Lab 1"]
    outsider = join(accounts_server, new_class(teacher)["join_code"], "Ben")
    assert outsider.http.get(f"/classes/{klass['id']}/assignments").status_code == 404
    assert student.http.post(f"/classes/{klass['id']}/assignments", json={"title": "x", "spec": QUICK}).status_code \
        == 403


def test_a_bad_assignment_is_422_naming_the_field(teacher, klass):
    def made(**body):
        return teacher.http.post(f"/classes/{klass['id']}/assignments", json={"title": "x", **body})

    assert detail(made(preset="no-such-lesson"))[0] == (["body", "preset"], "no preset no-such-lesson; see "
                                                        "GET /api/v1/presets")
    assert detail(made())[0][0] == ["body", "preset"]
    assert detail(made(preset=LESSON, spec=QUICK))[0] == (
        ["body", "spec"], "give either a preset (a lesson's name, GET /api/v1/presets) or a spec, not both")
    (loc, msg), = detail(made(spec=QUICK, locked=["train.optimizer.lr", "train.optimizer.momentum"]))
    assert loc == ["body", "locked", 1] and msg.startswith("train.optimizer.momentum is not a setting of this spec")
    assert detail(made(spec=QUICK, due="2030-01-01T15:00:00"))[0][0] == ["body", "due"]  # no time zone
    assert detail(made(spec={**QUICK, "train": {"epochs": 10**9}}))[0][0] == ["body", "spec", "train", "epochs"]


def test_a_run_for_the_assignment_keeps_its_locks(accounts_server, teacher, klass):
    made = new_assignment(teacher, klass["id"], spec=QUICK, locked=["train.optimizer.lr", "model.layers", "data"])
    student = join(accounts_server, klass["join_code"], "Cy")
    faster = {**QUICK, "train": {**QUICK["train"], "optimizer": {"lr": 0.5}}}
    (loc, msg), = detail(student.http.post("/runs", json={"spec": faster, "assignment": made["id"]}))
    assert loc == ["body", "spec", "train", "optimizer", "lr"]
    assert msg == "train.optimizer.lr is locked by the assignment 'XOR' at 0.01; this spec has 0.5"
    wider = {**QUICK, "data": {"dataset": "xor"}, "model": {"layers": [{"units": 3}]}}  # 500 points by default
    assert [loc for loc, _ in detail(student.http.post("/runs", json={"spec": wider, "assignment": made["id"]}))] \
        == [["body", "spec", "model", "layers"], ["body", "spec", "data"]]
    longer = {**QUICK, "train": {"epochs": 3}}  # an unlocked setting changes freely
    run = student.submit(longer, assignment=made["id"])
    assert run["assignment"] == made["id"] and student.submit(faster)["assignment"] is None  # without: no locks
    outsider = join(accounts_server, new_class(teacher)["join_code"], "Dee")
    for who, assignment in ((outsider, made["id"]), (student, "0" * 32)):
        assert detail(who.http.post("/runs", json={"spec": QUICK, "assignment": assignment})) == [
            (["body", "assignment"], f"no assignment {assignment} in your classes")]


def test_a_live_change_may_not_undo_a_lock(accounts_server, teacher, klass):
    long = {**QUICK, "train": {"epochs": 2000}}
    made = new_assignment(teacher, klass["id"], spec=long, locked=["train.optimizer"])
    student = join(accounts_server, klass["join_code"], "Eve")
    run = student.submit(long, assignment=made["id"])
    with student.stream(run["id"]) as ws:
        student.events_until(ws, status_is("running"))
        (loc, msg), = detail(student.set(run["id"], {"train.optimizer.lr": 0.5, "train.l2": 0.001}))
        assert loc == ["body", "values", "train.optimizer.lr"] and "(train.optimizer)" in msg
        assert student.set(run["id"], {"train.l2": 0.001}).status_code == 202
        assert student.control(run["id"], "stop").status_code == 202
        student.events_until(ws, status_is("cancelled"))


def test_the_leaderboard_ranks_each_students_best_run(accounts_server, teacher, klass):
    made = new_assignment(teacher, klass["id"], spec=SOLVES, locked=["data.dataset"])
    ana, ben, cy = (join(accounts_server, klass["join_code"], name) for name in ("Ana", "Ben", "Cy"))
    ben_chance = finished(ben, CHANCE, made["id"])
    ana_chance, ana_solves = finished(ana, CHANCE, made["id"]), finished(ana, SOLVES, made["id"])
    ana.submit({**SOLVES, "train": {"epochs": 2000}}, assignment=made["id"])  # still training: not counted
    finished(teacher, SOLVES, made["id"])  # the instructor's try is not on the board
    accuracy = {run["id"]: run["summary"]["test_accuracy"] for run in (ben_chance, ana_chance, ana_solves)}
    assert accuracy[ana_solves["id"]] > max(accuracy[ben_chance["id"]], accuracy[ana_chance["id"]])
    for member in (cy, teacher):
        board = member.http.get(f"/assignments/{made['id']}/leaderboard").json()
        assert [(s["rank"], s["user"], s["run"], s["runs"]) for s in board] == [
            (1, "Ana", ana_solves["id"], 3), (2, "Ben", ben_chance["id"], 1)]
        assert [s["score"] for s in board] == [accuracy[ana_solves["id"]], accuracy[ben_chance["id"]]]
        assert all(s["metric"] == "test_accuracy" and s["late"] is False for s in board)
    assert new_instructor(accounts_server).http.get(f"/assignments/{made['id']}/leaderboard").status_code == 404


def test_regression_ranks_the_lowest_test_loss_first_and_late_runs_are_marked(accounts_server, teacher, klass):
    plane = {"data": {"dataset": "plane", "n_samples": 100}, "model": {"layers": []},
             "train": {"optimizer": {"name": "sgd", "lr": 0.1}, "epochs": 20}}
    past = (datetime.now(timezone.utc) - timedelta(hours=1)).isoformat()
    made = new_assignment(teacher, klass["id"], title="Plane", spec=plane, due=past)
    assert made["metric"] == "test_loss"
    rough, fit = (join(accounts_server, klass["join_code"], name) for name in ("Rough", "Fit"))
    short = finished(rough, {**plane, "train": {**plane["train"], "epochs": 1}}, made["id"])
    full = finished(fit, plane, made["id"])
    assert full["summary"]["test_loss"] < short["summary"]["test_loss"]
    board = rough.http.get(f"/assignments/{made['id']}/leaderboard").json()
    assert [(s["user"], s["run"], s["metric"], s["late"]) for s in board] == [
        ("Fit", full["id"], "test_loss", True), ("Rough", short["id"], "test_loss", True)]


def test_the_results_csv_has_a_row_per_student(accounts_server, teacher, klass):
    made = new_assignment(teacher, klass["id"], title="Lab 3: XOR!", spec=QUICK)
    zed, amy = join(accounts_server, klass["join_code"], "Zed"), join(accounts_server, klass["join_code"], "Amy")
    run = finished(zed, QUICK, made["id"])
    response = teacher.http.get(f"/assignments/{made['id']}/results.csv")
    assert response.status_code == 200 and response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == 'attachment; filename="lab-3-xor-results.csv"'
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [row["student"] for row in rows] == ["Amy", "Zed"]
    assert rows[0]["best_run"] == "" and rows[0]["runs_submitted"] == "0"
    zed_row = rows[1]
    assert (zed_row["student_id"], zed_row["rank"], zed_row["best_run"], zed_row["metric"], zed_row["late"],
            zed_row["runs_submitted"]) == (zed.http.get("/me").json()["id"], "1", run["id"], "test_accuracy", "no", "1")
    assert float(zed_row["score"]) == pytest.approx(run["summary"]["test_accuracy"], rel=1e-5)
    assert datetime.fromisoformat(zed_row["finished_at"]) == \
        datetime.fromisoformat(run["finished_at"]).replace(microsecond=0)
    assert amy.http.get(f"/assignments/{made['id']}/results.csv").status_code == 403
    assert new_instructor(accounts_server).http.get(f"/assignments/{made['id']}/results.csv").status_code == 404
