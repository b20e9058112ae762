"""Report forms, reporting periods and submitted reports."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from store.db import Base


class Form(Base):
    """One version of a YAML report form; reports keep the version they were filled in with."""

    __tablename__ = "forms"
    __table_args__ = (UniqueConstraint("form_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    form_id: Mapped[str] = mapped_column(String(100))
    version: Mapped[int]
    title: Mapped[str] = mapped_column(String(300))
    definition: Mapped[dict[str, Any]]
    content_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]


class Period(Base):
    """A reporting period: a form, a label, who must report, and open / due / close times."""

    __tablename__ = "periods"

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(200))  # "6 tháng đầu năm 2026"
    form_pk: Mapped[int] = mapped_column(ForeignKey("forms.id"))
    province_code: Mapped[Optional[int]] = mapped_column(ForeignKey("provinces.code"), index=True)
    open_at: Mapped[datetime]
    due_at: Mapped[datetime]
    close_at: Mapped[datetime]
    created_at: Mapped[datetime]
    created_by: Mapped[Optional[int]] = mapped_column(ForeignKey("officers.id", ondelete="SET NULL"))

    form: Mapped[Form] = relationship()
    units: Mapped[list["PeriodUnit"]] = relationship(cascade="all, delete-orphan")


class PeriodUnit(Base):
    """A commune that must report for a period (all communes of the province when it is set)."""

    __tablename__ = "period_units"

    period_id: Mapped[int] = mapped_column(ForeignKey("periods.id", ondelete="CASCADE"), primary_key=True)
    commune_code: Mapped[int] = mapped_column(ForeignKey("communes.code"), primary_key=True)


class Report(Base):
    """A commune's report for a period: one per commune and period; amendments add revisions."""

    __tablename__ = "reports"
    __table_args__ = (UniqueConstraint("period_id", "commune_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("periods.id"), index=True)
    commune_code: Mapped[int] = mapped_column(ForeignKey("communes.code"), index=True)
    form_pk: Mapped[int] = mapped_column(ForeignKey("forms.id"))
    revision: Mapped[int] = mapped_column(default=1)
    answers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    submitted_at: Mapped[datetime]  # first submission: on time / late is judged on it
    submitted_by: Mapped[Optional[int]] = mapped_column(ForeignKey("officers.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime]


class Draft(Base):
    """A report being filled in: one per period and commune, shared by the commune's officers.

    Answers are saved as each one is given, so a restart or a week away loses nothing.
    ``base_revision`` is set when the draft amends a submitted report (the revision it started from).
    """

    __tablename__ = "report_drafts"
    __table_args__ = (UniqueConstraint("period_id", "commune_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("periods.id", ondelete="CASCADE"))
    commune_code: Mapped[int] = mapped_column(ForeignKey("communes.code"), index=True)
    form_pk: Mapped[int] = mapped_column(ForeignKey("forms.id"))
    answers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    base_revision: Mapped[Optional[int]]
    started_by: Mapped[Optional[int]] = mapped_column(ForeignKey("officers.id", ondelete="SET NULL"))
    updated_by: Mapped[Optional[int]] = mapped_column(ForeignKey("officers.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ReportRevision(Base):
    """Every submitted version of a report, kept when it is amended."""

    __tablename__ = "report_revisions"
    __table_args__ = (UniqueConstraint("report_id", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"))
    revision: Mapped[int]
    form_pk: Mapped[int] = mapped_column(ForeignKey("forms.id"))
    answers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    submitted_at: Mapped[datetime]
    submitted_by: Mapped[Optional[int]] = mapped_column(ForeignKey("officers.id", ondelete="SET NULL"))


class ReportFile(Base):
    """A photo a commune sent for a report, downloaded and stored under the files directory."""

    __tablename__ = "report_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("periods.id", ondelete="CASCADE"), index=True)
    commune_code: Mapped[int] = mapped_column(ForeignKey("communes.code"))
    field_name: Mapped[str] = mapped_column(String(40))
    path: Mapped[str] = mapped_column(String(300))  # relative to settings.files_dir
    channel_file_id: Mapped[str] = mapped_column(String(200))
    mime_type: Mapped[Optional[str]] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(default=0)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by: Mapped[Optional[int]] = mapped_column(ForeignKey("officers.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
