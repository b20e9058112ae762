"""The emulation year: blocs, criteria tables, scoring periods, sheets, reviews and rankings.

Nothing here is overwritten once it matters: a commune's submitted self-scores stay on its
sheet, every change the bloc makes is a new ``ScoreChange`` row (who, when, from, to, why),
explanations and their decisions are rows of their own, and each closed review is a new
ranking revision.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Optional

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from store.db import Base


class Bloc(Base):
    """A khối thi đua of one province for one year, with its leading and deputy communes."""

    __tablename__ = "emulation_blocs"
    __table_args__ = (UniqueConstraint("province_code", "year", "folded"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    province_code: Mapped[int] = mapped_column(ForeignKey("provinces.code"), index=True)
    year: Mapped[int]
    name: Mapped[str] = mapped_column(String(200))  # "Khối thi đua số 1"
    folded: Mapped[str] = mapped_column(String(200))  # "khoi thi dua so 1": names match without marks
    leader_code: Mapped[Optional[int]] = mapped_column(ForeignKey("communes.code"), index=True)
    deputy_code: Mapped[Optional[int]] = mapped_column(ForeignKey("communes.code"))
    created_at: Mapped[datetime]


class BlocMember(Base):
    """A commune in a bloc from ``start`` (inclusive) until ``end`` (exclusive; None: the year's end)."""

    __tablename__ = "emulation_bloc_members"
    __table_args__ = (Index("ix_emulation_bloc_members_commune_start", "commune_code", "start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bloc_id: Mapped[int] = mapped_column(ForeignKey("emulation_blocs.id", ondelete="CASCADE"), index=True)
    commune_code: Mapped[int] = mapped_column(ForeignKey("communes.code"))
    start: Mapped[date]
    end: Mapped[Optional[date]]
    created_at: Mapped[datetime]


class CriteriaTable(Base):
    """One version of a bảng tiêu chí; once published it never changes (a change is a new version)."""

    __tablename__ = "emulation_tables"
    __table_args__ = (UniqueConstraint("table_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    table_id: Mapped[str] = mapped_column(String(100), index=True)  # "khoi-xa-lai-chau"
    version: Mapped[int]
    title: Mapped[str] = mapped_column(String(300))
    legal_basis: Mapped[str] = mapped_column(String(300), default="")
    definition: Mapped[dict[str, Any]]
    content_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    published_at: Mapped[Optional[datetime]]
    published_by: Mapped[Optional[int]] = mapped_column(ForeignKey("officers.id", ondelete="SET NULL"))


class ScoringPeriod(Base):
    """A scoring round of a province's blocs: which table, open / due / close, and the bloc date.

    ``as_of`` decides bloc membership for the round: a commune moved on 1/7 belongs to its old
    bloc for a round as of 30/6 and to its new bloc for a round as of 31/12.
    """

    __tablename__ = "emulation_periods"

    id: Mapped[int] = mapped_column(primary_key=True)
    province_code: Mapped[int] = mapped_column(ForeignKey("provinces.code"), index=True)
    year: Mapped[int]
    label: Mapped[str] = mapped_column(String(200))  # "Chấm điểm thi đua năm 2026"
    table_id: Mapped[str] = mapped_column(String(100))
    as_of: Mapped[date]
    open_at: Mapped[datetime]
    due_at: Mapped[datetime]
    close_at: Mapped[datetime]
    explain_days: Mapped[int] = mapped_column(default=5)
    created_at: Mapped[datetime]
    created_by: Mapped[Optional[int]] = mapped_column(ForeignKey("officers.id", ondelete="SET NULL"))


class Sheet(Base):
    """A commune's score sheet for a period: draft answers saved per step, then submitted once.

    ``answers`` maps a criterion code to {"value", "score", "note"} (numbers as text, exact).
    ``position`` is the criterion the dialog stands on, so a restart resumes there.
    """

    __tablename__ = "emulation_sheets"
    __table_args__ = (UniqueConstraint("period_id", "commune_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("emulation_periods.id", ondelete="CASCADE"))
    commune_code: Mapped[int] = mapped_column(ForeignKey("communes.code"), index=True)
    table_pk: Mapped[int] = mapped_column(ForeignKey("emulation_tables.id"))
    state: Mapped[str] = mapped_column(String(16), default="draft")  # a store.emulation.sheets.SheetState
    answers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    position: Mapped[Optional[str]] = mapped_column(String(20))
    started_by: Mapped[Optional[int]] = mapped_column(ForeignKey("officers.id", ondelete="SET NULL"))
    updated_by: Mapped[Optional[int]] = mapped_column(ForeignKey("officers.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    submitted_at: Mapped[Optional[datetime]]
    submitted_by: Mapped[Optional[int]] = mapped_column(ForeignKey("officers.id", ondelete="SET NULL"))
    days_late: Mapped[int] = mapped_column(default=0)


class Evidence(Base):
    """A file proving a criterion (minh chứng) or backing an explanation, checked by bytes and hashed."""

    __tablename__ = "emulation_evidence"
    __table_args__ = (Index("ix_emulation_evidence_sheet_code", "sheet_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("emulation_sheets.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(20))
    explanation_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("emulation_explanations.id", ondelete="CASCADE"), index=True)
    path: Mapped[str] = mapped_column(String(300))  # relative to settings.files_dir
    channel_file_id: Mapped[str] = mapped_column(String(200), default="")
    mime_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by: Mapped[Optional[int]] = mapped_column(ForeignKey("officers.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]


class ScoreChange(Base):
    """One change of a criterion's score after submission; the audit trail and the history at once.

    ``kind``: review (the bloc changed it), accepted (an explanation accepted: restored or set),
    kept (an explanation refused: the bloc's score stays and the criterion is disputed).
    """

    __tablename__ = "emulation_score_changes"
    __table_args__ = (Index("ix_emulation_score_changes_sheet_code", "sheet_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("emulation_sheets.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(16))
    from_score: Mapped[str] = mapped_column(String(20))
    to_score: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text)
    # The explanation a decision answers (accepted / kept). No foreign key: explanations point at
    # the review change they answer, and a cycle of keys would make inserts order-dependent.
    explanation_id: Mapped[Optional[int]]
    by_officer: Mapped[Optional[int]] = mapped_column(ForeignKey("officers.id", ondelete="SET NULL"))
    at: Mapped[datetime]


class Explanation(Base):
    """A commune's giải trình against one review change (text; files are Evidence rows)."""

    __tablename__ = "emulation_explanations"
    __table_args__ = (UniqueConstraint("change_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("emulation_sheets.id", ondelete="CASCADE"), index=True)
    change_id: Mapped[int] = mapped_column(ForeignKey("emulation_score_changes.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    by_officer: Mapped[Optional[int]] = mapped_column(ForeignKey("officers.id", ondelete="SET NULL"))
    at: Mapped[datetime]


class Ranking(Base):
    """A bloc's ranking for a period, computed when the review closes; each close is a new revision.

    ``rows`` is the computed table (places, totals, marks). Published rankings are locked; the
    province may reopen one with a reason (``reopened_*``), and the next close adds a revision.
    """

    __tablename__ = "emulation_rankings"
    __table_args__ = (UniqueConstraint("period_id", "bloc_id", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("emulation_periods.id", ondelete="CASCADE"))
    bloc_id: Mapped[int] = mapped_column(ForeignKey("emulation_blocs.id", ondelete="CASCADE"), index=True)
    revision: Mapped[int]
    rows: Mapped[list[Any]]
    closed_at: Mapped[datetime]
    closed_by: Mapped[Optional[int]] = mapped_column(ForeignKey("officers.id", ondelete="SET NULL"))
    published_at: Mapped[Optional[datetime]]
    published_by: Mapped[Optional[int]] = mapped_column(ForeignKey("officers.id", ondelete="SET NULL"))
    reopened_at: Mapped[Optional[datetime]]
    reopened_by: Mapped[Optional[int]] = mapped_column(ForeignKey("officers.id", ondelete="SET NULL"))
    reopen_reason: Mapped[Optional[str]] = mapped_column(Text)
