"""Readers who ask for the same thing at the same time share one read: a class opening one run's page at
once makes one query of its stored history, not one per student (each parse of it is the expensive part)."""
from __future__ import annotations

import asyncio
from typing import Awaitable, Callable, Hashable, TypeVar

T = TypeVar("T")


class SharedReads:
    def __init__(self) -> None:
        self._reading: dict[Hashable, asyncio.Future] = {}

    async def read(self, key: Hashable, read: Callable[[], Awaitable[T]]) -> T:
        """`read()`'s answer, shared with every caller asking for `key` while it is under way (the answer is
        shared, not copied: callers must not change it). A caller that gives up leaves the read to the others."""
        pending = self._reading.get(key)
        if pending is None:
            pending = self._reading[key] = asyncio.ensure_future(read())
            pending.add_done_callback(lambda _: self._reading.pop(key, None))
        return await asyncio.shield(pending)
