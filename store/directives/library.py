"""Directives as stored: the queries the chat features need (lists, sections, campaigns, duties).

The parser and its helpers stay free of the database; this module reads what ingest stored.
"""

from __future__ import annotations

from typing import Optional

from sqlalchemy import select
from sqlalchemy.orm import Session, load_only

from store.models import Campaign, Document, ReportingDuty, Section

# The columns a document list needs (not the full text): /vanban and /phongtrao.
DOC_COLUMNS = (Document.id, Document.kind, Document.number, Document.number_suffix, Document.issuer,
               Document.place, Document.province_code, Document.issued_year, Document.issued_month,
               Document.issued_day, Document.title)


def documents_listed(session: Session) -> list[Document]:
    """Every document, with only the columns a list shows."""
    return list(session.scalars(select(Document).options(load_only(*DOC_COLUMNS))))


def document_by_key(session: Session, source_key: str) -> Optional[Document]:
    return session.scalar(select(Document).where(Document.source_key == source_key))


def stored_document(session: Session, source_key: str) -> Document:
    """The document stored under this name (raises when there is none)."""
    return session.scalars(select(Document).where(Document.source_key == source_key)).one()


def top_sections(session: Session, document_id: int) -> list[Section]:
    return list(session.scalars(select(Section).where(Section.document_id == document_id, Section.parent_id.is_(None))
                                .order_by(Section.ordinal)))


def child_sections(session: Session, section_id: int) -> list[Section]:
    return list(session.scalars(select(Section).where(Section.parent_id == section_id).order_by(Section.ordinal)))


def document_sections(session: Session, document_id: int) -> list[Section]:
    return list(session.scalars(select(Section).where(Section.document_id == document_id).order_by(Section.ordinal)))


def campaigns_with_documents(session: Session) -> list[tuple[Campaign, Document]]:
    """Every campaign with its document (list columns only), in load order."""
    rows = session.execute(select(Campaign, Document).join(Document, Campaign.document_id == Document.id)
                           .options(load_only(*DOC_COLUMNS)).order_by(Campaign.id)).all()
    return [(campaign, document) for campaign, document in rows]


def document_campaigns(session: Session, document_id: int) -> list[Campaign]:
    return list(session.scalars(select(Campaign).where(Campaign.document_id == document_id).order_by(Campaign.id)))


def document_duties(session: Session, document_id: int) -> list[ReportingDuty]:
    return list(session.scalars(select(ReportingDuty).where(ReportingDuty.document_id == document_id)
                                .order_by(ReportingDuty.id)))
