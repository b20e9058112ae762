"""The start of the emulation year (issue 16): the title catalogue, registrations, the bloc's pledge.

Nothing is overwritten: a changed catalogue is a new version, every amendment of a registration
and every re-upload of a pledge is a new row with the next ``version``; the latest row is in force.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from store.db import Base


class TitleCatalogue(Base):
    """One version of a province's title catalogue for a year (checked YAML stored as JSON)."""

    __tablename__ = "emulation_title_catalogues"
    __table_args__ = (UniqueConstraint("province_code", "year", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    province_code: Mapped[int] = mapped_column(ForeignKey("provinces.code"), index=True)
    year: Mapped[int]
    version: Mapped[int]
    title: Mapped[str] = mapped_column(String(300))
    definition: Mapped[dict[str, Any]]
    content_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]


class RegistrationRound(Base):
    """The province's registration deadline for a year (đăng ký thi đua); one per province and year."""

    __tablename__ = "emulation_registration_rounds"
    __table_args__ = (UniqueConstraint("province_code", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    province_code: Mapped[int] = mapped_column(ForeignKey("provinces.code"))
    year: Mapped[int]
    due_at: Mapped[datetime]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Registration(Base):
    """One version of a commune's đăng ký thi đua for a year: titles, targets, the signed page.

    ``titles`` is a list of catalogue codes; ``targets`` a list of {"name", "value", "unit"}
    (value as exact text, e.g. "1250" or "12.5").
    """

    __tablename__ = "emulation_registrations"
    __table_args__ = (UniqueConstraint("commune_code", "year", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    province_code: Mapped[int] = mapped_column(ForeignKey("provinces.code"), index=True)
    year: Mapped[int]
    commune_code: Mapped[int] = mapped_column(ForeignKey("communes.code"))
    version: Mapped[int]
    catalogue_version: Mapped[int]
    titles: Mapped[list[Any]]
    targets: Mapped[list[Any]]
    path: Mapped[str] = mapped_column(String(300))  # the signed page, relative to settings.files_dir
    channel_file_id: Mapped[str] = mapped_column(String(200), default="")
    mime_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    submitted_at: Mapped[datetime]
    submitted_by: Mapped[Optional[int]] = mapped_column(ForeignKey("officers.id", ondelete="SET NULL"))


class BlocPledge(Base):
    """One version of a bloc's signed giao ước thi đua (uploaded by the leader)."""

    __tablename__ = "emulation_bloc_pledges"
    __table_args__ = (UniqueConstraint("bloc_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bloc_id: Mapped[int] = mapped_column(ForeignKey("emulation_blocs.id", ondelete="CASCADE"))
    version: Mapped[int]
    path: Mapped[str] = mapped_column(String(300))
    channel_file_id: Mapped[str] = mapped_column(String(200), default="")
    mime_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by: Mapped[Optional[int]] = mapped_column(ForeignKey("officers.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
