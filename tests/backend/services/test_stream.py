"""Following a run through the stream service, over the memory bus, a real recorder and SQLite."""
from __future__ import annotations

import asyncio
import contextlib
import json

import pytest

from backend.db.models import LOCAL_USER
from backend.events.memory import MemoryBus
from backend.services.access import Caller
from backend.services.errors import NotFound
from backend.services.queries import Queries
from backend.services.recorder import Recorder
from backend.services.stream import StreamService
from backend.services.viewers import ViewerLimits
from workers.engine.events import event
from workers.engine.status import Status, status_event

OWNER = Caller(LOCAL_USER, "Local user", "student")
SOMEONE_ELSE = Caller("someone else", "Someone", "student")
RUN = [status_event(Status.QUEUED, attempt=1), status_event(Status.RUNNING, device="cpu"),
       *(event("metrics", 10 * i, float(i), 0.1 * i, {"train_loss": 1 / i}) for i in range(1, 6)),
       status_event(Status.SUCCEEDED, step=50, epoch=5.0, time=0.5, summary={"train_loss": 0.2})]


@contextlib.asynccontextmanager
async def service(sessions, buffer: int = 100, snapshot_metrics: int = 500):
    """A stream service whose recorder runs beside it, as in the app."""
    bus = MemoryBus(buffer)
    recorder = Recorder(sessions, bus)
    queries = Queries(sessions)
    task = asyncio.create_task(recorder.run())
    try:
        streams = StreamService(queries, bus, recorder, ViewerLimits(10, 10), snapshot_metrics=snapshot_metrics)
        yield streams, bus, recorder, queries
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def collect(streams: StreamService, after: int = 0) -> list[dict]:
    return [json.loads(text) async for text in await streams.follow(OWNER, "r", after)]


def test_events_from_the_bus_come_in_order_and_the_end_only_once_stored(sessions):
    async def scenario():
        async with service(sessions) as (streams, bus, recorder, queries):
            for e in RUN:  # published before the recorder has had a turn: nothing is stored yet
                await bus.publish("r", e)
            seen = []
            async for text in await streams.follow(OWNER, "r", 0):
                seen.append(json.loads(text))
                if seen[-1]["data"].get("status") == "succeeded":
                    stored = await queries.run(OWNER, "r")  # the stream hands over the end once stored
                    assert stored.status == "succeeded" and stored.summary == {"train_loss": 0.2}
            return seen
    seen = asyncio.run(scenario())
    assert [e["seq"] for e in seen] == list(range(1, len(RUN) + 1))
    assert [e["type"] for e in seen] == [e["type"] for e in RUN]


def test_a_viewer_behind_the_buffer_reads_the_stored_events(sessions):
    async def scenario():
        async with service(sessions, buffer=2) as (streams, bus, recorder, _):
            for e in RUN:
                last = await bus.publish("r", e)
            await recorder.wait_written("r", last.seq)
            return await collect(streams), await collect(streams, after=3)
    everything, rest = asyncio.run(scenario())
    assert [e["seq"] for e in everything] == list(range(1, len(RUN) + 1))
    assert rest == everything[3:]


def test_a_viewer_past_the_end_of_a_finished_run_gets_nothing_and_the_stream_ends(sessions):
    async def scenario():
        async with service(sessions) as (streams, bus, recorder, _):
            for e in RUN:
                last = await bus.publish("r", e)
            await recorder.wait_written("r", last.seq)
            return await collect(streams, after=last.seq)
    assert asyncio.run(scenario()) == []


def test_no_such_run_for_this_caller_is_refused_before_anything_is_sent(sessions):
    async def scenario():
        async with service(sessions) as (streams, *_):
            for owner, run_id in ((SOMEONE_ELSE, "r"), (OWNER, "missing")):
                with pytest.raises(NotFound):
                    await streams.follow(owner, run_id, 0)
    asyncio.run(scenario())


def test_a_snapshot_is_the_stored_history_then_what_comes_live(sessions):
    """A new viewer of a long run is sent every status and metrics event but only the latest frame of each
    visual (what the recorder keeps), then the live events; without `snapshot` it is sent every frame."""
    frames_and_metrics = [e for i in range(1, 6) for e in (
        event("metrics", i, float(i), 0.1 * i, {"train_loss": 1 / i}),
        event("boundary", i, float(i), 0.1 * i, {"frame": i}),
    )]

    async def scenario():
        async with service(sessions) as (streams, bus, recorder, _):
            for e in [*RUN[:2], *frames_and_metrics]:
                last = await bus.publish("r", e)
            await recorder.wait_written("r", last.seq)
            live = [event("boundary", 6, 6.0, 0.6, {"frame": 6}), RUN[-1]]
            seen = []
            async for text in await streams.follow(OWNER, "r", 0, snapshot=True):
                seen.append(json.loads(text))
                if len(seen) == 8:  # the whole snapshot: 2 statuses, 5 metrics, 1 frame; now the run goes on
                    for e in live:
                        await bus.publish("r", e)
            return seen, await collect(streams)
    snapshot, everything = asyncio.run(scenario())
    frames = [e["data"]["frame"] for e in snapshot if e["type"] == "boundary"]
    assert frames == [5, 6]  # the latest stored frame, then the live one
    assert [e["epoch"] for e in snapshot if e["type"] == "metrics"] == [1.0, 2.0, 3.0, 4.0, 5.0]
    assert snapshot[-1]["data"]["status"] == "succeeded"
    assert [e["data"]["frame"] for e in everything if e["type"] == "boundary"] == [1, 2, 3, 4, 5, 6]
    assert [e["seq"] for e in snapshot] == sorted({e["seq"] for e in snapshot})


def test_a_snapshot_of_a_long_run_sends_its_curve_thinned_and_one_frame_per_visual_then_every_seq_after(sessions):
    """A snapshot holds every status, metrics events evenly spaced with the first and the latest (the whole curve,
    bounded), and the latest frame of each visual slot; after it, the live events go on from its last seq with
    nothing sent twice and nothing left out but frames a later one of the same read supersedes."""
    history = [e for i in range(1, 41) for e in (
        event("metrics", i, float(i), 0.1 * i, {"train_loss": 1 / i}),
        event("boundary", i, float(i), 0.1 * i, {"frame": i}),
        *(event("feature_maps", i, float(i), 0.1 * i, {"probe": probe, "frame": i}) for probe in (0, 1)),
    )]
    live = [*(e for i in range(41, 44) for e in (event("boundary", i, float(i), 0.1 * i, {"frame": i}),
                                                  event("metrics", i, float(i), 0.1 * i, {"train_loss": 1 / i}))),
            RUN[-1]]

    async def scenario():
        async with service(sessions, snapshot_metrics=8) as (streams, bus, recorder, queries):
            for e in [*RUN[:2], *history]:
                last = await bus.publish("r", e)
            await recorder.wait_written("r", last.seq)
            seen = []
            async for text in await streams.follow(OWNER, "r", 0, snapshot=True):
                seen.append(json.loads(text))
                if seen[-1]["seq"] == last.seq:  # the snapshot is out: the run goes on with one read's worth
                    for e in live:
                        await bus.publish("r", e)  # no turn of the loop between them: the viewer reads all at once
            return seen, last.seq
    seen, seam = asyncio.run(scenario())
    snapshot = [e for e in seen if e["seq"] <= seam]
    assert [e["data"]["status"] for e in snapshot if e["type"] == "status"] == ["queued", "running"]
    assert [e["epoch"] for e in snapshot if e["type"] == "metrics"] == [1.0, 6.0, 11.0, 16.0, 21.0, 26.0, 31.0, 36.0,
                                                                        40.0]  # 40 epochs at a stride of 5, the last
    frames = [(e["type"], e["data"].get("probe"), e["data"]["frame"]) for e in snapshot
              if e["type"] in ("boundary", "feature_maps")]
    assert sorted(frames, key=str) == [("boundary", None, 40), ("feature_maps", 0, 40), ("feature_maps", 1, 40)]
    after = [e for e in seen if e["seq"] > seam]
    assert [e["seq"] for e in seen] == sorted({e["seq"] for e in seen})  # in order, none twice
    assert [e["seq"] for e in after] == [s for s in range(seam + 1, seam + len(live) + 1)
                                         if s not in (seam + 1, seam + 3)]  # the two frames superseded in the read
    assert [e["data"]["frame"] for e in after if e["type"] == "boundary"] == [43]
    assert [e["epoch"] for e in after if e["type"] == "metrics"] == [41.0, 42.0, 43.0]
    assert after[-1]["data"]["status"] == "succeeded"
