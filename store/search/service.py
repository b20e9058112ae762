"""Search over the directives: the persisted index and the start-up step.

Start-up step ``ensure_index(services)`` loads the index from ``settings.index_dir`` when
its corpus fingerprint (document ids + content hashes + section count) matches the
database, and rebuilds it otherwise; ``refresh(services)`` is the same call, for use right
after an ingest. ``services.search`` is a :class:`SearchIndex` (ranking: store/search/rank.py).
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import os
import time
from pathlib import Path
from typing import Any, Iterator, Optional

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from store.search import persist as search_persist
from store.deps import StoreServices
from store.directives.naming import section_label
from store.models import Document, Section
from store.search.index import DocInfo, PassageIndex, SectionInput
# Re-exported: the search API lives here.
from store.search.rank import HOME_BOOST as HOME_BOOST, MIN_CONFIDENCE as MIN_CONFIDENCE
from store.search.rank import SearchIndex as SearchIndex, SearchResult as SearchResult

log = logging.getLogger(__name__)

INDEX_VERSION = "passages-v9"
INDEX_FILE = "passages.idx"  # JSON header + raw arrays, memory-mapped, no pickle (store/search/persist.py)


# -- building, persisting, loading --------------------------------------------------
def corpus_fingerprint(session: Session) -> str:
    """A hash of what the index depends on: document ids and content hashes, section count."""

    rows = session.execute(select(Document.id, Document.content_hash, Document.updated_at).order_by(Document.id)).all()
    n_sections = session.scalar(select(func.count()).select_from(Section)) or 0
    max_section = session.scalar(select(func.max(Section.id))) or 0
    h = hashlib.sha256(INDEX_VERSION.encode())
    for doc_id, content_hash, updated in rows:
        h.update(f"{doc_id}:{content_hash}:{updated.isoformat() if updated else ''};".encode())
    h.update(f"sections:{n_sections}:{max_section}".encode())
    return h.hexdigest()


def load_corpus(session: Session) -> tuple[list[DocInfo], Iterator[SectionInput]]:
    """Documents, and their sections as plain records streamed in document order (the build
    holds one document's sections at a time, not the whole corpus's text and ORM objects)."""

    docs = [DocInfo(d.id, d.kind or "", d.number, d.number_suffix, d.issuer or "", d.place or "",
                    d.province_code, d.issued_year, d.issued_month, d.issued_day, d.title or "",
                    d.signer, d.signer_title, d.content_hash or "", d.theme)
            for d in session.scalars(select(Document).order_by(Document.id))]
    return docs, _sections(session)


def _sections(session: Session) -> Iterator[SectionInput]:
    columns = (Section.id, Section.document_id, Section.parent_id, Section.path, Section.label, Section.heading,
               Section.text)
    rows = session.execute(select(*columns).order_by(Section.document_id, Section.ordinal)
                           .execution_options(yield_per=2000))
    for _, group in itertools.groupby(rows, key=lambda r: r.document_id):
        batch = list(group)
        by_id: dict[Optional[int], Any] = {r.id: r for r in batch}  # get(None): a top-level section
        for r in batch:
            yield SectionInput(r.id, r.document_id, section_label(r), r.heading or "", r.text or "", _ref(r, by_id))


def _ref(s: Any, by_id: dict[Optional[int], Any]) -> str:
    """A section's number plus its parents' headings: "I.2.1, thứ hai; Nội dung thi đua; …"."""
    parts, parent, seen = [s.path or s.label or ""], by_id.get(s.parent_id), set()
    while parent is not None and parent.id not in seen:
        seen.add(parent.id)
        parts.append(parent.heading or "")
        parent = by_id.get(parent.parent_id)
    return "; ".join(p for p in parts if p)


def build_index(session_factory: sessionmaker[Session]) -> SearchIndex:
    """Build a fresh index from the database."""
    started = time.perf_counter()
    with session_factory() as session:
        fingerprint = corpus_fingerprint(session)
        docs, sections = load_corpus(session)
        passages = PassageIndex().build(docs, sections)
    index = SearchIndex(passages, fingerprint)
    index.seconds = time.perf_counter() - started
    return index


def save_index(index: SearchIndex, directory: Path) -> Path:
    """Write the index atomically next to its fingerprint."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / INDEX_FILE
    tmp = path.with_suffix(f".{os.getpid()}.tmp")  # two processes may save at once
    search_persist.save(index.index, index.fingerprint, tmp)
    os.replace(tmp, path)
    return path


def load_index(directory: Path, fingerprint: str) -> Optional[SearchIndex]:
    """The persisted index when it matches ``fingerprint``; None when absent, stale or broken."""
    path = directory / INDEX_FILE
    if not path.exists():
        return None
    started = time.perf_counter()
    try:
        stored, passages = search_persist.load(path)
    except search_persist.IndexFileError as exc:
        log.warning("search index at %s unreadable (%s); rebuilding", path, exc)
        return None
    if stored != fingerprint:
        return None
    index = SearchIndex(passages, fingerprint)
    index.loaded_from_disk = True
    index.seconds = time.perf_counter() - started
    return index


def ensure_index(services: StoreServices) -> SearchIndex:
    """Start-up step: load the persisted index if the corpus is unchanged, else rebuild it."""
    directory = services.settings.index_dir
    with services.session_factory() as session:
        fingerprint = corpus_fingerprint(session)
    current = services.search
    if isinstance(current, SearchIndex) and current.fingerprint == fingerprint:
        return current
    index = load_index(directory, fingerprint)
    if index is None:
        index = build_index(services.session_factory)
        try:
            save_index(index, directory)
        except OSError:
            log.warning("search index could not be saved to %s; it will be rebuilt at next start",
                        directory, exc_info=True)
        log.info("search index built: %d passages in %.2fs", len(index.index.units), index.seconds)
    else:
        log.info("search index loaded: %d passages in %.2fs", len(index.index.units), index.seconds)
    services.search = index
    return index


def refresh(services: StoreServices) -> SearchIndex:
    """Call after an ingest: rebuilds (and persists) the index when the corpus changed."""
    return ensure_index(services)
