"""link codes wait for the first account's confirmation: a state column

Revision ID: 0022
Revises: 0021
"""
from alembic import op
import sqlalchemy as sa

from store.db import UtcDateTime

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("link_codes") as batch:
        batch.add_column(sa.Column("state", sa.String(length=16), nullable=False, server_default="open"))
        batch.add_column(sa.Column("decided_at", UtcDateTime(timezone=True), nullable=True))
    # Codes used before this revision linked at once.
    op.execute("UPDATE link_codes SET state = 'linked' WHERE used_at IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table("link_codes") as batch:
        batch.drop_column("decided_at")
        batch.drop_column("state")
