"""The instructor's live wall: one socket per instructor, a tile per active run of the class's students.

Each run is followed as its own viewer follows it (StreamService.events: the bus, or the stored events
where the bus no longer holds them, the end once it is stored), so the wall works alike over the embedded
bus and Redis. A follower only keeps a reference to its run's latest metrics and picture events and marks
the tile changed; once a tick the wall sends each changed tile once, and parses only those latest events
then. A run training hundreds of epochs and twenty frames a second thus costs one message a tick, and 60
students do not flood the instructor's page. Runs started after the wall opened are found by looking again
every DISCOVER_SECONDS; a run that ends sends its final tile once and leaves the wall (one that started and
ended between two looks too: the wall sends the end it finds stored).
"""
from __future__ import annotations

import asyncio
import json
import logging
from contextlib import aclosing
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import AsyncIterator

from workers.engine.status import TERMINAL

from ..events import Event
from .access import Caller
from .classes import Classes
from .errors import UNAVAILABLE, NotFound
from .queries import Queries
from .stream import StreamService
from .thumbnails import PICTURES, RANK, picture_fields

log = logging.getLogger(__name__)
TICK_SECONDS = 0.25  # at most one message per run this often: four updates a second
DISCOVER_SECONDS = 1.0  # how often the wall looks for the class's new runs
FIRST_PROBE = 0  # image runs cycle through their probe images: a tile keeps to one, so it changes as the run learns


def stored_event(run_id: str, text: str) -> Event:
    parsed = json.loads(text)
    return Event(run_id, parsed["seq"], parsed["type"], text)


@dataclass
class Tile:
    """One run as the wall shows it."""
    run: str
    user_id: str
    user: str
    status: str
    metrics: str | None = None  # the latest metrics event's text: parsed only when the tile is sent
    picture: Event | None = None  # the latest event of the kind the thumbnail is drawn from
    changed: bool = True
    _drawn: tuple[Event | None, dict] = field(default=(None, {}))  # (picture, its tile fields)

    @property
    def ended(self) -> bool:
        return self.status in TERMINAL

    def take(self, event: Event) -> None:
        if event.type == "metrics":
            self.metrics = event.json
        elif event.type == "status":
            self.status = event.status
        elif event.type in RANK and self._shows(event):
            self.picture = event
        else:
            return
        self.changed = True

    def _shows(self, event: Event) -> bool:
        """The best kind of picture the run sends (a run sending two kinds shows one), of its first probe image."""
        if self.picture is not None and RANK[event.type] > RANK[self.picture.type]:
            return False
        return event.type != "feature_maps" or event.data.get("probe") == FIRST_PROBE

    def message(self) -> str:
        """The tile as the wall sends it; it is unchanged from now until its run sends more."""
        self.changed = False
        tile = {"run": self.run, "user": self.user, "user_id": self.user_id, "status": self.status, "epoch": 0.0,
                "train_loss": None, "test_loss": None}
        if self.metrics is not None:
            metrics = json.loads(self.metrics)
            data = metrics["data"]
            tile.update(epoch=metrics["epoch"], train_loss=data.get("train_loss"), test_loss=data.get("test_loss"))
            if "test_accuracy" in data:
                tile["test_accuracy"] = data["test_accuracy"]
        if self.picture is not None:
            if self._drawn[0] is not self.picture:
                self._drawn = (self.picture, picture_fields(self.picture.type, self.picture.data))
            tile.update(self._drawn[1])
        return json.dumps(tile, separators=(",", ":"))


class Wall:
    """One instructor's socket: the tiles it shows and a follower per tile."""

    def __init__(self, service: "WallService", caller: Caller, class_id: str):
        self.service, self.caller, self.class_id = service, caller, class_id
        self.tiles: dict[str, Tile] = {}
        self.followers: dict[str, asyncio.Task] = {}
        self.left: set[str] = set()  # ended or deleted: a late look at the database must not bring them back
        self.opened = datetime.now(timezone.utc)  # runs ended since are the wall's to show, once

    async def ticks(self) -> AsyncIterator[list[str]]:
        """Every tick, the texts of the tiles that changed (nothing when none did)."""
        loop = asyncio.get_running_loop()
        next_look = next_tick = loop.time()
        try:
            while True:
                if loop.time() >= next_look:
                    await self._discover()
                    next_look = loop.time() + self.service.discover_seconds
                messages = self._changed()
                if messages:
                    yield messages
                next_tick = max(next_tick + self.service.tick_seconds, loop.time())  # late: no burst to catch up
                await asyncio.sleep(next_tick - loop.time())  # the wall's pace, not a synchronisation
        finally:
            for task in self.followers.values():
                task.cancel()
            await asyncio.gather(*self.followers.values(), return_exceptions=True)

    def _changed(self) -> list[str]:
        messages = []
        for run, tile in list(self.tiles.items()):
            if tile.changed:
                messages.append(tile.message())
            if tile.ended:
                self._drop(run, for_good=True)
        return messages

    def _drop(self, run: str, for_good: bool) -> None:
        self.tiles.pop(run, None)
        self.followers.pop(run, None)
        if for_good:
            self.left.add(run)

    async def _discover(self) -> None:
        queries = self.service.queries
        try:
            found = await queries.live_class_runs(self.caller, self.class_id, self.opened)
            new = [row for row in found if row[0] not in self.tiles and row[0] not in self.left]
            starts = await queries.latest_stored([row[0] for row in new], list(PICTURES)) if new else {}
        except UNAVAILABLE:
            log.warning("wall of class %s waiting for the database", self.class_id)
            return
        for run, status, user_id, user in new:
            last_seq, metrics, picture = starts[run]
            tile = Tile(run, user_id, user, status, metrics=metrics)
            if picture is not None:
                tile.take(stored_event(run, picture))
            self.tiles[run] = tile
            if not tile.ended:  # an ended one is sent as it was stored, at the next tick, and dropped
                self.followers[run] = asyncio.create_task(self._follow(tile, last_seq))

    async def _follow(self, tile: Tile, after: int) -> None:
        try:
            events = await self.service.streams.events(self.caller, tile.run, after)
            async with aclosing(events):
                async for event in events:
                    tile.take(event)
        except NotFound:
            self._drop(tile.run, for_good=True)  # deleted: its tile simply stops
        except Exception:  # noqa: BLE001  (one run's trouble must not end the wall; the next look follows it again)
            log.exception("wall lost run %s", tile.run)
            self._drop(tile.run, for_good=False)


class WallService:
    def __init__(self, classes: Classes, queries: Queries, streams: StreamService,
                 tick_seconds: float = TICK_SECONDS, discover_seconds: float = DISCOVER_SECONDS):
        self.classes, self.queries, self.streams = classes, queries, streams
        self.tick_seconds, self.discover_seconds = tick_seconds, discover_seconds

    async def follow(self, caller: Caller, class_id: str) -> AsyncIterator[list[str]]:
        """The wall's messages, a list each tick; NotFound at once (before anything is sent) for a class
        `caller` does not teach, exactly as for one that does not exist."""
        await self.classes.get(caller, class_id)
        return Wall(self, caller, class_id).ticks()
