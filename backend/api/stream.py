"""WS /runs/{id}/stream?after=SEQ: every event after SEQ, stored ones first, then live.

The socket reads on from the bus by seq; where the bus no longer holds what
comes next (a restart, a viewer far behind), it reads the stored events.
The terminal status event is sent once the recorder has stored it, then the
socket closes: a viewer who has seen the end can read the stored result. While Redis or the
database is away, it waits for them instead of dropping the viewer.
"""
from __future__ import annotations

import asyncio
import json
import logging

from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from workers.engine import TERMINAL

from ..services.runs import NotFound
from .deps import current_user
from .errors import UNAVAILABLE

log = logging.getLogger(__name__)
router = APIRouter()
IDLE_SECONDS = 15.0  # how long one read waits for news before looking again
CLOSE_NOT_FOUND = 4404
RETRY_SECONDS = 0.5  # between reads while the bus has not caught up, or a service is away


class Finished(Exception):
    pass


@router.websocket("/runs/{run_id}/stream")
async def stream(websocket: WebSocket, run_id: str, after: int = 0):
    services = websocket.app.state.services
    await websocket.accept()
    try:
        run = await services.runs.get(current_user(), run_id)
    except NotFound:
        await websocket.close(code=CLOSE_NOT_FOUND, reason=f"no run {run_id}")
        return
    last = max(after, 0)

    async def send(payload: str, seq: int, status: str | None, stored: bool = False) -> None:
        nonlocal last
        if status in TERMINAL and not stored:  # a viewer who sees the end can read the stored result at once
            try:
                await services.recorder.wait_written(run_id, seq)
            except TimeoutError:
                log.warning("run %s ended but is not stored yet; sending its end anyway", run_id)
        await websocket.send_text(payload)
        last = seq
        if status in TERMINAL:
            raise Finished

    async def send_stored() -> bool:
        """Send what the database holds after `last`; True if anything was sent."""
        stored = await services.runs.stored_events(run_id, last)
        for payload in stored:
            event = json.loads(payload)
            status = event["data"].get("status") if event["type"] == "status" else None
            await send(payload, event["seq"], status, stored=True)
        return bool(stored)

    try:
        while True:
            try:
                events = await services.bus.read(run_id, last, IDLE_SECONDS)
                if events:
                    for event in events:
                        await send(event.json, event.seq, event.status)
                    continue
                if events is None and await send_stored():
                    continue
                # Nothing new: a viewer already past the end of a finished run is done.
                run = await services.runs.get(current_user(), run_id)
                if run.status in TERMINAL:
                    await send_stored()
                    raise Finished
                if events is None:
                    await asyncio.sleep(RETRY_SECONDS)  # the bus has not caught up with the database yet
            except UNAVAILABLE:
                log.warning("stream of run %s waiting for Redis or the database", run_id)
                await asyncio.sleep(RETRY_SECONDS)
    except Finished:
        await websocket.close()
    except (WebSocketDisconnect, RuntimeError, NotFound):
        return  # the viewer left, or the run was deleted
