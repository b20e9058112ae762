"""numbered choice menus, account link codes (Zalo channel)

Revision ID: 0009
Revises: 0008
"""
from alembic import op
import sqlalchemy as sa
import store.db

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "choice_menus",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("buttons", sa.JSON(), nullable=False),
        sa.Column("numbers_answer", sa.Boolean(), nullable=False),
        sa.Column("created_at", store.db.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_choice_menus_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_choice_menus")),
    )
    op.create_table(
        "link_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", store.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", store.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("used_at", store.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("used_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["officer_id"], ["officers.id"], name=op.f("fk_link_codes_officer_id_officers"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_link_codes_user_id_users"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["used_by"], ["users.id"], name=op.f("fk_link_codes_used_by_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_link_codes")),
        sa.UniqueConstraint("code", name=op.f("uq_link_codes_code")),
    )
    op.create_index(op.f("ix_link_codes_officer_id"), "link_codes", ["officer_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_link_codes_officer_id"), table_name="link_codes")
    op.drop_table("link_codes")
    op.drop_table("choice_menus")
