"""The wall service over the memory bus, a real recorder and SQLite: tiles coalesce per tick, carry the latest
metrics and a small picture, an ended run sends its end once, new runs join, other callers are refused."""
from __future__ import annotations

import asyncio
import contextlib
import json
from datetime import datetime, timezone

import numpy as np
import pytest

from backend.db.models import Classroom, Membership, Run, User
from backend.events.memory import MemoryBus
from backend.services.access import Caller
from backend.services.accounts import Accounts
from backend.services.classes import Classes
from backend.services.errors import NotFound
from backend.services.queries import Queries
from backend.services.recorder import Recorder
from backend.services.stream import StreamService
from backend.services.viewers import ViewerLimits
from backend.services.wall import WallService
from workers.engine.events import decode, event, quantized
from workers.engine.status import Status, status_event

TEACHER = Caller("teacher", "Ms Rivera", "instructor")
OTHER_TEACHER = Caller("other", "Mr Okafor", "instructor")
STUDENT = Caller("ana", "Ana", "student")
ADMIN = Caller("admin", "Admin", "admin")
TICK = 0.05


@pytest.fixture
def classroom(sessions):
    """Class "c" of TEACHER with students Ana and Ben, each training a run ("a", "b")."""
    with sessions.begin() as session:
        for caller in (TEACHER, OTHER_TEACHER, STUDENT, Caller("ben", "Ben", "student"), ADMIN):
            session.add(User(id=caller.id, name=caller.name, role=caller.role))
        session.flush()
        session.add(Classroom(id="c", name="Period 3", instructor_id=TEACHER.id, join_code="K7PXQ3"))
        session.flush()
        session.add_all([Membership(class_id="c", user_id="ana"), Membership(class_id="c", user_id="ben")])
        session.add_all([Run(id="a", owner_id="ana", status="running", spec={}),
                         Run(id="b", owner_id="ben", status="running", spec={})])
    return sessions


@contextlib.asynccontextmanager
async def wall_service(sessions):
    bus = MemoryBus(1000)
    recorder = Recorder(sessions, bus)
    queries = Queries(sessions)
    task = asyncio.create_task(recorder.run())
    try:
        streams = StreamService(queries, bus, recorder, ViewerLimits(10, 10), snapshot_metrics=500)
        yield WallService(Classes(sessions, Accounts(sessions, 3600)), queries, streams,
                          tick_seconds=TICK, discover_seconds=TICK), bus
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def metrics(epoch: int) -> dict:
    return event("metrics", epoch * 10, float(epoch), 0.01 * epoch,
                 {"train_loss": 1 / epoch, "test_loss": 2 / epoch, "test_accuracy": 0.5 + epoch / 100})


def boundary(level: float) -> dict:
    output = quantized(np.full((64, 64), level, dtype=np.float32), 0.0, 1.0)
    return event("boundary", 1, 0.5, 0.01, {"extent": [-6, 6, -6, 6], "output": output, "neurons": [],
                                             "weights": [], "biases": []})


def epoch_of(latest: dict, run: str) -> float | None:
    """The epoch of a run's latest tile, None before its first (a tick may bring one run's tile and not yet
    the other's)."""
    return latest[run]["epoch"] if run in latest else None


async def tiles_until(ticks, done, limit: int = 200) -> list[list[dict]]:
    """Ticks (each the list of tiles it sent) until `done(latest tile of each run)`."""
    seen, latest = [], {}
    for _ in range(limit):
        tick = [json.loads(text) for text in await anext(ticks)]
        seen.append(tick)
        latest.update({tile["run"]: tile for tile in tick})
        if done(latest):
            return seen
    raise AssertionError(f"not done after {limit} ticks: {latest}")


def test_a_tick_sends_each_changed_run_once_with_its_latest_metrics_and_picture(classroom):
    async def scenario():
        async with wall_service(classroom) as (walls, bus):
            ticks = await walls.follow(TEACHER, "c")
            first = [json.loads(text) for text in await anext(ticks)]
            for epoch in range(1, 41):  # nothing awaits in between: the wall sees all of them in one go
                await bus.publish("a", metrics(epoch))
                await bus.publish("a", boundary(epoch / 40))
            for epoch in range(1, 26):
                await bus.publish("b", metrics(epoch))
            later = await tiles_until(ticks, lambda t: epoch_of(t, "a") == 40 and epoch_of(t, "b") == 25)
            await ticks.aclose()
            return first, later
    first, later = asyncio.run(scenario())
    assert sorted((t["run"], t["user"], t["status"], t["epoch"]) for t in first) == [
        ("a", "Ana", "running", 0.0), ("b", "Ben", "running", 0.0)]
    for tick in later:
        runs = [tile["run"] for tile in tick]
        assert len(runs) == len(set(runs))  # at most one message per run per tick
    sent_a = [tile for tick in later for tile in tick if tile["run"] == "a"]
    assert len(sent_a) <= 3  # 80 events, coalesced
    last = sent_a[-1]
    assert (last["train_loss"], last["test_loss"], last["test_accuracy"]) == (1 / 40, 2 / 40, 0.9)
    assert last["thumbnail_of"] == "boundary" and last["thumbnail"]["shape"] == [16, 16]
    assert np.allclose(decode(last["thumbnail"]), 1.0)  # the latest frame's picture


def test_an_ended_run_sends_its_end_once_and_a_new_run_joins_the_wall(classroom):
    async def scenario():
        async with wall_service(classroom) as (walls, bus):
            ticks = await walls.follow(TEACHER, "c")
            await anext(ticks)
            await bus.publish("a", metrics(1))
            await bus.publish("a", status_event(Status.SUCCEEDED, step=10, epoch=1.0, time=0.1, summary={}))
            ended = await tiles_until(ticks, lambda t: "a" in t and t["a"]["status"] == "succeeded")
            with classroom.begin() as session:
                session.add(Run(id="a2", owner_id="ana", status="queued", spec={}))
            await bus.publish("b", metrics(3))
            after = await tiles_until(ticks, lambda t: "a2" in t and t.get("b", {}).get("epoch") == 3.0)
            with classroom.begin() as session:  # started and ended between two looks: its end, once
                session.add(Run(id="a3", owner_id="ana", status="succeeded", spec={},
                                finished_at=datetime.now(timezone.utc)))
            quick = await tiles_until(ticks, lambda t: "a3" in t)
            await bus.publish("b", metrics(4))
            later = await tiles_until(ticks, lambda t: t.get("b", {}).get("epoch") == 4.0)
            await ticks.aclose()
            return ended, after, quick, later
    ended, after, quick, later = asyncio.run(scenario())
    assert [tile["status"] for tick in quick for tile in tick if tile["run"] == "a3"] == ["succeeded"]
    assert all(tile["run"] != "a3" for tick in later for tile in tick)
    final = [tile for tick in ended for tile in tick if tile["run"] == "a"][-1]
    assert final["epoch"] == 1.0 and final["train_loss"] == 1.0
    assert all(tile["run"] != "a" for tick in after for tile in tick)  # its end, once
    assert any(tile["run"] == "a2" and tile["status"] == "queued" for tick in after for tile in tick)


def test_only_the_class_instructor_and_an_admin_open_its_wall(classroom):
    async def scenario():
        async with wall_service(classroom) as (walls, _):
            for caller, class_id in ((OTHER_TEACHER, "c"), (STUDENT, "c"), (TEACHER, "unknown")):
                with pytest.raises(NotFound, match=f"no class {class_id}"):
                    await walls.follow(caller, class_id)
            ticks = await walls.follow(ADMIN, "c")
            seen = {json.loads(text)["run"] for text in await anext(ticks)}
            await ticks.aclose()
            return seen
    assert asyncio.run(scenario()) == {"a", "b"}
