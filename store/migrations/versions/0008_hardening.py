"""per-user rate limit, removed and erased officers, job runs

Revision ID: 0008
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa
import store.db

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "job_runs",
        sa.Column("job", sa.String(length=32), nullable=False),
        sa.Column("run_key", sa.String(length=32), nullable=False),
        sa.Column("started_at", store.db.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("job", "run_key", name=op.f("pk_job_runs")),
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rate_window_start", store.db.UtcDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("rate_count", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.alter_column("rate_count", server_default=None)
    with op.batch_alter_table("officers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("removed_at", store.db.UtcDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("erased_at", store.db.UtcDateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_officers_removed_at"), ["removed_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("officers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_officers_removed_at"))
        batch_op.drop_column("erased_at")
        batch_op.drop_column("removed_at")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("rate_count")
        batch_op.drop_column("rate_window_start")
    op.drop_table("job_runs")
