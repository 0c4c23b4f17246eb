"""WS /runs/{id}/stream?after=SEQ: every event after SEQ, stored ones first, then live (services/stream.py).

One text message per event; the socket closes after the run's terminal status, with 4404 at once when the
caller has no such run, and with 1008 at once when `after` is not a seq (0 to 2^53 - 1).
"""
from __future__ import annotations

from contextlib import aclosing

from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from ..services.errors import NotFound
from .bounds import MAX_SEQ
from .deps import Owner, Streams
from .sockets import CLOSE_NOT_FOUND, CLOSE_POLICY_VIOLATION, close

router = APIRouter()


@router.websocket("/runs/{run_id}/stream")
async def stream(websocket: WebSocket, run_id: str, streams: Streams, caller: Owner, after: int = 0):
    await websocket.accept()
    if not 0 <= after <= MAX_SEQ:
        await close(websocket, CLOSE_POLICY_VIOLATION, f"after must be a seq from 0 to {MAX_SEQ}")
        return
    try:
        events = await streams.follow(caller, run_id, after)
    except NotFound:
        await close(websocket, CLOSE_NOT_FOUND, f"no run {run_id}")
        return
    try:
        async with aclosing(events):
            async for text in events:
                await websocket.send_text(text)
    except (WebSocketDisconnect, RuntimeError, NotFound):
        return  # the viewer left, or the run was deleted
    await websocket.close()
