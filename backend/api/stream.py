"""WS /runs/{id}/stream?after=SEQ: every event after SEQ, stored ones first, then live.

The socket reads on from the bus by seq; where the bus no longer holds what
comes next (a restart, a viewer far behind), it reads the stored events.
After the terminal status event it waits until the recorder has stored it,
then closes: a closed stream means a stored result.
"""
from __future__ import annotations

import asyncio
import json

from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from workers.engine import TERMINAL

from ..services.runs import NotFound
from .deps import current_user

router = APIRouter()
IDLE_SECONDS = 15.0  # how long one read waits for news before looking again
CLOSE_NOT_FOUND = 4404
CATCH_UP_PAUSE = 0.2  # between reads of stored events while the bus has not caught up


@router.websocket("/runs/{run_id}/stream")
async def stream(websocket: WebSocket, run_id: str, after: int = 0):
    services = websocket.app.state.services
    await websocket.accept()
    try:
        await services.runs.get(current_user(), run_id)
    except NotFound:
        await websocket.close(code=CLOSE_NOT_FOUND, reason=f"no run {run_id}")
        return
    last = max(after, 0)
    try:
        while True:
            events = await services.bus.read(run_id, last, IDLE_SECONDS)
            if events is None:
                stored = await services.runs.stored_events(run_id, last)
                for payload in stored:
                    await websocket.send_text(payload)
                    event = json.loads(payload)
                    last = event["seq"]
                    if event["type"] == "status" and event["data"]["status"] in TERMINAL:
                        await websocket.close()
                        return
                if not stored:
                    await asyncio.sleep(CATCH_UP_PAUSE)
                continue
            for event in events:
                await websocket.send_text(event.json)
                last = event.seq
                if event.status in TERMINAL:
                    await services.recorder.wait_written(run_id, event.seq)
                    await websocket.close()
                    return
    except (WebSocketDisconnect, RuntimeError):
        return  # the viewer left
