"""inbox: updates recorded before they are acknowledged (webhook and polling)

Revision ID: 0007
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa
import store.db

revision = "0007"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "inbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("update_key", sa.String(length=64), nullable=False),
        sa.Column("user_key", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("received_at", store.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("handled_at", store.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbox")),
        sa.UniqueConstraint("channel", "update_key", name=op.f("uq_inbox_channel_update_key")),
    )
    op.create_index("ix_inbox_channel_state_id", "inbox", ["channel", "state", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_inbox_channel_state_id", table_name="inbox")
    op.drop_table("inbox")
