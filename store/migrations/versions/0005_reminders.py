"""reminders, broadcasts

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa
import store.db

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reminder_policies",
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("offsets", sa.JSON(), nullable=False),
        sa.Column("overdue_time", sa.String(length=5), nullable=True),
        sa.Column("overdue_limit", sa.Integer(), nullable=False),
        sa.Column("updated_at", store.db.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["period_id"], ["periods.id"],
                                name=op.f("fk_reminder_policies_period_id_periods"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("period_id", name=op.f("pk_reminder_policies")),
    )
    op.create_table(
        "reminder_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("commune_code", sa.Integer(), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=32), nullable=False),
        sa.Column("planned_at", store.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=64), nullable=False),
        sa.Column("outbox_key", sa.String(length=200), nullable=True),
        sa.Column("created_at", store.db.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["commune_code"], ["communes.code"],
                                name=op.f("fk_reminder_log_commune_code_communes")),
        sa.ForeignKeyConstraint(["officer_id"], ["officers.id"],
                                name=op.f("fk_reminder_log_officer_id_officers"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["period_id"], ["periods.id"],
                                name=op.f("fk_reminder_log_period_id_periods"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_log")),
        sa.UniqueConstraint("period_id", "commune_code", "officer_id", "step",
                            name=op.f("uq_reminder_log_period_id_commune_code_officer_id_step")),
    )
    with op.batch_alter_table("reminder_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reminder_log_officer_id"), ["officer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_reminder_log_period_id"), ["period_id"], unique=False)

    op.create_table(
        "broadcasts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("sender_user_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("attachment", sa.JSON(), nullable=True),
        sa.Column("audience", sa.JSON(), nullable=False),
        sa.Column("audience_label", sa.String(length=300), nullable=False),
        sa.Column("recipient_count", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("created_at", store.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", store.db.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["created_by"], ["officers.id"],
                                name=op.f("fk_broadcasts_created_by_officers"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["sender_user_id"], ["users.id"],
                                name=op.f("fk_broadcasts_sender_user_id_users"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_broadcasts")),
    )
    with op.batch_alter_table("broadcasts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_broadcasts_created_by"), ["created_by"], unique=False)
        batch_op.create_index(batch_op.f("ix_broadcasts_state"), ["state"], unique=False)


def downgrade() -> None:
    op.drop_table("broadcasts")
    op.drop_table("reminder_log")
    op.drop_table("reminder_policies")
