"""inbox claims: one worker handles a user's updates at a time, in arrival order

Revision ID: 0011
Revises: 0010
"""
from alembic import op
import sqlalchemy as sa

from store.db import UtcDateTime

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("inbox") as batch:
        batch.add_column(sa.Column("claimed_by", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("claimed_until", UtcDateTime(timezone=True), nullable=True))
    op.create_index("ix_inbox_channel_user_id", "inbox", ["channel", "user_key", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_inbox_channel_user_id", table_name="inbox")
    with op.batch_alter_table("inbox") as batch:
        batch.drop_column("claimed_until")
        batch.drop_column("claimed_by")
