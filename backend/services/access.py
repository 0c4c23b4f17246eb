"""Who the caller is, and the one rule for whose runs they may reach.

A student reaches their own runs; an instructor theirs and those of the students in the classes they
teach; an admin every run. Every read and change of a run goes through `reachable_runs`, so a run
out of reach is exactly as absent as one that never existed.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, or_, select, true

from ..db.models import Classroom, Membership, Run

ROLES = ("student", "instructor", "admin")  # each reaches what the ones before it do, and more
RANK = {role: rank for rank, role in enumerate(ROLES)}


@dataclass(frozen=True)
class Caller:
    id: str
    name: str
    role: str

    def at_least(self, role: str) -> bool:
        return RANK[self.role] >= RANK[role]


def taught_students(instructor_id: str):
    """The ids of the students in the classes `instructor_id` teaches (a subquery)."""
    return (select(Membership.user_id).join(Classroom, Classroom.id == Membership.class_id)
            .where(Classroom.instructor_id == instructor_id))


def reachable_runs(caller: Caller) -> ColumnElement[bool]:
    """A WHERE clause on runs: those `caller` may read, follow, control and delete."""
    if caller.role == "admin":
        return true()
    if caller.role == "instructor":
        return or_(Run.owner_id == caller.id, Run.owner_id.in_(taught_students(caller.id)))
    return Run.owner_id == caller.id
