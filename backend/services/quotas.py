"""What one user may submit: active runs at once, submissions a minute, runs stored; checked as one.

Each check reads what it counts after a write to the user's row has locked it (lock_user), in the same
transaction as the new run's insert, so concurrent submissions of one user are counted one after another
and no limit can be overshot, however many arrive at the same moment.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ..db.models import Run, User, utcnow
from .errors import Conflict, OverQuota
from .queries import active_count

WINDOW_SECONDS = 60.0  # the rate limit counts the submissions of any such window
ACTIVE_RETRY_SECONDS = 10  # a run ends, or is stopped, within moments of being asked: look again then


@dataclass(frozen=True)
class Quotas:
    active: int  # queued + running + paused runs
    per_minute: int | None  # None: no rate limit
    stored: int | None  # None: no cap

    @classmethod
    def of(cls, settings) -> "Quotas":
        return cls(settings.max_active_runs_per_user, settings.effective_limit("max_submissions_per_minute"),
                   settings.effective_limit("max_stored_runs_per_user"))

    def admit(self, session: Session, user_id: str, now: float | None = None) -> None:
        """Raise OverQuota (429) or Conflict (409) if the user may not submit one more run now; else count this
        submission. Call it in the transaction that inserts the run."""
        now = time.time() if now is None else now
        user = lock_user(session, user_id)
        active = active_count(session, user_id)
        if active >= self.active:
            raise OverQuota(f"you have {runs(active)} queued, training or paused, and this server allows "
                            f"{self.active} at once: wait for one to end, or stop one", ACTIVE_RETRY_SECONDS)
        recent = [t for t in user.recent_submissions or () if t > now - WINDOW_SECONDS]
        if self.per_minute is not None and len(recent) >= self.per_minute:
            wait = max(1, math.ceil(min(recent) + WINDOW_SECONDS - now))
            raise OverQuota(f"you have started {runs(len(recent))} in the last minute, the most this server takes "
                            f"from one person: try again in {wait} s", wait)
        if self.stored is not None:
            stored = session.scalar(select(func.count()).select_from(Run).where(Run.owner_id == user_id))
            if stored >= self.stored:
                # Not a 429: waiting never helps, and the server never deletes anyone's work to make room.
                raise Conflict(f"you have {runs(stored)} stored, the most this server keeps for one person: delete "
                               "runs you no longer need (✕ in the page's list of runs, or DELETE /api/v1/runs/ID) "
                               "to make room")
        if self.per_minute is not None:
            user.recent_submissions = [*recent, now]


def runs(n: int) -> str:
    return f"{n} run{'' if n == 1 else 's'}"


def lock_user(session: Session, user_id: str) -> User:
    """Begin the transaction with a write to the user's row: PostgreSQL then holds that row's lock and SQLite its
    write lock until commit, so concurrent submissions of one user count and insert one after another and the
    quota cannot be overshot (a count first would let several see the same count). Answers the row, read after."""
    session.execute(update(User).where(User.id == user_id).values(last_run_at=utcnow()))
    return session.get(User, user_id)
