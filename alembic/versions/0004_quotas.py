"""quotas: when each run's status last changed (the paused-run limit), each user's recent submissions (the rate
limit)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN: a batch copy of runs would cascade-delete their events, of users trip the runs' key.
    op.add_column("runs", sa.Column("status_since", sa.DateTime(timezone=True)))
    op.add_column("users", sa.Column("recent_submissions", sa.JSON()))


def downgrade() -> None:
    op.execute("ALTER TABLE users DROP COLUMN recent_submissions")  # SQLite (3.35+) and PostgreSQL drop in place
    op.execute("ALTER TABLE runs DROP COLUMN status_since")
