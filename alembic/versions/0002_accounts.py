"""accounts: roles and passwords on users, sign-in tokens, classes and memberships

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

USER_COLUMNS = ("role", "username", "password_hash", "last_run_at")


def upgrade() -> None:
    # Plain ADD COLUMN and CREATE INDEX: a batch copy of users would trip the runs' foreign key on SQLite.
    op.add_column("users", sa.Column("role", sa.String(16), nullable=False, server_default="student"))
    op.add_column("users", sa.Column("username", sa.String(200)))
    op.add_column("users", sa.Column("password_hash", sa.String(200)))
    op.add_column("users", sa.Column("last_run_at", sa.DateTime(timezone=True)))
    op.create_index("ix_users_username", "users", ["username"], unique=True)
    op.create_table(
        "tokens",
        sa.Column("hash", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.String(64), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_tokens_user_id", "tokens", ["user_id"])
    op.create_table(
        "classes",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("instructor_id", sa.String(64), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("join_code", sa.String(16), unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_classes_instructor_id", "classes", ["instructor_id"])
    op.create_table(
        "memberships",
        sa.Column("class_id", sa.String(32), sa.ForeignKey("classes.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("user_id", sa.String(64), sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_memberships_user_id", "memberships", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_memberships_user_id", table_name="memberships")
    op.drop_table("memberships")
    op.drop_index("ix_classes_instructor_id", table_name="classes")
    op.drop_table("classes")
    op.drop_index("ix_tokens_user_id", table_name="tokens")
    op.drop_table("tokens")
    op.drop_index("ix_users_username", table_name="users")
    for column in USER_COLUMNS:  # SQLite (3.35+) and PostgreSQL both drop a column in place
        op.execute(f"ALTER TABLE users DROP COLUMN {column}")
