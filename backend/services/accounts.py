"""Accounts: users with a role, argon2 password hashes, and sign-in tokens the server can revoke.

A token is 32 random bytes handed to the caller once; the database keeps only its SHA-256, so a
leaked database holds no usable token, and deleting the row signs that token out.
"""
from __future__ import annotations

import asyncio
import functools
import hashlib
import secrets
import uuid
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from ..db.models import Classroom, Membership, Token, User, aware, utcnow
from .access import ROLES, Caller
from .errors import Unauthorized

HASHER = PasswordHasher()


@functools.cache
def dummy_hash() -> str:
    """Verified when the username is unknown, so a wrong name takes as long as a wrong password."""
    return HASHER.hash("not a password anyone has")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def caller_of(user: User) -> Caller:
    return Caller(id=user.id, name=user.name, role=user.role)


class Accounts:
    def __init__(self, sessions: sessionmaker, token_seconds: float):
        self.sessions, self.token_seconds = sessions, token_seconds

    def add_user(self, username: str, role: str, password: str) -> tuple[Caller, bool]:
        """Create the user, or set a new password and role for an existing one; (the user, whether new)."""
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}")
        if not password:
            raise ValueError("the password is empty")
        with self.sessions.begin() as session:
            user = session.scalar(select(User).where(User.username == username))
            created = user is None
            if created:
                user = User(id=uuid.uuid4().hex, name=username, username=username)
                session.add(user)
            user.role, user.password_hash = role, HASHER.hash(password)
            session.flush()
            return caller_of(user), created

    def issue(self, session: Session, user_id: str) -> str:
        """A new token for the user, added to `session`'s transaction."""
        token = secrets.token_urlsafe(32)
        session.add(Token(hash=token_hash(token), user_id=user_id,
                          expires_at=utcnow() + timedelta(seconds=self.token_seconds)))
        return token

    async def sign_in(self, username: str, password: str) -> str:
        def check() -> str:
            with self.sessions.begin() as session:
                user = session.scalar(select(User).where(User.username == username))
                try:
                    HASHER.verify(user.password_hash if user and user.password_hash else dummy_hash(), password)
                except (VerificationError, InvalidHashError):
                    user = None
                if user is None:
                    raise Unauthorized("wrong username or password")
                return self.issue(session, user.id)
        return await asyncio.to_thread(check)

    async def caller(self, token: str) -> Caller:
        """Who holds `token`; Unauthorized when it is unknown, revoked or expired."""
        def look_up() -> Caller | None:
            with self.sessions() as session:
                row = session.execute(select(Token.expires_at, User).join(User, User.id == Token.user_id)
                                      .where(Token.hash == token_hash(token))).first()
            if row is None or aware(row.expires_at) <= utcnow():
                return None
            return caller_of(row.User)
        found = await asyncio.to_thread(look_up)
        if found is None:
            raise Unauthorized("this sign-in is unknown, expired or revoked: sign in again")
        return found

    async def revoke(self, token: str) -> None:
        def remove() -> None:
            with self.sessions.begin() as session:
                session.execute(delete(Token).where(Token.hash == token_hash(token)))
        await asyncio.to_thread(remove)

    async def profile(self, caller: Caller) -> dict:
        """The caller and their classes: those they teach, and those they joined."""
        def read() -> list[Classroom]:
            with self.sessions() as session:
                joined = select(Membership.class_id).where(Membership.user_id == caller.id)
                return list(session.scalars(select(Classroom).where(
                    (Classroom.instructor_id == caller.id) | Classroom.id.in_(joined)).order_by(Classroom.created_at)))
        classes = await asyncio.to_thread(read)
        return {"id": caller.id, "name": caller.name, "role": caller.role,
                "classes": [{"id": c.id, "name": c.name} for c in classes]}
