"""WS /runs/{id}/stream?after=SEQ: every event after SEQ, stored ones first, then live (services/stream.py).

One text message per event; the socket closes after the run's terminal status, or with 4404 at once
when the caller has no such run.
"""
from __future__ import annotations

from contextlib import aclosing

from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from ..services.errors import NotFound
from .deps import Owner, Streams

router = APIRouter()
CLOSE_NOT_FOUND = 4404


@router.websocket("/runs/{run_id}/stream")
async def stream(websocket: WebSocket, run_id: str, streams: Streams, caller: Owner, after: int = 0):
    await websocket.accept()
    try:
        events = await streams.follow(caller, run_id, after)
    except NotFound:
        await websocket.close(code=CLOSE_NOT_FOUND, reason=f"no run {run_id}")
        return
    try:
        async with aclosing(events):
            async for text in events:
                await websocket.send_text(text)
    except (WebSocketDisconnect, RuntimeError, NotFound):
        return  # the viewer left, or the run was deleted
    await websocket.close()
