"""assignments: a class's specs with locked settings and a due time; the assignment a run was made for

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "assignments",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("class_id", sa.String(32), sa.ForeignKey("classes.id", ondelete="CASCADE"), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("preset", sa.String(100)),
        sa.Column("spec", sa.JSON(), nullable=False),
        sa.Column("locked", sa.JSON(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_assignments_class_id", "assignments", ["class_id"])
    # Plain ADD COLUMN, no foreign key (see models.Run): a batch copy of runs would cascade-delete their events.
    op.add_column("runs", sa.Column("assignment_id", sa.String(32)))
    op.create_index("ix_runs_assignment_id", "runs", ["assignment_id"])


def downgrade() -> None:
    op.drop_index("ix_runs_assignment_id", table_name="runs")
    op.execute("ALTER TABLE runs DROP COLUMN assignment_id")  # SQLite (3.35+) and PostgreSQL drop it in place
    op.drop_index("ix_assignments_class_id", table_name="assignments")
    op.drop_table("assignments")
