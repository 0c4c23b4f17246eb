"""WS /classes/{id}/wall: the instructor's live wall of the class (services/wall.py).

One text message per tile: `{"run", "user", "user_id", "status", "epoch", "train_loss", "test_loss",
"test_accuracy"?, "thumbnail"?, "thumbnail_of"?, "thumbnail_classes"?, "thumbnail_k"?}`, at most one per run
a tick. The class's instructor and an admin only: anyone else, like a class that does not exist, gets a close
with 4404 at once.
"""
from __future__ import annotations

import asyncio
from contextlib import aclosing

from fastapi import APIRouter, WebSocket

from ..services.errors import NotFound
from .deps import Owner, Walls
from .sockets import CLOSE_NOT_FOUND, close

router = APIRouter()


@router.websocket("/classes/{class_id}/wall")
async def wall(websocket: WebSocket, class_id: str, walls: Walls, caller: Owner):
    await websocket.accept()
    try:
        ticks = await walls.follow(caller, class_id)
    except NotFound:
        await close(websocket, CLOSE_NOT_FOUND, f"no class {class_id}")
        return

    async def send() -> None:
        async with aclosing(ticks):
            async for messages in ticks:
                for text in messages:
                    await websocket.send_text(text)

    async def until_left() -> None:
        # A wall never ends on its own: this is how it learns the instructor closed the page.
        while (await websocket.receive())["type"] != "websocket.disconnect":
            pass

    tasks = [asyncio.create_task(send()), asyncio.create_task(until_left())]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)  # the wall's followers end with it
