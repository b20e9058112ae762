"""Đề nghị khen thưởng: nominations, their dossiers, every transition, and the decisions issued.

A nomination is the bloc's proposal of one commune for one title of one year. Its state moves
draft → sent → returned → sent … → approved / not approved, and every move is a
``NominationEvent`` row (who, when, from, to, why): the audit trail and the history at once.
The rows of a list the council cut stay: who was proposed and who was approved are both kept.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Optional

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from store.db import Base


class Nomination(Base):
    """One commune proposed for one title of one year; ``required`` is the dossier's checklist
    taken from the title catalogue when proposed ([{"code", "name"}]), so it never shifts under it."""

    __tablename__ = "award_nominations"
    __table_args__ = (UniqueConstraint("year", "commune_code", "title_code"),
                      Index("ix_award_nominations_province_year", "province_code", "year"))

    id: Mapped[int] = mapped_column(primary_key=True)
    province_code: Mapped[int] = mapped_column(ForeignKey("provinces.code"))
    year: Mapped[int]
    bloc_id: Mapped[Optional[int]] = mapped_column(ForeignKey("emulation_blocs.id", ondelete="SET NULL"), index=True)
    ranking_id: Mapped[Optional[int]] = mapped_column(ForeignKey("emulation_rankings.id", ondelete="SET NULL"))
    commune_code: Mapped[int] = mapped_column(ForeignKey("communes.code"), index=True)
    title_code: Mapped[str] = mapped_column(String(60))
    title_name: Mapped[str] = mapped_column(String(200))
    required: Mapped[list[Any]]
    hints: Mapped[list[Any]] = mapped_column(default=list)  # eligibility hints shown when proposed
    state: Mapped[str] = mapped_column(String(16), default="draft")  # a store.awards.dossier.State
    deadline: Mapped[Optional[date]]
    proposed_by: Mapped[Optional[int]] = mapped_column(ForeignKey("officers.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class NominationDocument(Base):
    """A file of a dossier (tờ trình, biên bản, báo cáo thành tích…), checked by bytes and hashed."""

    __tablename__ = "award_nomination_documents"
    __table_args__ = (Index("ix_award_nomination_documents_nom_code", "nomination_id", "doc_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("award_nominations.id", ondelete="CASCADE"))
    doc_code: Mapped[str] = mapped_column(String(60))
    path: Mapped[str] = mapped_column(String(300))  # relative to settings.files_dir
    channel_file_id: Mapped[str] = mapped_column(String(200), default="")
    mime_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by: Mapped[Optional[int]] = mapped_column(ForeignKey("officers.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]


class NominationEvent(Base):
    """One transition of a nomination: who, when, from, to, why (a return's reason, a vote)."""

    __tablename__ = "award_nomination_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("award_nominations.id", ondelete="CASCADE"), index=True)
    from_state: Mapped[str] = mapped_column(String(16))
    to_state: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text, default="")
    by_officer: Mapped[Optional[int]] = mapped_column(ForeignKey("officers.id", ondelete="SET NULL"))
    at: Mapped[datetime]


class AwardDecision(Base):
    """The decision that awarded an approved nomination: number, date, level, title."""

    __tablename__ = "award_decisions"
    __table_args__ = (UniqueConstraint("nomination_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("award_nominations.id", ondelete="CASCADE"))
    number: Mapped[str] = mapped_column(String(60))  # "125/QĐ-UBND"
    signed_on: Mapped[date]
    level: Mapped[str] = mapped_column(String(100))  # "UBND tỉnh"
    title_name: Mapped[str] = mapped_column(String(200))
    recorded_by: Mapped[Optional[int]] = mapped_column(ForeignKey("officers.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime]
