"""One reader of the bus per followed run, however many viewers follow it.

A viewer at the head of a run's stream waits for what comes next. Over Redis each such wait is a
blocking XREAD holding a connection of its own, so a thousand viewers of one run were a thousand
connections asking Redis the same thing. Here the first viewer at the head starts the run's feed: one
task reads the bus on and keeps the recent events; every viewer waits on the feed and takes its events
from there. A viewer behind the feed's window (catching up) reads the bus itself, which answers at once
since what it asks for is there; viewers asking for the same catch-up at once share that read, and what it
brings back joins the front of the feed's window where it fits, so the next viewer as far behind is served
from memory. Without both, a crowd arriving a few events behind the head (the seq a page or a script read
a moment before) made one XREAD of up to 500 frames each: 500 viewers kept Redis busy for over a minute,
stalling the producers' publishes and every other reader (bench/distributed.py).
"""
from __future__ import annotations

import asyncio
import time
from collections import deque
from contextlib import suppress
from itertools import islice

from workers.engine.status import TERMINAL

from ..services.shared_reads import SharedReads
from . import Event

RECENT_EVENTS = 500  # kept per followed run for viewers a little behind the head
FEED_READ_SECONDS = 15.0  # how long the feed's one read of the bus waits for news before asking again


class Feed:
    """One run's reader at the head of its stream, and the events it read lately."""

    def __init__(self, bus, run_id: str, after: int):
        self.events: deque[Event] = deque(maxlen=RECENT_EVENTS)
        self.last_seq = after
        self.changed = asyncio.Event()
        self.gone = False  # the bus no longer holds what comes next: viewers read the database
        self.failure: BaseException | None = None
        self.wanted_at = time.monotonic()
        self.waiting = 0  # viewers waiting on it now
        self.task = asyncio.create_task(self._read_on(bus, run_id))

    async def _read_on(self, bus, run_id: str) -> None:
        try:
            while True:
                events = await bus.read(run_id, self.last_seq, FEED_READ_SECONDS)
                if events is None:
                    self.gone = True
                    return
                if events:
                    self.events.extend(events)
                    self.last_seq = events[-1].seq
                    self._wake()
                    if events[-1].status in TERMINAL:
                        return  # nothing comes after the end
                elif time.monotonic() - self.wanted_at > FEED_READ_SECONDS:
                    return  # nobody has asked for a while: stop reading the bus for nobody
        except Exception as error:  # Redis away: the waiting viewers hear of it and retry as they do
            self.failure = error
        finally:
            self._wake()

    def _wake(self) -> None:
        self.changed.set()
        self.changed = asyncio.Event()

    def learn(self, events: list[Event]) -> None:
        """Events a viewer read from the bus right before the feed's window: kept at its front while there is
        room (the window never drops its newest for older ones), so the viewers behind by as much read here."""
        first = self.events[0].seq if self.events else self.last_seq + 1
        if not events or events[0].seq >= first or events[-1].seq < first - 1:
            return  # nothing older than the window, or a gap between them
        room = RECENT_EVENTS - len(self.events)
        older = [e for e in events if e.seq < first][-room:] if room > 0 else []
        self.events.extendleft(reversed(older))

    def after(self, seq: int) -> list[Event] | None:
        """What the feed holds after `seq`; None when it does not hold what comes right after it."""
        if not self.events or self.events[0].seq > seq + 1 or seq >= self.last_seq:
            return None
        return list(islice(self.events, seq + 1 - self.events[0].seq, None))  # contiguous seqs

    async def wait(self, after: int, timeout: float) -> list[Event] | None:
        """The bus's answer for a viewer at the head, shared with every other viewer there."""
        self.wanted_at = time.monotonic()
        if after >= self.last_seq and not self.task.done():
            self.waiting += 1
            try:
                with suppress(TimeoutError):
                    async with asyncio.timeout(timeout):
                        await self.changed.wait()
            finally:
                self.waiting -= 1
        if self.failure is not None:
            raise self.failure
        if self.gone:
            return None
        return self.after(after) or []


class SharedFeeds:
    """The bus's `read`, with the waits at the head of each run shared; the rest is the bus's own."""

    def __init__(self, bus):
        self.bus = bus
        self.feeds: dict[str, Feed] = {}
        self.catch_ups = SharedReads()  # viewers behind by the same seq at once: one read of the bus

    def __getattr__(self, name):
        return getattr(self.bus, name)  # publish, the recorder's reads, forget: the bus's own

    async def read(self, run_id: str, after: int, timeout: float) -> list[Event] | None:
        feed = self.feeds.get(run_id)
        if feed is not None and not feed.task.done():
            if after >= feed.last_seq:
                return await feed.wait(after, timeout)
            feed.wanted_at = time.monotonic()
            held = feed.after(after)
            return held if held is not None else await self._catch_up(run_id, after)
        found = await self._catch_up(run_id, after)
        if found != []:
            return found  # news already, or read the database
        return await self._feed(run_id, after).wait(after, timeout)

    async def _catch_up(self, run_id: str, after: int) -> list[Event] | None:
        """What the bus holds after `after` now (not waiting: there is news, or the caller waits on the feed),
        one read for every viewer asking the same at once; told to the run's feed, which may keep some."""
        found = await self.catch_ups.read((run_id, after), lambda: self.bus.read(run_id, after, 0))
        feed = self.feeds.get(run_id)
        if found and feed is not None:
            feed.learn(found)
        return found

    def _feed(self, run_id: str, after: int) -> Feed:
        """The run's feed; started here if it has none (another viewer may have started it meanwhile)."""
        feed = self.feeds.get(run_id)
        if feed is not None and not feed.task.done():
            return feed
        feed = self.feeds[run_id] = Feed(self.bus, run_id, after)
        feed.task.add_done_callback(lambda _: self.feeds.get(run_id) is feed and self.feeds.pop(run_id))
        return feed
