"""What /health checks: each service the server depends on, each answered within a few seconds."""
from __future__ import annotations

import asyncio
import logging
from typing import Awaitable, Callable

log = logging.getLogger(__name__)
CHECK_SECONDS = 3.0  # a dependency slower than this to answer counts as down: /health must never hang
DOWN = "unreachable"
NAMES = {"database": "the database", "redis": "the queue (Redis)"}  # as the 503s of other routes name them


class HealthChecks:
    def __init__(self, checks: dict[str, Callable[[], Awaitable[object]]]):
        self.checks = checks  # name -> a cheap round trip to it (SELECT 1, PING)

    async def check(self) -> dict[str, str]:
        """Each dependency's state, "ok" or "unreachable", checked at once."""
        states = await asyncio.gather(*(self._one(name, probe) for name, probe in self.checks.items()))
        return dict(zip(self.checks, states))

    @staticmethod
    async def _one(name: str, probe: Callable[[], Awaitable[object]]) -> str:
        try:
            await asyncio.wait_for(probe(), CHECK_SECONDS)
            return "ok"
        except Exception as error:  # noqa: BLE001 - whatever the failure, the dependency is down for us
            log.warning("health: %s is unreachable: %r", name, error)
            return DOWN


def down_message(states: dict[str, str]) -> str | None:
    """What a 503 from /health says: which dependencies are down; None when none is."""
    down = [NAMES.get(name, name) for name, state in states.items() if state != "ok"]
    return f"{' and '.join(down)} cannot be reached right now" if down else None
