"""WS /runs/{id}/stream?after=SEQ: every event after SEQ, stored ones first, then live (services/stream.py).

One text message per event; the socket closes after the run's terminal status, with 4404 at once when the
caller has no such run, with 1008 at once when `after` is not a seq (0 to 2^53 - 1), and with 1013 (try
again later) when the run or the caller has as many viewers as it may (services/viewers.py).
`snapshot=true` is sent what a viewer draws: the stored history with its metrics thinned to the page's
resolution and only the latest frame of each visual, then live without superseded frames: what the page
asks for (services/stream.py).
"""
from __future__ import annotations

from contextlib import aclosing

from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from ..services.errors import NotFound
from ..services.viewers import TooManyViewers
from .bounds import MAX_SEQ
from .deps import Owner, Streams
from .sockets import CLOSE_NOT_FOUND, CLOSE_POLICY_VIOLATION, CLOSE_TRY_AGAIN_LATER, close

router = APIRouter()


@router.websocket("/runs/{run_id}/stream")
async def stream(websocket: WebSocket, run_id: str, streams: Streams, caller: Owner, after: int = 0,
                 snapshot: bool = False):
    await websocket.accept()
    if not 0 <= after <= MAX_SEQ:
        await close(websocket, CLOSE_POLICY_VIOLATION, f"after must be a seq from 0 to {MAX_SEQ}")
        return
    client = (caller.id, websocket.client.host if websocket.client else None)
    try:
        with streams.limits.admitted(run_id, client):
            await _send(websocket, streams, caller, run_id, after, snapshot)
    except TooManyViewers as full:
        await close(websocket, CLOSE_TRY_AGAIN_LATER, str(full))


async def _send(websocket: WebSocket, streams, caller, run_id: str, after: int, snapshot: bool) -> None:
    try:
        events = await streams.follow(caller, run_id, after, snapshot)
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
