"""Accounts on a real SQLite database: argon2 hashes, tokens stored only as hashes, expiry and revocation."""
from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from backend.db.models import Token, User, utcnow
from backend.db.session import make_engine, make_sessionmaker, migrate
from backend.services.accounts import Accounts, token_hash
from backend.services.errors import Unauthorized
from backend.settings import Settings


@pytest.fixture
def accounts(tmp_path):
    url = f"sqlite:///{tmp_path / 'a.db'}"
    migrate(url)
    engine = make_engine(url)
    yield Accounts(make_sessionmaker(engine), token_seconds=60)
    engine.dispose()


def test_passwords_are_argon2_hashes_and_tokens_are_stored_hashed(accounts):
    accounts.add_user("ada", "instructor", "s3cret")
    token = asyncio.run(accounts.sign_in("ada", "s3cret"))
    with accounts.sessions() as session:
        user = session.scalar(select(User).where(User.username == "ada"))
        stored = list(session.scalars(select(Token.hash)))
    assert user.password_hash.startswith("$argon2id$") and "s3cret" not in user.password_hash
    assert stored == [token_hash(token)] and token not in stored
    assert asyncio.run(accounts.caller(token)).name == "ada"


def test_an_expired_or_revoked_token_signs_in_no_one(accounts):
    accounts.add_user("ada", "admin", "s3cret")
    expired, revoked = (asyncio.run(accounts.sign_in("ada", "s3cret")) for _ in range(2))
    with accounts.sessions.begin() as session:
        session.execute(update(Token).where(Token.hash == token_hash(expired))
                        .values(expires_at=utcnow() - timedelta(seconds=1)))
    asyncio.run(accounts.revoke(revoked))
    for token in (expired, revoked):
        with pytest.raises(Unauthorized):
            asyncio.run(accounts.caller(token))


def test_an_unknown_role_or_an_empty_password_is_refused_by_users_add(accounts):
    with pytest.raises(ValueError):
        accounts.add_user("x", "teacher", "pw")
    with pytest.raises(ValueError):
        accounts.add_user("x", "admin", "")


def test_the_quota_setting_reads_its_old_name(monkeypatch):
    monkeypatch.setenv("PLAYGROUND_MAX_ACTIVE_RUNS_PER_OWNER", "7")
    assert Settings().max_active_runs_per_user == 7
    monkeypatch.setenv("PLAYGROUND_MAX_ACTIVE_RUNS_PER_USER", "9")
    monkeypatch.delenv("PLAYGROUND_MAX_ACTIVE_RUNS_PER_OWNER")
    assert Settings().max_active_runs_per_user == 9
