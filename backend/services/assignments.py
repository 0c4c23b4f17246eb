"""Assignments: a spec an instructor sets a class (a lesson's, or the page's current settings), some of its
settings locked, maybe a due time; the runs students make of it, and their leaderboard.

Who reaches what (access.py): the class's members (its students, its instructor) and admins see its
assignments and leaderboards; its instructor (or an admin) makes them and reads the gradebook. Anything
out of reach answers exactly as if it did not exist.
"""
from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from workers.engine import Limits, Problem, Spec, problems
from workers.engine.presets import PRESETS_BY_NAME

from ..db.models import Assignment, Classroom, Membership, Run, User
from .access import Caller, joined_classes, taught_classes
from .datasets import Datasets
from .errors import InvalidBody, InvalidSpec, NotFound
from .leaderboard import Attempt, Standing, csv_filename, gradebook, metric_for, standings
from .locks import path_problems


@dataclass(frozen=True)
class Results:
    filename: str
    csv: str


def _class_of(session: Session, class_id: str, within) -> Classroom:
    classroom = session.scalar(select(Classroom).where(Classroom.id == class_id, within))
    if classroom is None:
        raise NotFound(f"no class {class_id}")
    return classroom


def _assignment(session: Session, assignment_id: str, within) -> Assignment | None:
    return session.scalar(select(Assignment).join(Classroom, Classroom.id == Assignment.class_id)
                          .where(Assignment.id == assignment_id, within))


def _students(session: Session, class_id: str) -> list[tuple[str, str]]:
    rows = session.execute(select(User.id, User.name).join(Membership, Membership.user_id == User.id)
                           .where(Membership.class_id == class_id).order_by(Membership.joined_at, User.id))
    return [(row.id, row.name) for row in rows]


def _attempts(session: Session, assignment: Assignment) -> list[Attempt]:
    rows = session.execute(select(Run.id, Run.owner_id, Run.status, Run.summary, Run.created_at, Run.finished_at)
                           .where(Run.assignment_id == assignment.id))
    return [Attempt(*row) for row in rows]


class Assignments:
    def __init__(self, sessions: sessionmaker, limits: Limits, datasets: Datasets):
        self.sessions, self.limits, self.datasets = sessions, limits, datasets

    async def _in_transaction(self, fn, *args):
        def run():
            with self.sessions.begin() as session:
                return fn(session, *args)
        return await asyncio.to_thread(run)

    def assigned_spec(self, preset: str | None, spec: Spec | None) -> tuple[dict, str | None]:
        """The assignment's spec, complete, as runs store theirs; and the lesson it came from."""
        if (preset is None) == (spec is None):
            where = "spec" if spec is not None else "preset"
            raise InvalidBody([Problem((where,), "give either a preset (a lesson's name, GET /api/v1/presets) or a "
                                       "spec" + (", not both" if spec is not None else ""), "preset_or_spec")])
        if preset is not None:
            if preset not in PRESETS_BY_NAME:
                raise InvalidBody([Problem(("preset",), f"no preset {preset}; see GET /api/v1/presets", "unknown")])
            spec = Spec.model_validate(PRESETS_BY_NAME[preset]["spec"])
        found = problems(spec, self.limits)
        if found and preset is not None:
            raise InvalidBody([Problem(("preset",), f"{preset} does not fit this server: {p.msg}") for p in found])
        if found:
            raise InvalidSpec(found)
        return spec.model_dump(mode="json", by_alias=True), preset

    async def create(self, caller: Caller, class_id: str, title: str, preset: str | None, spec: Spec | None,
                     locked: list[str], due: datetime | None) -> Assignment:
        """On an uploaded dataset of the instructor's, the assignment keeps a copy of its points (data.table), as a
        run does: its students' runs train on them (datasets.resolve_data), and the dataset may change or go
        without changing what the assignment is."""
        await self._in_transaction(_class_of, class_id, taught_classes(caller))  # before the body: another's is a 404
        if spec is not None:
            spec = await self.datasets.resolve(caller, spec)  # a name of none of theirs: 422 at spec.data.dataset

        def add(session: Session) -> Assignment:
            _class_of(session, class_id, taught_classes(caller))
            assigned, source = self.assigned_spec(preset, spec)
            paths = list(dict.fromkeys(locked))  # each once, in the order given
            found = path_problems(assigned, paths)
            if found:
                raise InvalidBody(found)
            assignment = Assignment(id=uuid.uuid4().hex, class_id=class_id, title=title, preset=source,
                                    spec=assigned, locked=paths,
                                    due_at=due.astimezone(timezone.utc) if due else None)
            session.add(assignment)
            return assignment
        return await self._in_transaction(add)

    async def of_class(self, caller: Caller, class_id: str) -> list[Assignment]:
        """The class's assignments, newest first, for its members."""
        def read(session: Session) -> list[Assignment]:
            _class_of(session, class_id, joined_classes(caller))
            return list(session.scalars(select(Assignment).where(Assignment.class_id == class_id)
                                        .order_by(Assignment.created_at.desc(), Assignment.id)))
        return await self._in_transaction(read)

    async def reachable(self, caller: Caller, assignment_id: str) -> Assignment:
        found = await self._in_transaction(_assignment, assignment_id, joined_classes(caller))
        if found is None:
            raise NotFound(f"no assignment {assignment_id}")
        return found

    async def for_run(self, caller: Caller, assignment_id: str) -> Assignment:
        """The assignment a run is made for: one of the caller's classes, else a 422 naming the field."""
        found = await self._in_transaction(_assignment, assignment_id, joined_classes(caller))
        if found is None:
            raise InvalidBody([Problem(("assignment",), f"no assignment {assignment_id} in your classes", "unknown")])
        return found

    async def spec_for(self, caller: Caller, assignment_id: str | None) -> dict | None:
        """The stored spec of the assignment a request names (None for none), as for_run finds it."""
        return None if assignment_id is None else (await self.for_run(caller, assignment_id)).spec

    async def locks_of(self, assignment_id: str) -> Assignment | None:
        """For a caller whose run of it is already within reach (a live change of the run)."""
        return await self._in_transaction(lambda session: session.get(Assignment, assignment_id))

    async def leaderboard(self, caller: Caller, assignment_id: str) -> list[Standing]:
        def read(session: Session) -> list[Standing]:
            assignment = _assignment(session, assignment_id, joined_classes(caller))
            if assignment is None:
                raise NotFound(f"no assignment {assignment_id}")
            return standings(metric_for(assignment.spec), assignment.due_at, _students(session, assignment.class_id),
                             _attempts(session, assignment))
        return await self._in_transaction(read)

    async def results(self, caller: Caller, assignment_id: str) -> Results:
        """The gradebook as CSV: every student of the class, for its instructor."""
        def read(session: Session) -> Results:
            assignment = _assignment(session, assignment_id, taught_classes(caller))
            if assignment is None:
                raise NotFound(f"no assignment {assignment_id}")
            metric, students = metric_for(assignment.spec), _students(session, assignment.class_id)
            attempts = _attempts(session, assignment)
            board = standings(metric, assignment.due_at, students, attempts)
            submitted = Counter(attempt.user_id for attempt in attempts)
            return Results(csv_filename(assignment.title), gradebook(metric, students, board, submitted))
        return await self._in_transaction(read)
