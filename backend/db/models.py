"""Tables: users (owners of runs), their sign-in tokens, classes, memberships and assignments, uploaded datasets,
runs, and the stored part of each run's event stream."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

LOCAL_USER = "local"  # the one owner of an embedded server; accounts can come later without new columns


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def aware(moment: datetime) -> datetime:
    """SQLite forgets time zones; every time we store is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))  # shown to others: a student's display name
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    role: Mapped[str] = mapped_column(String(16), default="student", server_default="student")
    # Instructors and admins sign in with a username and a password; students who joined by code have neither.
    username: Mapped[str | None] = mapped_column(String(200), index=True, unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(200))
    # Written on every submission: the write locks the user's row, which makes the quota check atomic.
    last_run_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # When (Unix seconds) the submissions of the last minute were made: the rate limit's window (services/quotas.py)
    recent_submissions: Mapped[list | None] = mapped_column(JSON)


class Token(Base):
    """A sign-in token, stored as its SHA-256 (the token itself is only ever in the caller's hands).
    Deleting the row revokes it."""
    __tablename__ = "tokens"
    hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Classroom(Base):
    __tablename__ = "classes"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    instructor_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    join_code: Mapped[str | None] = mapped_column(String(16), unique=True)  # None: closed to new students
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Membership(Base):
    """A student in a class."""
    __tablename__ = "memberships"
    class_id: Mapped[str] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    joined_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Assignment(Base):
    """A spec an instructor sets a class, some of its settings locked (dotted spec paths), maybe a due time."""
    __tablename__ = "assignments"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    class_id: Mapped[str] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    preset: Mapped[str | None] = mapped_column(String(100))  # the lesson it was made from, if any
    spec: Mapped[dict] = mapped_column(JSON)  # complete: every default filled in, as a run's spec is stored
    locked: Mapped[list] = mapped_column(JSON)  # dotted spec paths a run of it must leave as they are
    due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Run(Base):
    __tablename__ = "runs"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    owner_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), index=True)
    spec: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    summary: Mapped[dict | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    attempt: Mapped[int] = mapped_column(Integer, default=1)
    device: Mapped[str | None] = mapped_column(String(32))
    # No foreign key: SQLite cannot drop a column that has one (the downgrade), and copying runs to drop it
    # would cascade-delete their events. The run service checks the assignment when the run is made.
    assignment_id: Mapped[str | None] = mapped_column(String(32), index=True)
    # When its latest status event was stored: how long a paused run has been paused (services/time_limits.py)
    status_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Dataset(Base):
    """An uploaded dataset (POST /datasets): its owner's, by a name unique among theirs, its points as a spec's
    data.table carries them."""
    __tablename__ = "datasets"
    __table_args__ = (UniqueConstraint("owner_id", "name"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    owner_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    task: Mapped[str] = mapped_column(String(16))
    n_samples: Mapped[int] = mapped_column(Integer)
    table: Mapped[dict] = mapped_column(JSON)  # workers.engine.kinds.points.table_spec.Table
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Event(Base):
    """Every status, metrics and confusion event of a run, and the latest event of each visual kind."""
    __tablename__ = "events"
    # By slot (alembic 0006): the recorder's look-ups of a run's newest status and frame, and its deletes of the
    # frames a batch supersedes, read a few index entries, not every metrics row the run has stored.
    __table_args__ = (UniqueConstraint("run_id", "seq"), Index("ix_events_run_id_type_seq", "run_id", "type", "seq"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(32))  # the event's type; for per-probe kinds its slot, feature_maps:3
    payload: Mapped[str] = mapped_column(Text)  # the event exactly as sent on the websocket
