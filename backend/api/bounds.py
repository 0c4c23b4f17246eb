"""The bounds of what a request may ask for, declared once so the schema and the checks say the same.

Every integer a caller puts in a query or a path is bounded in the OpenAPI schema: an unbounded one reached the
database as a number it cannot hold (a 500). A seq is at most 2^53 - 1, the largest integer a JavaScript
client holds exactly; no run gets near it.
"""
from __future__ import annotations

from typing import Annotated

from fastapi import Query

MAX_SEQ = 2**53 - 1
MAX_OFFSET = 2**53 - 1

After = Annotated[int, Query(ge=0, le=MAX_SEQ, description="Events with seq > after; 0: all of them.")]
