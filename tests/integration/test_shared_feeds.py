"""A hundred viewers at the head of one run's stream cost Redis one blocked read, not a hundred
(backend/events/shared.py), and each still gets every event, against a real Redis."""
from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor

import redis.asyncio as aioredis

from backend.events.redis import RedisBus
from backend.events.shared import SharedFeeds
from tests.integration.cluster import REDIS_URL
from tests.support import wait_until
from workers.engine.events import event
from workers.engine.status import Status, status_event

VIEWERS = 100
NAME = "shared-feeds-test"  # this test's connections, told apart from anyone else's in CLIENT LIST


def blocked_reads(connection) -> int:
    return sum(1 for c in connection.client_list() if c.get("name") == NAME and "b" in c["flags"])


def test_viewers_at_the_head_share_one_read_of_redis_and_each_gets_every_event(redis_db):
    async def scenario():
        bus = RedisBus(aioredis.Redis.from_url(REDIS_URL, client_name=NAME))
        feeds = SharedFeeds(bus)
        first = await feeds.publish("r", status_event(Status.RUNNING, device="cpu"))
        viewers = [asyncio.create_task(feeds.read("r", first.seq, 30)) for _ in range(VIEWERS)]
        # The suite's one condition wait (tests/support.py), off the loop so that the viewers go on meanwhile.
        await asyncio.to_thread(wait_until, lambda: "r" in feeds.feeds and feeds.feeds["r"].waiting == VIEWERS,
                                30, what="every viewer waiting")
        await asyncio.to_thread(wait_until, lambda: blocked_reads(redis_db) >= 1, 30,
                                what="the feed's read blocked in Redis")
        blocked_while_waiting = blocked_reads(redis_db)
        metrics = await feeds.publish("r", event("metrics", 1, 1.0, 0.1, {"train_loss": 0.5}))
        got = await asyncio.gather(*viewers)
        caught_up = await feeds.read("r", 0, 30)  # a viewer far behind reads the bus itself, at once
        await bus.client.aclose()
        return blocked_while_waiting, metrics, got, caught_up

    # In a thread of its own: an earlier test's library (Playwright's sync API) may keep a loop on this one.
    with ThreadPoolExecutor(1) as thread:
        blocked, metrics, got, caught_up = thread.submit(asyncio.run, scenario()).result()
    assert blocked == 1  # one reader of the bus for all of them; without the feed, one per viewer
    assert all([e.seq for e in events] == [metrics.seq] for events in got)
    assert json.loads(got[0][0].json)["data"]["train_loss"] == 0.5
    assert [e.seq for e in caught_up] == [1, 2]


def test_viewers_behind_the_feed_share_one_catch_up_and_the_feed_keeps_what_it_brought(redis_db):
    async def scenario():
        bus = RedisBus(aioredis.Redis.from_url(REDIS_URL, client_name=NAME))
        feeds = SharedFeeds(bus)
        for epoch in range(3):
            head = await feeds.publish("r", event("metrics", epoch, float(epoch), 0.1, {"train_loss": 0.5}))
        waiting = asyncio.create_task(feeds.read("r", head.seq, 30))  # at the head: the feed starts there
        await asyncio.to_thread(wait_until, lambda: "r" in feeds.feeds and feeds.feeds["r"].waiting == 1, 30,
                                what="the feed started")
        newest = await feeds.publish("r", status_event(Status.RUNNING, device="cpu"))
        await waiting
        held_before = feeds.feeds["r"].after(0)
        # A crowd a few events behind the feed's window (the seq a page read a moment before), all at once.
        behind = await asyncio.gather(*(feeds.read("r", 0, 30) for _ in range(VIEWERS)))
        held_after = feeds.feeds["r"].after(0)
        await bus.client.aclose()
        return newest, held_before, behind, held_after

    with ThreadPoolExecutor(1) as thread:
        newest, held_before, behind, held_after = thread.submit(asyncio.run, scenario()).result()
    assert held_before is None  # the feed began at the head: seq 1 is not in its window
    assert all([e.seq for e in events] == list(range(1, newest.seq + 1)) for events in behind)
    assert all(events is behind[0] for events in behind)  # one read of the bus, its answer shared
    assert [e.seq for e in held_after] == list(range(1, newest.seq + 1))  # the next one is served from memory
