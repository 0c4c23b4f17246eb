"""events by slot: an index on (run_id, type, seq), so that the recorder's every batch finds a run's newest
status and frame, and deletes the frames it supersedes, without reading all the run's metrics rows

Without it both read every row of the batch's runs (SQLite scanned the whole table for the delete): a class of
60 runs stores 1,800 metrics rows a second, and each batch cost more the longer the class trained.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_events_run_id_type_seq", "events", ["run_id", "type", "seq"])


def downgrade() -> None:
    op.drop_index("ix_events_run_id_type_seq", table_name="events")
