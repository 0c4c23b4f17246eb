"""What a service call can answer besides its result; the API turns each into its HTTP status."""
from __future__ import annotations

import redis.exceptions
import sqlalchemy.exc

from workers.engine import Problem

# A service we depend on is away; it may come back. Requests get a 503, streams wait for it.
UNAVAILABLE = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, sqlalchemy.exc.OperationalError,
               sqlalchemy.exc.InterfaceError)


class NotFound(Exception):
    pass


class Conflict(Exception):
    pass


class OverQuota(Exception):
    """A per-user limit reached: a 429 whose Retry-After says when trying again may succeed."""
    def __init__(self, message: str, retry_after: int = 10):
        super().__init__(message)
        self.retry_after = retry_after


class Unauthorized(Exception):
    """No caller, or one whose token is unknown, revoked or expired: a 401."""


class Forbidden(Exception):
    """A route above the caller's role: a 403."""


class InvalidBody(Exception):
    """Fields of the request body at fault: a 422 naming each, at `under` + its problem's loc in the body."""
    under: tuple[str, ...] = ()

    def __init__(self, found: list[Problem]):
        super().__init__("; ".join(p.msg for p in found))
        self.problems = found


class InvalidSpec(InvalidBody):
    """Problems of the body's spec, each located inside the spec."""
    under = ("spec",)
