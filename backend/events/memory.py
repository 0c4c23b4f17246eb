"""The embedded event bus: a bounded replay buffer per run, in this process's memory.

Readers never hold a queue of their own: each remembers the last seq it sent
and reads on from the buffer, so a slow viewer costs nothing to training or to
other viewers; one that falls behind the buffer reads the stored events instead.
"""
from __future__ import annotations

import asyncio
from itertools import islice
from collections import OrderedDict, deque

from workers.engine.status import TERMINAL

from . import Event

FINISHED_RUNS_KEPT = 64  # finished runs whose buffers stay in memory for late viewers


class RunLog:
    def __init__(self, size: int, last_seq: int):
        self.events: deque[Event] = deque(maxlen=size)
        self.last_seq = last_seq
        self.changed = asyncio.Event()
        self.finished = False


class MemoryBus:
    def __init__(self, buffer_size: int):
        self.buffer_size = buffer_size
        self.logs: OrderedDict[str, RunLog] = OrderedDict()
        self.recorder_queue: asyncio.Queue[Event] = asyncio.Queue()
        self.dependencies: dict = {}  # what /health checks: nothing outside this process

    def open(self, run_id: str, last_seq: int = 0) -> None:
        """Start numbering a run's events after `last_seq` (what the database already holds)."""
        if run_id not in self.logs:
            self.logs[run_id] = RunLog(self.buffer_size, last_seq)

    async def publish(self, run_id: str, event: dict) -> Event:
        self.open(run_id)
        log = self.logs[run_id]
        log.last_seq += 1
        numbered = Event.numbered(run_id, log.last_seq, event)
        log.events.append(numbered)
        self.recorder_queue.put_nowait(numbered)
        if numbered.status in TERMINAL:
            log.finished = True
            self.logs.move_to_end(run_id)
            self._evict()
        # Wake every waiting reader at once, then re-arm for the next event.
        log.changed.set()
        log.changed = asyncio.Event()
        return numbered

    def last_seq(self, run_id: str) -> int | None:
        log = self.logs.get(run_id)
        return log.last_seq if log else None

    async def read(self, run_id: str, after: int, timeout: float) -> list[Event] | None:
        log = self.logs.get(run_id)
        if log is None:
            return None
        if log.last_seq <= after:
            if log.finished:
                return []
            try:
                await asyncio.wait_for(log.changed.wait(), timeout)
            except asyncio.TimeoutError:
                return []
        if not log.events or log.events[0].seq > after + 1:
            return None  # the events right after `after` have left the buffer
        return list(islice(log.events, after + 1 - log.events[0].seq, None))  # seqs in a buffer are contiguous

    async def next_for_recorder(self) -> list[Event]:
        batch = [await self.recorder_queue.get()]
        while not self.recorder_queue.empty():
            batch.append(self.recorder_queue.get_nowait())
        return batch

    async def ack(self, batch: list[Event]) -> None:
        pass  # nothing to hand back: memory holds no delivery state

    async def forget(self, run_id: str) -> None:
        self.logs.pop(run_id, None)

    def _evict(self) -> None:
        finished = [run for run, log in self.logs.items() if log.finished]
        for run_id in finished[:-FINISHED_RUNS_KEPT]:
            del self.logs[run_id]
