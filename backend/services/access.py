"""Who the caller is, and the rules for whose runs and which classes they may reach.

A student reaches their own runs; an instructor theirs and those of the students in the classes they
teach; an admin every run. Every read and change of a run goes through `reachable_runs`, so a run
out of reach is exactly as absent as one that never existed. A class (its assignments, its leaderboards)
is reached by its members: its students and its instructor, and an admin; only the instructor (or an
admin) changes it or reads its students' work (`taught_classes`).
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


def taught_classes(caller: Caller) -> ColumnElement[bool]:
    """A WHERE clause on classes: those `caller` teaches (an admin: every class)."""
    return true() if caller.role == "admin" else Classroom.instructor_id == caller.id


def joined_classes(caller: Caller) -> ColumnElement[bool]:
    """A WHERE clause on classes: those `caller` is a member of, as a student or as their instructor."""
    joined = select(Membership.class_id).where(Membership.user_id == caller.id)
    return or_(taught_classes(caller), Classroom.id.in_(joined))


def reachable_runs(caller: Caller) -> ColumnElement[bool]:
    """A WHERE clause on runs: those `caller` may read, follow, control and delete."""
    if caller.role == "admin":
        return true()
    if caller.role == "instructor":
        return or_(Run.owner_id == caller.id, Run.owner_id.in_(taught_students(caller.id)))
    return Run.owner_id == caller.id
