"""Following a run: every event after a seq, the stored ones first, then the live ones, until its end.

A follower reads on from the bus by seq; where the bus no longer holds what
comes next (a restart, a viewer far behind), it reads the stored events. The
terminal status event is handed over once the recorder has stored it, and the
stream ends there: a viewer who has seen the end can read the stored result.
While Redis or the database is away, it waits for them instead of ending.
"""
from __future__ import annotations

import asyncio
import json
import logging
from contextlib import aclosing
from typing import AsyncIterator

from workers.engine.status import TERMINAL

from ..events import Event
from .access import Caller
from .errors import UNAVAILABLE
from .queries import Queries
from .recorder import Recorder
from .shared_reads import SharedReads
from .viewers import ViewerLimits

log = logging.getLogger(__name__)
IDLE_SECONDS = 15.0  # how long one read waits for news before looking again
RETRY_SECONDS = 0.5  # between reads while the bus has not caught up, or a service is away


class StreamService:
    def __init__(self, queries: Queries, bus, recorder: Recorder, limits: ViewerLimits, telemetry=None):
        self.queries, self.bus, self.recorder = queries, bus, recorder
        self.limits, self.telemetry = limits, telemetry
        self.stored_reads = SharedReads()

    async def follow(self, caller: Caller, run_id: str, after: int, snapshot: bool = False) -> AsyncIterator[str]:
        """The run's events after `after`, each as its websocket text; NotFound at once (before anything is
        sent) if `caller` cannot reach such a run, and later if the run is deleted while followed.

        With `snapshot`, what is stored comes first (every status, metrics and confusion event, and only
        the latest frame of each visual: the recorder keeps no more), then the live events after it:
        a new viewer of a long run is sent its history, not every frame it ever drew."""
        return _texts(await self.events(caller, run_id, after, snapshot), self.telemetry)

    async def events(self, caller: Caller, run_id: str, after: int, snapshot: bool = False) -> AsyncIterator[Event]:
        """The same as the bus's Events: a reader that shows only some of them (the wall) parses only those."""
        await self.queries.run(caller, run_id)
        return self._events(caller, run_id, max(after, 0), snapshot)

    async def _events(self, caller: Caller, run_id: str, last: int, snapshot: bool) -> AsyncIterator[Event]:
        while True:
            ending = False
            try:
                if snapshot:
                    events, stored, snapshot = await self._stored(run_id, last), True, False
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

    async def _stored(self, run_id: str, after: int) -> list[Event]:
        """Viewers arriving together (a class opening one run, every snapshot from seq 0) share one read."""
        return await self.stored_reads.read((run_id, after), lambda: self._read_stored(run_id, after))

    async def _read_stored(self, run_id: str, after: int) -> list[Event]:
        payloads = await self.queries.stored_events(run_id, after)
        return [Event(run_id, (parsed := json.loads(p))["seq"], parsed["type"], p) for p in payloads]

    async def _until_stored(self, run_id: str, seq: int) -> None:
        """A viewer who sees the end can read the stored result at once."""
        try:
            await self.recorder.wait_written(run_id, seq)
        except TimeoutError:
            log.warning("run %s ended but is not stored yet; sending its end anyway", run_id)


async def _texts(events: AsyncIterator[Event], telemetry) -> AsyncIterator[str]:
    async with aclosing(events):
        async for event in events:
            if telemetry:  # counted as it goes out, so a viewer who has it finds it counted (services/telemetry.py)
                telemetry.sent_event(event.type)
            yield event.json
