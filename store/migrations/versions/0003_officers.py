"""officers, registration, invites

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa
import store.db

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "registration_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=True),
        sa.Column("province_code", sa.Integer(), nullable=False),
        sa.Column("commune_code", sa.Integer(), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("position", sa.String(length=200), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("created_at", store.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("decided_at", store.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["commune_code"], ["communes.code"],
                                name=op.f("fk_registration_requests_commune_code_communes")),
        sa.ForeignKeyConstraint(["decided_by"], ["officers.id"],
                                name=op.f("fk_registration_requests_decided_by_officers"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["officer_id"], ["officers.id"],
                                name=op.f("fk_registration_requests_officer_id_officers"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["province_code"], ["provinces.code"],
                                name=op.f("fk_registration_requests_province_code_provinces")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_registration_requests_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registration_requests")),
    )
    with op.batch_alter_table("registration_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_registration_requests_province_code"), ["province_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_registration_requests_state"), ["state"], unique=False)
        batch_op.create_index(batch_op.f("ix_registration_requests_user_id"), ["user_id"], unique=False)

    op.create_table(
        "invite_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("commune_code", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", store.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", store.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("max_uses", sa.Integer(), nullable=False),
        sa.Column("uses", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["commune_code"], ["communes.code"],
                                name=op.f("fk_invite_codes_commune_code_communes")),
        sa.ForeignKeyConstraint(["created_by"], ["officers.id"],
                                name=op.f("fk_invite_codes_created_by_officers"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invite_codes")),
        sa.UniqueConstraint("code", name=op.f("uq_invite_codes_code")),
    )


def downgrade() -> None:
    op.drop_table("invite_codes")
    with op.batch_alter_table("registration_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registration_requests_user_id"))
        batch_op.drop_index(batch_op.f("ix_registration_requests_state"))
        batch_op.drop_index(batch_op.f("ix_registration_requests_province_code"))
    op.drop_table("registration_requests")
