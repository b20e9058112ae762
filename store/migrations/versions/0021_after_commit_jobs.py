"""after-commit jobs: slow work after an update's transaction gets its own row

Revision ID: 0021
Revises: 0020
"""
from alembic import op
import sqlalchemy as sa

from store.db import UtcDateTime

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "after_commit_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("update_key", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("task", sa.String(length=32), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("owner", sa.String(length=64), nullable=False),
        sa.Column("started_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("lease_until", UtcDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_after_commit_jobs_user_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_after_commit_jobs")),
        sa.UniqueConstraint("channel", "update_key", "seq", name=op.f("uq_after_commit_jobs_channel_update_key_seq")),
    )
    op.create_index("ix_after_commit_jobs_state_lease", "after_commit_jobs", ["state", "lease_until"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_after_commit_jobs_state_lease", table_name="after_commit_jobs")
    op.drop_table("after_commit_jobs")
