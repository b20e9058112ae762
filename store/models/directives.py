"""Directives (Chỉ thị, Kế hoạch, Phát động thi đua, …), their sections and campaigns."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Optional

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from store.db import Base


class Document(Base):
    """One ingested directive; number and day may be blank and are never invented."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_key: Mapped[str] = mapped_column(String(200), unique=True)  # file name: re-ingest updates
    content_hash: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(64))  # Chỉ thị, Kế hoạch, Phát động thi đua, ...
    number: Mapped[Optional[str]] = mapped_column(String(64))  # "02/CT-UBND"; None when blank
    number_suffix: Mapped[Optional[str]] = mapped_column(String(64))  # "/CT-UBND" when the number is blank
    issuer: Mapped[str] = mapped_column(String(300), default="")
    place: Mapped[str] = mapped_column(String(200), default="")
    province_code: Mapped[Optional[int]] = mapped_column(index=True)  # scope: the issuing province
    issued_year: Mapped[Optional[int]]
    issued_month: Mapped[Optional[int]]
    issued_day: Mapped[Optional[int]]
    title: Mapped[str] = mapped_column(Text, default="")
    theme: Mapped[Optional[str]] = mapped_column(Text)  # chủ đề: the quoted slogan the document launches
    signer: Mapped[Optional[str]] = mapped_column(String(200))
    signer_title: Mapped[Optional[str]] = mapped_column(String(200))
    recipients: Mapped[list[Any]] = mapped_column(default=list)
    body: Mapped[str] = mapped_column(Text, default="")
    ingested_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    sections: Mapped[list["Section"]] = relationship(
        back_populates="document", cascade="all, delete-orphan", order_by="Section.ordinal"
    )
    campaigns: Mapped[list["Campaign"]] = relationship(
        back_populates="document", cascade="all, delete-orphan"
    )
    duties: Mapped[list["ReportingDuty"]] = relationship(
        back_populates="document", cascade="all, delete-orphan"
    )

    @property
    def issued_date(self) -> Optional[date]:
        if self.issued_year and self.issued_month and self.issued_day:
            return date(self.issued_year, self.issued_month, self.issued_day)
        return None


class Section(Base):
    """A node of a document's section tree (I., 1., 2.1., a), "Thứ nhất", …) with its text."""

    __tablename__ = "sections"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[Optional[int]] = mapped_column(ForeignKey("sections.id", ondelete="CASCADE"), index=True)
    ordinal: Mapped[int]  # position in document order
    level: Mapped[int] = mapped_column(default=0)
    label: Mapped[str] = mapped_column(String(32), default="")  # "II", "1", "a", "Thứ nhất"
    path: Mapped[str] = mapped_column(String(100), default="")  # "II.1.a"
    heading: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text, default="")  # the section's own paragraphs

    document: Mapped[Document] = relationship(back_populates="sections")


class Campaign(Base):
    """A campaign (phong trào, cuộc vận động) named in quotes in a document, with its period."""

    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(64), default="phong trào")
    start_date: Mapped[Optional[date]]
    end_date: Mapped[Optional[date]]
    period_text: Mapped[Optional[str]] = mapped_column(String(100))  # "2021-2025", "năm 2020"

    document: Mapped[Document] = relationship(back_populates="campaigns")

    def is_current(self, on: date) -> bool:
        """True when ``on`` (today in Vietnam: store.clock.today) falls within the stated period."""
        return bool(self.start_date and self.end_date and self.start_date <= on <= self.end_date)


class ReportingDuty(Base):
    """A reporting obligation stated in the text ("báo cáo định kỳ 6 tháng, tổng kết năm")."""

    __tablename__ = "reporting_duties"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    frequencies: Mapped[list[Any]] = mapped_column(default=list)  # ["6 tháng", "năm"]

    document: Mapped[Document] = relationship(back_populates="duties")
