"""Closing a websocket with a code and a reason, the one place every socket route closes through.

A close frame is a control frame: its payload is at most 125 bytes, 2 of them the code, so a reason is at most
123 bytes of UTF-8; a longer one (a long run id in "no run ...") makes the server fail the close and drop the
connection with no close frame at all. close_reason cuts a reason to fit, never inside a character.
"""
from __future__ import annotations

from fastapi import WebSocket

MAX_REASON_BYTES = 123
CLOSE_POLICY_VIOLATION = 1008  # a request the server will not serve as asked: a bad `after`, a foreign origin
CLOSE_TRY_AGAIN_LATER = 1013  # a cap is full (services/viewers.py): the page reconnects after a growing delay
CLOSE_NOT_FOUND = 4404  # no such run or class, or not one the caller may see


def close_reason(reason: str) -> str:
    encoded = reason.encode()
    if len(encoded) <= MAX_REASON_BYTES:
        return reason
    return encoded[:MAX_REASON_BYTES - 3].decode(errors="ignore") + "..."


async def close(websocket: WebSocket, code: int, reason: str = "") -> None:
    await websocket.close(code=code, reason=close_reason(reason))
