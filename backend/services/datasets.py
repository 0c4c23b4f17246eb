"""Uploaded datasets: read from a CSV, kept per owner, and put into a spec's data.table when its data.dataset
names one, so that a run carries its points to a worker in either mode and no worker reads the database.

A dataset is its owner's alone (an admin's too, and an instructor's): one out of reach is exactly as absent as
one that never existed, as runs are (access.py).
"""
from __future__ import annotations

import asyncio
import re
import uuid

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from workers.engine import Problem, Spec
from workers.engine.datasets import DATASETS
from workers.engine.kinds.points.table_spec import UPLOAD_NAME, Table
from workers.engine.spec import Data

from ..db.models import Dataset
from .access import Caller
from .csv_table import CsvLimits, Unreadable, read_table
from .errors import Conflict, InvalidBody, InvalidSpec, NotFound
from .quotas import lock_user


def name_from_file(filename: str | None) -> str:
    """A dataset name from an upload's file name: its stem, with what a name may not hold made dashes."""
    stem = re.sub(r"\.csv$", "", (filename or "").rsplit("/", 1)[-1], flags=re.IGNORECASE)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", stem).lstrip("-_.")[:64]
    return name or "dataset"


def name_problems(name: str) -> list[Problem]:
    if not re.match(UPLOAD_NAME, name):
        return [Problem(("name",), f"{name[:80]!r} is not a dataset name: 1 to 64 letters, digits, '_', '.' or "
                        "'-', starting with a letter or digit")]
    if name in DATASETS:
        return [Problem(("name",), f"{name} is a built-in dataset's name; choose another")]
    return []


class Datasets:
    def __init__(self, sessions: sessionmaker, limits: CsvLimits, per_user: int):
        self.sessions, self.limits, self.per_user = sessions, limits, per_user

    async def create(self, caller: Caller, name: str, content: bytes, target: str | None, task: str) -> Dataset:
        """Read, check and keep an upload; InvalidBody (422) naming the line and column at fault."""
        found = name_problems(name)
        if found:
            raise InvalidBody(found)
        try:
            table = await asyncio.to_thread(read_table, content, target, task, self.limits)
        except Unreadable as error:
            raise InvalidBody(error.problems) from None
        Table.model_validate(table)  # what a run's spec will carry must be a valid table
        row = Dataset(id=uuid.uuid4().hex, owner_id=caller.id, name=name, task=table["task"],
                      n_samples=len(table["x"]), table=table)

        def insert() -> None:
            with self.sessions.begin() as session:
                lock_user(session, caller.id)  # the count and the insert, one user at a time
                kept = session.scalar(select(func.count()).select_from(Dataset).where(Dataset.owner_id == caller.id))
                if kept >= self.per_user:
                    raise Conflict(f"you have {kept} datasets, the most this server keeps for one person "
                                   "(PLAYGROUND_MAX_DATASETS_PER_USER): delete one you no longer need")
                if session.scalar(select(Dataset.id).where(Dataset.owner_id == caller.id, Dataset.name == name)):
                    raise Conflict(f"you have a dataset named {name} already: delete it first, or choose another name")
                session.add(row)

        try:
            await asyncio.to_thread(insert)
        except IntegrityError:  # the same name, uploaded twice at once
            raise Conflict(f"you have a dataset named {name} already") from None
        return row

    async def _read(self, fn):
        def in_session():
            with self.sessions() as session:
                return fn(session)
        return await asyncio.to_thread(in_session)

    async def list(self, caller: Caller) -> list[Dataset]:
        return await self._read(lambda session: list(session.scalars(
            select(Dataset).where(Dataset.owner_id == caller.id).order_by(Dataset.created_at, Dataset.name))))

    async def one(self, caller: Caller, name: str) -> Dataset:
        found = await self._read(lambda session: session.scalar(
            select(Dataset).where(Dataset.owner_id == caller.id, Dataset.name == name)))
        if found is None:
            raise NotFound(f"no dataset {name}")
        return found

    async def delete(self, caller: Caller, name: str) -> None:
        """Runs made on it keep their points (their specs carry them)."""
        def remove() -> bool:
            with self.sessions.begin() as session:
                row = session.scalar(select(Dataset).where(Dataset.owner_id == caller.id, Dataset.name == name))
                if row is not None:
                    session.delete(row)
                return row is not None
        if not await asyncio.to_thread(remove):
            raise NotFound(f"no dataset {name}")

    async def resolve_data(self, caller: Caller, data: Data, under: tuple = (), assigned: dict | None = None) -> Data:
        """`data` with the points of the uploaded dataset it names (and their count as n_samples); a built-in
        dataset's as it is. A name that is neither is a 422 at data.dataset.

        `assigned` is the stored spec of the assignment the request is made for: when it is on an uploaded dataset,
        that name means its points, before any dataset of the caller's own of that name (the assignment says what
        its runs train on); they come marked rows_withheld, since a student may train on them but not read them."""
        if data.dataset in DATASETS:
            return data
        given = (assigned or {}).get("data", {})
        if given.get("table") is not None and data.dataset == given["dataset"]:
            table = Table.model_validate({**given["table"], "rows_withheld": True})
            return data.model_copy(update={"table": table, "n_samples": len(table.x)})
        try:
            row = await self.one(caller, data.dataset)
        except NotFound:
            raise InvalidBody([Problem((*under, "data", "dataset"), f"no dataset is named {data.dataset!r}: name a "
                                       "built-in one (GET /catalog) or one you uploaded (GET /datasets)",
                                       "unknown_dataset")]) from None
        return data.model_copy(update={"table": Table.model_validate(row.table), "n_samples": row.n_samples})

    async def resolve(self, caller: Caller, spec: Spec, assigned: dict | None = None) -> Spec:
        """The spec with its uploaded dataset's points filled in (InvalidSpec when it names none); `assigned`: the
        stored spec of the assignment the run is for, whose uploaded dataset's points it may use."""
        try:
            data = await self.resolve_data(caller, spec.data, assigned=assigned)
        except InvalidBody as error:
            raise InvalidSpec(error.problems) from None
        return spec if data is spec.data else spec.model_copy(update={"data": data})
