"""Following a run: every event after a seq, the stored ones first, then the live ones, until its end.

A follower reads on from the bus by seq; where the bus no longer holds what
comes next (a restart, a viewer far behind), it reads the stored events. The
terminal status event is handed over once the recorder has stored it, and the
stream ends there: a viewer who has seen the end can read the stored result.
While Redis or the database is away, it waits for them instead of ending.

A snapshot viewer (the page's first connection) is sent what it can draw rather than every event: the run's
stored history with its metrics thinned to the page's resolution, then the live events less any frame a
later one of the same visual in the same read supersedes (a viewer behind the head draws only the latest).
"""
from __future__ import annotations

import asyncio
import logging
from contextlib import aclosing
from typing import AsyncIterator

from workers.engine.probes import kept_whole
from workers.engine.status import TERMINAL

from ..events import Event
from .access import Caller
from .errors import UNAVAILABLE
from .queries import Queries
from .recorder import Recorder, kept_as
from .shared_reads import SharedReads
from .telemetry import kind_of
from .viewers import ViewerLimits

log = logging.getLogger(__name__)
IDLE_SECONDS = 15.0  # how long one read waits for news before looking again
RETRY_SECONDS = 0.5  # between reads while the bus has not caught up, or a service is away


class StreamService:
    def __init__(self, queries: Queries, bus, recorder: Recorder, limits: ViewerLimits, *, snapshot_metrics: int,
                 telemetry=None):
        self.queries, self.bus, self.recorder = queries, bus, recorder
        self.limits, self.telemetry, self.snapshot_metrics = limits, telemetry, snapshot_metrics
        self.stored_reads = SharedReads()

    async def follow(self, caller: Caller, run_id: str, after: int, snapshot: bool = False) -> AsyncIterator[str]:
        """The run's events after `after`, each as its websocket text; NotFound at once (before anything is
        sent) if `caller` cannot reach such a run, and later if the run is deleted while followed.

        With `snapshot`, what is stored comes first (every status and confusion event, at most
        `snapshot_metrics` metrics events evenly spaced with the first and the latest, and only the latest
        frame of each visual: the recorder keeps no more), then the live events after its last seq, each read
        of them less the frames superseded within it: a new viewer of a long run is sent what it draws, not
        every frame and every epoch there ever was."""
        return _texts(await self.events(caller, run_id, after, snapshot), self.telemetry)

    async def events(self, caller: Caller, run_id: str, after: int, snapshot: bool = False) -> AsyncIterator[Event]:
        """The same as the bus's Events: a reader that shows only some of them (the wall) parses only those."""
        await self.queries.run(caller, run_id)
        return self._events(caller, run_id, max(after, 0), snapshot)

    async def _events(self, caller: Caller, run_id: str, last: int, snapshot: bool) -> AsyncIterator[Event]:
        thinned = snapshot  # a snapshot viewer stays one: it is sent only the latest frames, live too
        while True:
            ending = False
            try:
                if snapshot:
                    events, stored, snapshot = await self._stored(run_id, last, self.snapshot_metrics), True, False
                    if not events:
                        continue  # nothing stored yet: all of it is still to come, live
                else:
                    events = await self.bus.read(run_id, last, IDLE_SECONDS)
                    stored = events is None
                if events is None:
                    events = await self._stored(run_id, last)
                if not events:
                    # Nothing new: a viewer already past the end of a finished run is done.
                    run = await self.queries.run(caller, run_id)
                    if run.status in TERMINAL:
                        events, stored, ending = await self._stored(run_id, last), True, True
                    elif stored:
                        await asyncio.sleep(RETRY_SECONDS)  # the bus has not caught up with the database yet
            except UNAVAILABLE:
                log.warning("stream of run %s waiting for Redis or the database", run_id)
                await asyncio.sleep(RETRY_SECONDS)
                continue
            if thinned:
                events = latest_frames(events)
            for event in events:
                terminal = event.status in TERMINAL
                if terminal and not stored:
                    await self._until_stored(run_id, event.seq)
                yield event
                last = event.seq
                if terminal:
                    return
            if ending:
                return

    async def _stored(self, run_id: str, after: int, metrics_kept: int | None = None) -> list[Event]:
        """Viewers arriving together (a class opening one run, every snapshot from seq 0) share one read."""
        return await self.stored_reads.read((run_id, after, metrics_kept),
                                            lambda: self._read_stored(run_id, after, metrics_kept))

    async def _read_stored(self, run_id: str, after: int, metrics_kept: int | None) -> list[Event]:
        rows = await self.queries.stored_rows(run_id, after, metrics_kept)
        return [Event(run_id, seq, kind_of(kind), payload) for seq, kind, payload in rows]

    async def _until_stored(self, run_id: str, seq: int) -> None:
        """A viewer who sees the end can read the stored result at once."""
        try:
            await self.recorder.wait_written(run_id, seq)
        except TimeoutError:
            log.warning("run %s ended but is not stored yet; sending its end anyway", run_id)


def latest_frames(events: list[Event]) -> list[Event]:
    """`events` less each visual frame that a later frame of its slot (the recorder's: its kind, or its kind and
    probe) among them supersedes; every status, metrics and confusion event stays. A viewer at the head reads
    one event at a time and loses nothing; one behind (a snapshot still being sent, a slow network) would
    otherwise be sent every frame it fell behind by, only to draw over each at once."""
    last = {kept_as(e): i for i, e in enumerate(events) if not kept_whole(e.type)}
    if len(last) == sum(not kept_whole(e.type) for e in events):
        return events  # no frame superseded (the usual case at the head): the list as it is
    latest = set(last.values())
    return [e for i, e in enumerate(events) if kept_whole(e.type) or i in latest]


async def _texts(events: AsyncIterator[Event], telemetry) -> AsyncIterator[str]:
    async with aclosing(events):
        async for event in events:
            if telemetry:  # counted as it goes out, so a viewer who has it finds it counted (services/telemetry.py)
                telemetry.sent_event(event.type)
            yield event.json
