"""A sweep the server runs every few seconds, for as long as it serves (the reaper, the time limits)."""
from __future__ import annotations

import asyncio
import logging
from typing import Awaitable, Callable

log = logging.getLogger(__name__)


async def every(seconds: float, sweep: Callable[[], Awaitable[None]], what: str) -> None:
    """Await `sweep()` every `seconds`, forever; one that fails (the database or Redis away) is tried again
    at the next turn."""
    while True:
        await asyncio.sleep(seconds)
        try:
            await sweep()
        except Exception:  # noqa: BLE001 - whatever is away now may be back next time
            log.warning("%s failed; retrying", what, exc_info=True)
