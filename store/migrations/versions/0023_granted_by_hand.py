"""officers.granted_by_hand: roles given by ``admin grant`` survive officer-list imports

Revision ID: 0023
Revises: 0022
"""
from alembic import op
import sqlalchemy as sa

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("officers") as batch:
        batch.add_column(sa.Column("granted_by_hand", sa.Boolean(), nullable=False, server_default=sa.false()))
    # Officers granted a role before the column existed: the audit log names them.
    op.execute(sa.text(
        "UPDATE officers SET granted_by_hand = :yes WHERE 'officer:' || CAST(id AS VARCHAR(20)) IN "
        "(SELECT target FROM audit_log WHERE action = 'role.grant' AND outcome = 'done')"
    ).bindparams(yes=True))


def downgrade() -> None:
    with op.batch_alter_table("officers") as batch:
        batch.drop_column("granted_by_hand")
