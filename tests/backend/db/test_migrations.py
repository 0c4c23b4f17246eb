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
    assert {"users", "tokens", "classes", "memberships", "assignments", "datasets", "runs", "events",
            "alembic_version"} <= set(
        inspect(engine).get_table_names())
    assert {"role", "username", "password_hash"} <= {c["name"] for c in inspect(engine).get_columns("users")}
    assert "assignment_id" in {c["name"] for c in inspect(engine).get_columns("runs")}
    with engine.connect() as connection:
        assert connection.exec_driver_sql("select id from users").scalar() == "local"
    command.downgrade(config, "base")
    assert set(inspect(engine).get_table_names()) == {"alembic_version"}
    command.upgrade(config, "head")
    assert "runs" in inspect(engine).get_table_names()


def test_assignments_come_and_go_without_touching_runs_or_their_events(tmp_path):
    """0003 adds a column to runs in place: a copy of the table would cascade-delete the runs' events."""
    url = f"sqlite:///{tmp_path / 'm.db'}"
    config = alembic_config(url)
    command.upgrade(config, "0002")
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")
        connection.exec_driver_sql("insert into runs (id, owner_id, status, spec, created_at, attempt) "
                                   "values ('r', 'local', 'succeeded', '{}', '2026-12-01', 1)")
        connection.exec_driver_sql("insert into events (run_id, seq, type, payload) values ('r', 1, 'status', '{}')")
    command.upgrade(config, "0003")
    assert "assignments" in inspect(engine).get_table_names()
    command.downgrade(config, "0002")
    assert "assignments" not in inspect(engine).get_table_names()
    assert "assignment_id" not in {c["name"] for c in inspect(engine).get_columns("runs")}
    with engine.connect() as connection:
        assert connection.exec_driver_sql("select count(*) from events where run_id = 'r'").scalar() == 1
        assert connection.exec_driver_sql("select status from runs").scalar() == "succeeded"


def test_the_quota_columns_come_and_go_without_touching_runs_or_their_events(tmp_path):
    """0004 adds runs.status_since and users.recent_submissions in place, and drops them in place."""
    url = f"sqlite:///{tmp_path / 'm.db'}"
    config = alembic_config(url)
    command.upgrade(config, "0003")
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")
        connection.exec_driver_sql("insert into runs (id, owner_id, status, spec, created_at, attempt) "
                                   "values ('r', 'local', 'paused', '{}', '2026-12-01', 1)")
        connection.exec_driver_sql("insert into events (run_id, seq, type, payload) values ('r', 1, 'status', '{}')")
    command.upgrade(config, "0004")
    assert "status_since" in {c["name"] for c in inspect(engine).get_columns("runs")}
    assert "recent_submissions" in {c["name"] for c in inspect(engine).get_columns("users")}
    command.downgrade(config, "0003")
    assert "status_since" not in {c["name"] for c in inspect(engine).get_columns("runs")}
    assert "recent_submissions" not in {c["name"] for c in inspect(engine).get_columns("users")}
    with engine.connect() as connection:
        assert connection.exec_driver_sql("select count(*) from events where run_id = 'r'").scalar() == 1
        assert connection.exec_driver_sql("select status from runs").scalar() == "paused"


def test_the_datasets_table_is_as_the_model_says(tmp_path):
    """0005 creates datasets exactly as backend.db.models.Dataset declares it."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from backend.db.models import Base

    url = f"sqlite:///{tmp_path / 'm.db'}"
    command.upgrade(alembic_config(url), "head")
    with create_engine(url).connect() as connection:
        diffs = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert [d for d in diffs if "datasets" in repr(d)] == []
    command.downgrade(alembic_config(url), "0004")
    assert "datasets" not in inspect(create_engine(url)).get_table_names()
