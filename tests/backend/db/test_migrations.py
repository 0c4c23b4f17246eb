"""Alembic: upgrade to head and back down on SQLite."""
from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, inspect

from backend.db.session import alembic_config


def test_upgrade_and_downgrade_on_sqlite(tmp_path):
    url = f"sqlite:///{tmp_path / 'm.db'}"
    config = alembic_config(url)
    command.upgrade(config, "head")
    engine = create_engine(url)
    assert {"users", "tokens", "classes", "memberships", "runs", "events", "alembic_version"} <= set(
        inspect(engine).get_table_names())
    assert {"role", "username", "password_hash"} <= {c["name"] for c in inspect(engine).get_columns("users")}
    with engine.connect() as connection:
        assert connection.exec_driver_sql("select id from users").scalar() == "local"
    command.downgrade(config, "base")
    assert set(inspect(engine).get_table_names()) == {"alembic_version"}
    command.upgrade(config, "head")
    assert "runs" in inspect(engine).get_table_names()
