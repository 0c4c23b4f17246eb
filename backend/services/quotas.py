"""What one user may submit: active runs at once, submissions a minute, runs stored; checked as one.

Each check reads what it counts after a write to the user's row has locked it (lock_user), in the same
transaction as the new run's insert, so concurrent submissions of one user are counted one after another
and no limit can be overshot, however many arrive at the same moment.
"""
from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import and_, func, select, update
from sqlalchemy.orm import Session

from workers.engine.status import Status

from ..db.models import Event, Run, User, aware, utcnow
from .errors import Conflict, OverQuota
from .queries import active_count

WINDOW_SECONDS = 60.0  # the rate limit counts the submissions of any such window
ACTIVE_RETRY_SECONDS = 10  # no run of the user is training yet (queued, paused): no clue when one ends


@dataclass(frozen=True)
class Quotas:
    active: int  # queued + running + paused runs
    per_minute: int | None  # None: no rate limit
    stored: int | None  # None: no cap
    max_run_seconds: float | None = None  # the time limit that stops a run (services/time_limits.py); None: none

    @classmethod
    def of(cls, settings) -> "Quotas":
        return cls(settings.max_active_runs_per_user, settings.effective_limit("max_submissions_per_minute"),
                   settings.effective_limit("max_stored_runs_per_user"), settings.effective_limit("max_run_seconds"))

    def admit(self, session: Session, user_id: str, now: float | None = None) -> None:
        """Raise OverQuota (429) or Conflict (409) if the user may not submit one more run now; else count this
        submission. Call it in the transaction that inserts the run."""
        now = time.time() if now is None else now
        user = lock_user(session, user_id)
        active = active_count(session, user_id)
        if active >= self.active:
            soonest = soonest_end(session, user_id, self.max_run_seconds)
            wait = ACTIVE_RETRY_SECONDS if soonest is None else max(1, math.ceil(soonest))
            when = "" if soonest is None else f" (the soonest in about {wait} s)"
            raise OverQuota(f"you have {runs(active)} queued, training or paused, and this server allows "
                            f"{self.active} at once: wait for one to end{when}, or stop one", wait)
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


def soonest_end(session: Session, user_id: str, max_run_seconds: float | None) -> float | None:
    """Seconds until the first of the user's training runs is expected to end: for each, the time it has trained
    times the share of its epochs still to go (from its latest stored metrics event), or the time limit's stop if
    sooner. None when none is training (queued and paused runs give no clue). Only read on the way to a 429."""
    training = {run_id: (spec, started) for run_id, spec, started in session.execute(
        select(Run.id, Run.spec, Run.started_at).where(Run.owner_id == user_id, Run.status == Status.RUNNING))}
    if not training:
        return None
    latest = (select(Event.run_id, func.max(Event.seq).label("seq"))
              .where(Event.run_id.in_(training), Event.type == "metrics").group_by(Event.run_id).subquery())
    rows = session.execute(select(Event.run_id, Event.payload)
                           .join(latest, and_(Event.run_id == latest.c.run_id, Event.seq == latest.c.seq)))
    ends = []
    for run_id, payload in rows:
        metrics, epochs = json.loads(payload), training[run_id][0]["train"]["epochs"]
        if metrics["epoch"] > 0:
            ends.append(metrics["time"] * max(epochs - metrics["epoch"], 0) / metrics["epoch"])
    if max_run_seconds:
        now = datetime.now(timezone.utc)
        ends += [max_run_seconds - (now - aware(started)).total_seconds()
                 for _, started in training.values() if started is not None]
    return min(ends, default=None)


def runs(n: int) -> str:
    return f"{n} run{'' if n == 1 else 's'}"


def lock_user(session: Session, user_id: str) -> User:
    """Begin the transaction with a write to the user's row: PostgreSQL then holds that row's lock and SQLite its
    write lock until commit, so concurrent submissions of one user count and insert one after another and the
    quota cannot be overshot (a count first would let several see the same count). Answers the row, read after."""
    session.execute(update(User).where(User.id == user_id).values(last_run_at=utcnow()))
    return session.get(User, user_id)
