"""The instructor's live wall over a real server and websockets: two students' tiles arrive and change,
coalesced per tick; an ended run sends its end once; a new run appears; nobody else opens the wall."""
from __future__ import annotations

import json
import time

import numpy as np
import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from backend.services.thumbnails import THUMBNAIL_SIDE
from backend.services.wall import TICK_SECONDS
from workers.engine.events import decode
from tests.classroom import join, new_class, new_instructor
from workers.engine.status import ACTIVE, TERMINAL

LONG = {"data": {"dataset": "xor", "n_samples": 200}, "model": {"layers": [{"units": 4}]},
        "train": {"epochs": 100_000}}  # stopped by the test
UNKNOWN = "0" * 32


def tiles_until(ws, done, timeout: float = 120) -> list[tuple[float, dict]]:
    """(arrival, tile) of every message until `done(latest tile of each run)`."""
    seen, latest, deadline = [], {}, time.monotonic() + timeout
    while not done(latest):
        tile = json.loads(ws.recv(timeout=max(deadline - time.monotonic(), 0.01)))
        seen.append((time.monotonic(), tile))
        latest[tile["run"]] = tile
    return seen


def of_run(seen: list[tuple[float, dict]], run_id: str) -> list[tuple[float, dict]]:
    return [(at, tile) for at, tile in seen if tile["run"] == run_id]


@pytest.fixture
def lesson(accounts_server):
    teacher = new_instructor(accounts_server)
    made = new_class(teacher)
    students = {name: join(accounts_server, made["join_code"], name) for name in ("Ana", "Ben")}
    yield teacher, made, students
    for student in students.values():  # nothing of this test trains on into the next
        for run in student.http.get("/runs").json():
            if run["status"] in ACTIVE:
                student.control(run["id"], "stop")


def test_two_students_tiles_arrive_change_and_coalesce(lesson):
    teacher, made, students = lesson
    with teacher.wall(made["id"]) as ws:
        runs = {students[name].submit(LONG)["id"]: name for name in ("Ana", "Ben")}
        changing = {}

        def live(latest: dict) -> bool:
            for run_id, tile in latest.items():
                changing.setdefault(run_id, set()).add(tile["epoch"])
            return all(len(changing.get(r, ())) >= 4 and "thumbnail" in latest[r] for r in runs)
        seen = tiles_until(ws, live)
        for run_id, name in runs.items():
            arrivals = of_run(seen, run_id)
            tiles = [tile for _, tile in arrivals]
            assert {tile["user"] for tile in tiles} == {name} and tiles[-1]["status"] == "running"
            epochs = [tile["epoch"] for tile in tiles]
            assert epochs == sorted(epochs) and tiles[-1]["train_loss"] is not None
            assert 0 <= tiles[-1]["test_accuracy"] <= 1
            picture = tiles[-1]["thumbnail"]
            assert tiles[-1]["thumbnail_of"] == "boundary" and picture["dtype"] == "uint8"
            assert max(picture["shape"]) <= THUMBNAIL_SIDE
            # Coalesced: a run training many epochs and frames a second sends at most one tile a tick.
            span = arrivals[-1][0] - arrivals[0][0]
            assert len(arrivals) <= span / TICK_SECONDS + 3, (len(arrivals), span)
            assert epochs[-1] - epochs[0] > len(arrivals)

        ana_run = next(r for r, name in runs.items() if name == "Ana")
        assert teacher.control(ana_run, "stop").status_code == 202  # the instructor stops a student's run
        ended = tiles_until(ws, lambda latest: latest.get(ana_run, {}).get("status") in TERMINAL)
        assert [tile["status"] for _, tile in of_run(ended, ana_run)].count(ended[-1][1]["status"]) == 1

        newer = students["Ben"].submit(LONG)["id"]  # appears without reconnecting
        later = tiles_until(ws, lambda latest: latest.get(newer, {}).get("status") == "running")
        assert not of_run(later, ana_run)  # the ended run sent its end once


def test_a_three_class_run_sends_its_winning_classes(lesson):
    teacher, made, students = lesson
    blobs = {**LONG, "data": {"dataset": "blobs", "n_samples": 300, "classes": 3}}

    def classes_of(tile: dict | None) -> set[float]:
        return set(np.unique(decode(tile["thumbnail_classes"]))) if tile and "thumbnail_classes" in tile else set()
    with teacher.wall(made["id"]) as ws:
        run_id = students["Ana"].submit(blobs)["id"]
        seen = tiles_until(ws, lambda latest: len(classes_of(latest.get(run_id))) == 3)  # each class wins somewhere
        students["Ana"].control(run_id, "stop")
    tile = seen[-1][1]
    assert tile["thumbnail_k"] == 3 and tile["thumbnail_classes"]["shape"] == tile["thumbnail"]["shape"]
    assert classes_of(tile) == {0.0, 1.0, 2.0}  # class indices, never a mean of them


def close_of(url: str) -> tuple[int, str]:
    with connect(url, open_timeout=30) as ws:
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=30)
    return closed.value.rcvd.code, closed.value.rcvd.reason


def test_another_instructor_and_a_student_are_refused_as_for_an_unknown_class(accounts_server, lesson):
    teacher, made, students = lesson
    base = f"{accounts_server.ws_url}/classes"
    unknown = close_of(f"{base}/{UNKNOWN}/wall?token={teacher.token}")
    assert unknown == (4404, f"no class {UNKNOWN}")
    for outsider in (new_instructor(accounts_server), students["Ana"]):
        code, reason = close_of(f"{base}/{made['id']}/wall?token={outsider.token}")
        assert (code, reason.replace(made["id"], UNKNOWN)) == unknown
    with pytest.raises(InvalidStatus) as refused:
        connect(f"{base}/{made['id']}/wall", open_timeout=30)
    assert refused.value.response.status_code == 403  # not signed in: the handshake is refused

    admin = new_instructor(accounts_server, role="admin")
    run_id = students["Ben"].submit(LONG)["id"]
    with admin.wall(made["id"]) as ws:
        seen = tiles_until(ws, lambda latest: run_id in latest)
    assert seen[-1][1]["user"] == "Ben"
