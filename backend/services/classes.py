"""Classes and join codes: an instructor opens a class, students join it with its code and a name.

A code is six characters from an alphabet without the look-alikes 0/O and 1/I/L, so it can be read
aloud or copied off a projector; it is matched without regard to case, spaces or dashes. Closing a
code stops new students joining; rotating it gives a new one and retires the old.
"""
from __future__ import annotations

import asyncio
import secrets
import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ..db.models import Classroom, Membership, User
from .access import Caller, taught_classes
from .accounts import Accounts, caller_of
from .errors import NotFound

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6


def new_code(session: Session) -> str:
    while True:  # 31**6 codes: a collision is rare, and then we draw again
        code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
        if session.scalar(select(Classroom.id).where(Classroom.join_code == code)) is None:
            return code


def normalized(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch not in " -")


class Classes:
    def __init__(self, sessions: sessionmaker, accounts: Accounts):
        self.sessions, self.accounts = sessions, accounts

    async def _write(self, fn, *args):
        def in_transaction():
            with self.sessions.begin() as session:
                return fn(session, *args)
        return await asyncio.to_thread(in_transaction)

    async def create(self, instructor: Caller, name: str) -> Classroom:
        def add(session: Session) -> Classroom:
            classroom = Classroom(id=uuid.uuid4().hex, name=name, instructor_id=instructor.id,
                                  join_code=new_code(session))
            session.add(classroom)
            return classroom
        return await self._write(add)

    async def taught(self, caller: Caller) -> list[Classroom]:
        """The classes `caller` teaches (an admin: every class)."""
        def read(session: Session) -> list[Classroom]:
            return list(session.scalars(select(Classroom).where(taught_classes(caller)).order_by(Classroom.created_at)))
        return await self._write(read)

    async def get(self, caller: Caller, class_id: str) -> Classroom:
        """A class `caller` teaches (an admin: any); NotFound alike for another's class and an unknown one."""
        return await self._write(self._taught_class, caller, class_id)

    @staticmethod
    def _taught_class(session: Session, caller: Caller, class_id: str) -> Classroom:
        classroom = session.scalar(select(Classroom).where(Classroom.id == class_id, taught_classes(caller)))
        if classroom is None:
            raise NotFound(f"no class {class_id}")
        return classroom

    async def set_code(self, caller: Caller, class_id: str, open_: bool) -> Classroom:
        """Rotate the class's code (a new one; the old one stops working), or close it (None)."""
        def change(session: Session) -> Classroom:
            classroom = self._taught_class(session, caller, class_id)
            classroom.join_code = new_code(session) if open_ else None
            return classroom
        return await self._write(change)

    async def join(self, code: str, name: str, returning: Caller | None) -> tuple[str, Caller]:
        """Make a student of the class whose code this is; (a new token, the student).

        A student already signed in (the page's cookie, or their token) joins with the account they have,
        so one browser is one student across classes; anyone else gets a new account under `name`.
        """
        def enrol(session: Session) -> tuple[str, Caller]:
            classroom = session.scalar(select(Classroom).where(Classroom.join_code == normalized(code)))
            if classroom is None:
                raise NotFound("no class has this code: check it with your teacher (it may have been closed)")
            user = session.get(User, returning.id) if returning and returning.role == "student" else None
            if user is None:
                user = User(id=uuid.uuid4().hex, name=name, role="student")
                session.add(user)
                session.flush()
            if session.get(Membership, (classroom.id, user.id)) is None:
                session.add(Membership(class_id=classroom.id, user_id=user.id))
            return self.accounts.issue(session, user.id), caller_of(user)
        return await self._write(enrol)
