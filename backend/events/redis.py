"""The distributed event bus: Redis Streams, one per run, entry IDs = seqs (see workers/streams.py)."""
from __future__ import annotations

import json
import os
import socket
import time

import redis.asyncio as aioredis
from redis.exceptions import ResponseError

from workers.streams import (ALL_EVENTS, PUBLISH, RECORDER_GROUP, attempt_key, control_key, lease_key,
                             publish_args, seq_key, stream_key)
from workers.engine.probes import slot
from workers.engine.status import is_terminal_event

from . import Event

READ_BATCH = 500
RECORDER_BLOCK_MS = 5000


def _seq(entry_id: bytes) -> int:
    return int(entry_id.split(b"-", 1)[0])


class RedisBus:
    def __init__(self, client: aioredis.Redis, claim_idle_seconds: float = 30.0):
        self.client = client
        # Entries another consumer (an API replica that died) read and never acknowledged are taken over once
        # they have been idle this long; looked for every half of it.
        self.claim_idle_ms, self.claim_cursor, self.next_claim = int(claim_idle_seconds * 1000), "0-0", 0.0
        self.publish_script = client.register_script(PUBLISH)
        self.floors: dict[str, int] = {}
        self.consumer = f"{socket.gethostname()}-{os.getpid()}"
        self.recorder_cursor = "0"  # first our own unacknowledged entries, then new ones (">")
        self.dependencies = {"redis": client.ping}  # what /health checks

    def open(self, run_id: str, last_seq: int = 0) -> None:
        self.floors[run_id] = max(self.floors.get(run_id, 0), last_seq)

    async def publish(self, run_id: str, event: dict) -> Event:
        terminal = is_terminal_event(event)
        keys, argv = publish_args(run_id, json.dumps(event, separators=(",", ":")), slot(event["type"], event["data"]),
                                  self.floors.get(run_id, 0), terminal)
        seq = int(await self.publish_script(keys=keys, args=argv))
        return Event.numbered(run_id, seq, event)

    async def read(self, run_id: str, after: int, timeout: float) -> list[Event] | None:
        key = stream_key(run_id)
        found = await self.client.xread({key: f"{after}-0"}, count=READ_BATCH)
        if not found:
            if not await self.client.exists(key):
                return None  # expired, or this Redis lost it: the database has what was stored
            if timeout <= 0:
                return []  # asked not to wait (Redis's block=0 would wait for ever)
            found = await self.client.xread({key: f"{after}-0"}, count=READ_BATCH, block=int(timeout * 1000))
            if not found:
                return []
        entries = found[0][1]
        if _seq(entries[0][0]) != after + 1:
            return None  # trimmed: what comes right after `after` is only in the database now
        return [self._event(run_id, entry_id, fields[b"event"]) for entry_id, fields in entries]

    @staticmethod
    def _event(run_id: str, entry_id: bytes, payload: bytes) -> Event:
        text = payload.decode()
        return Event(run_id, _seq(entry_id), json.loads(text)["type"], text)

    async def next_for_recorder(self) -> list[Event]:
        """Every run's events, through a consumer group: what is not acknowledged is read again, by us or, once
        it has been idle a while (its reader died), by whoever looks first."""
        while True:
            if time.monotonic() >= self.next_claim and (abandoned := await self._claim_abandoned()):
                return await self._resolve(abandoned)
            try:
                found = await self.client.xreadgroup(RECORDER_GROUP, self.consumer, {ALL_EVENTS: self.recorder_cursor},
                                                     count=READ_BATCH, block=RECORDER_BLOCK_MS)
            except ResponseError as error:
                if "NOGROUP" not in str(error):
                    raise
                await self.client.xgroup_create(ALL_EVENTS, RECORDER_GROUP, id="0", mkstream=True)
                continue
            entries = found[0][1] if found else []
            if not entries and self.recorder_cursor == "0":
                self.recorder_cursor = ">"  # caught up on our own pending entries
                continue
            if entries:
                return await self._resolve(entries)

    async def _claim_abandoned(self) -> list:
        """Take over the pending entries of other consumers idle for `claim_idle_ms` (XAUTOCLAIM), a batch at a
        time, scanning the whole pending list before pausing."""
        try:
            cursor, entries, *_ = await self.client.xautoclaim(ALL_EVENTS, RECORDER_GROUP, self.consumer,
                                                               self.claim_idle_ms, self.claim_cursor, READ_BATCH)
        except ResponseError as error:
            if "NOGROUP" not in str(error):
                raise
            cursor, entries = b"0-0", []  # no group yet: nothing pending anywhere
        self.claim_cursor = cursor.decode() if isinstance(cursor, bytes) else cursor
        scanned = self.claim_cursor == "0-0"
        self.next_claim = time.monotonic() + (self.claim_idle_ms / 2000 if scanned else 0)
        return [(entry_id, fields) for entry_id, fields in entries if fields]  # trimmed entries have no fields

    async def _resolve(self, entries) -> list[Event]:
        """Entries name visual events by reference; fetch the payload of the latest of each kind per run."""
        latest = {}
        for entry_id, fields in entries:
            latest[(fields[b"run"], fields[b"type"])] = entry_id
        batch = []
        for entry_id, fields in entries:
            run_id, kind, seq = fields[b"run"].decode(), fields[b"type"].decode(), int(fields[b"seq"])
            payload = fields.get(b"event")
            if payload is None and latest[(fields[b"run"], fields[b"type"])] == entry_id:
                found = await self.client.xrange(stream_key(run_id), f"{seq}-0", f"{seq}-0")
                payload = found[0][1][b"event"] if found else None
            batch.append(Event(run_id, seq, kind, payload.decode() if payload else None, ack_id=entry_id))
        return batch

    async def ack(self, batch: list[Event]) -> None:
        ids = [e.ack_id for e in batch if e.ack_id is not None]
        if ids:
            await self.client.xack(ALL_EVENTS, RECORDER_GROUP, *ids)

    async def forget(self, run_id: str) -> None:
        await self.client.delete(stream_key(run_id), seq_key(run_id), control_key(run_id), attempt_key(run_id),
                                 lease_key(run_id))


def make_redis_bus(url: str, claim_idle_seconds: float = 30.0) -> RedisBus:
    return RedisBus(aioredis.Redis.from_url(url, socket_connect_timeout=3, health_check_interval=10),
                    claim_idle_seconds)
