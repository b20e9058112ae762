"""đề nghị khen thưởng: nominations, dossier documents, their transitions, award decisions

Revision ID: 0025
Revises: 0024
"""
from alembic import op
import sqlalchemy as sa
import store.db

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def _officer(name: str) -> "sa.Column[int]":
    return sa.Column(name, sa.Integer(), sa.ForeignKey("officers.id", ondelete="SET NULL"), nullable=True)


def upgrade() -> None:
    op.create_table(
        "award_nominations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("province_code", sa.Integer(), sa.ForeignKey("provinces.code"), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("bloc_id", sa.Integer(), sa.ForeignKey("emulation_blocs.id", ondelete="SET NULL"), nullable=True),
        sa.Column("ranking_id", sa.Integer(), sa.ForeignKey("emulation_rankings.id", ondelete="SET NULL"),
                  nullable=True),
        sa.Column("commune_code", sa.Integer(), sa.ForeignKey("communes.code"), nullable=False),
        sa.Column("title_code", sa.String(60), nullable=False),
        sa.Column("title_name", sa.String(200), nullable=False),
        sa.Column("required", sa.JSON(), nullable=False),
        sa.Column("hints", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        _officer("proposed_by"),
        sa.Column("created_at", store.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", store.db.UtcDateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("year", "commune_code", "title_code"),
    )
    op.create_index("ix_award_nominations_province_year", "award_nominations", ["province_code", "year"])
    op.create_index("ix_award_nominations_bloc_id", "award_nominations", ["bloc_id"])
    op.create_index("ix_award_nominations_commune_code", "award_nominations", ["commune_code"])
    op.create_table(
        "award_nomination_documents",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("nomination_id", sa.Integer(), sa.ForeignKey("award_nominations.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("doc_code", sa.String(60), nullable=False),
        sa.Column("path", sa.String(300), nullable=False),
        sa.Column("channel_file_id", sa.String(200), nullable=False),
        sa.Column("mime_type", sa.String(100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        _officer("uploaded_by"),
        sa.Column("created_at", store.db.UtcDateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_award_nomination_documents_nom_code", "award_nomination_documents",
                    ["nomination_id", "doc_code"])
    op.create_table(
        "award_nomination_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("nomination_id", sa.Integer(), sa.ForeignKey("award_nominations.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("from_state", sa.String(16), nullable=False),
        sa.Column("to_state", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        _officer("by_officer"),
        sa.Column("at", store.db.UtcDateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_award_nomination_events_nomination_id", "award_nomination_events", ["nomination_id"])
    op.create_table(
        "award_decisions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("nomination_id", sa.Integer(), sa.ForeignKey("award_nominations.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("number", sa.String(60), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=False),
        sa.Column("level", sa.String(100), nullable=False),
        sa.Column("title_name", sa.String(200), nullable=False),
        _officer("recorded_by"),
        sa.Column("recorded_at", store.db.UtcDateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("nomination_id"),
    )


def downgrade() -> None:
    op.drop_table("award_decisions")
    op.drop_index("ix_award_nomination_events_nomination_id", "award_nomination_events")
    op.drop_table("award_nomination_events")
    op.drop_index("ix_award_nomination_documents_nom_code", "award_nomination_documents")
    op.drop_table("award_nomination_documents")
    op.drop_index("ix_award_nominations_commune_code", "award_nominations")
    op.drop_index("ix_award_nominations_bloc_id", "award_nominations")
    op.drop_index("ix_award_nominations_province_year", "award_nominations")
    op.drop_table("award_nominations")
