"""directives (parser, search index bookkeeping)

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa
import store.db

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("theme", sa.Text(), nullable=True))
    # Subsection lookups and the ON DELETE CASCADE of a re-ingested document's section tree.
    with op.batch_alter_table("sections", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sections_parent_id"), ["parent_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sections_parent_id"))
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_column("theme")
