"""A migrated SQLite database holding one queued run, "r", of the local user: what the services' tests write
and read through."""
from __future__ import annotations

import pytest

from backend.db.models import LOCAL_USER, Run
from backend.db.session import make_engine, make_sessionmaker, migrate


@pytest.fixture
def sessions(tmp_path):
    url = f"sqlite:///{tmp_path / 'services.db'}"
    migrate(url)
    sessions = make_sessionmaker(make_engine(url))
    with sessions.begin() as session:
        session.add(Run(id="r", owner_id=LOCAL_USER, status="queued", spec={}))
    return sessions
