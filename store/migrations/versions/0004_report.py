"""report drafts, revisions, files

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa
import store.db

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "report_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("commune_code", sa.Integer(), nullable=False),
        sa.Column("form_pk", sa.Integer(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("base_revision", sa.Integer(), nullable=True),
        sa.Column("started_by", sa.Integer(), nullable=True),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("created_at", store.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", store.db.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["commune_code"], ["communes.code"], name=op.f("fk_report_drafts_commune_code_communes")),
        sa.ForeignKeyConstraint(["form_pk"], ["forms.id"], name=op.f("fk_report_drafts_form_pk_forms")),
        sa.ForeignKeyConstraint(["period_id"], ["periods.id"], name=op.f("fk_report_drafts_period_id_periods"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["started_by"], ["officers.id"], name=op.f("fk_report_drafts_started_by_officers"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["updated_by"], ["officers.id"], name=op.f("fk_report_drafts_updated_by_officers"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_drafts")),
        sa.UniqueConstraint("period_id", "commune_code", name=op.f("uq_report_drafts_period_id_commune_code")),
    )
    with op.batch_alter_table("report_drafts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_drafts_commune_code"), ["commune_code"], unique=False)
    op.create_table(
        "report_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("form_pk", sa.Integer(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("submitted_at", store.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("submitted_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["form_pk"], ["forms.id"], name=op.f("fk_report_revisions_form_pk_forms")),
        sa.ForeignKeyConstraint(["report_id"], ["reports.id"], name=op.f("fk_report_revisions_report_id_reports"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["submitted_by"], ["officers.id"], name=op.f("fk_report_revisions_submitted_by_officers"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_revisions")),
        sa.UniqueConstraint("report_id", "revision", name=op.f("uq_report_revisions_report_id_revision")),
    )
    op.create_table(
        "report_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("commune_code", sa.Integer(), nullable=False),
        sa.Column("field_name", sa.String(length=40), nullable=False),
        sa.Column("path", sa.String(length=300), nullable=False),
        sa.Column("channel_file_id", sa.String(length=200), nullable=False),
        sa.Column("mime_type", sa.String(length=100), nullable=True),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by", sa.Integer(), nullable=True),
        sa.Column("created_at", store.db.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["commune_code"], ["communes.code"], name=op.f("fk_report_files_commune_code_communes")),
        sa.ForeignKeyConstraint(["period_id"], ["periods.id"], name=op.f("fk_report_files_period_id_periods"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["uploaded_by"], ["officers.id"], name=op.f("fk_report_files_uploaded_by_officers"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_files")),
    )
    with op.batch_alter_table("report_files", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_files_period_id"), ["period_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("report_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_files_period_id"))
    op.drop_table("report_files")
    op.drop_table("report_revisions")
    with op.batch_alter_table("report_drafts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_drafts_commune_code"))
    op.drop_table("report_drafts")
