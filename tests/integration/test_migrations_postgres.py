"""Alembic on PostgreSQL: upgrade to head, down to base, and up again."""
from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, inspect, text

from backend.db.session import alembic_config
from tests.integration.cluster import DATABASE_URL, require_services, reset_database


def test_round_trip_on_postgresql():
    require_services()
    reset_database(DATABASE_URL)
    config = alembic_config(DATABASE_URL)
    engine = create_engine(DATABASE_URL)
    command.upgrade(config, "head")
    assert {"users", "classes", "assignments", "runs", "events"} <= set(inspect(engine).get_table_names())
    assert "assignment_id" in {c["name"] for c in inspect(engine).get_columns("runs")}
    with engine.connect() as connection:
        assert connection.execute(text("select id from users")).scalar() == "local"
    command.downgrade(config, "0002")
    assert "assignments" not in inspect(engine).get_table_names()
    assert "assignment_id" not in {c["name"] for c in inspect(engine).get_columns("runs")}
    command.downgrade(config, "base")
    assert set(inspect(engine).get_table_names()) == {"alembic_version"}
    command.upgrade(config, "head")
    assert "runs" in inspect(engine).get_table_names()
    engine.dispose()
