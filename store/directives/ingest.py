"""Loads directive files into the database: parse, then insert or update by file name.

Re-ingesting a file updates its document (same ``source_key``), never duplicates it; a file
whose bytes (and parser version) are unchanged is skipped without parsing.
"""

from __future__ import annotations

import hashlib
import logging
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Optional, Union

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker
from tqdm import tqdm

from store.clock import Clock
from store.db import transaction
from store.directives.parser import DirectiveParseError, ParsedDocument, parse_bytes
from store.models import Campaign, Document, ReportingDuty, Section
from store.directives.readers import SUFFIXES

if TYPE_CHECKING:
    from store.deps import StoreServices

log = logging.getLogger(__name__)

# Bump when the parser's output changes so unchanged files are parsed again once.
PARSER_VERSION = "1"
BATCH = 50
SKIP_NAMES = {"readme.md", "readme.txt"}


@dataclass
class IngestResult:
    loaded: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)  # (path, message)

    @property
    def summary_vi(self) -> str:
        return (f"Đã nạp {self.loaded} văn bản mới, cập nhật {self.updated}, không đổi {self.unchanged}, "
                f"lỗi {len(self.errors)}.")


def expand_paths(paths: Iterable[Union[str, Path]]) -> list[Path]:
    """Files as given, and the readable files under directories (README skipped), sorted."""
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            out.extend(sorted(p for p in path.rglob("*")
                              if p.is_file() and p.suffix.lower() in SUFFIXES and p.name.lower() not in SKIP_NAMES))
        else:
            out.append(path)
    return out


def content_hash(raw: bytes) -> str:
    return hashlib.sha256(PARSER_VERSION.encode() + b"\0" + raw).hexdigest()


def _apply(doc: Document, parsed: ParsedDocument) -> None:
    """Copy parsed metadata onto a Document row."""
    for name in ("kind", "number", "number_suffix", "issuer", "place", "province_code", "issued_year",
                 "issued_month", "issued_day", "title", "theme", "signer", "signer_title", "body"):
        setattr(doc, name, getattr(parsed, name))
    doc.recipients = list(parsed.recipients)


def _store_children(session: Session, doc: Document, parsed: ParsedDocument) -> None:
    """Sections (two flushes: rows first, then parent links), campaigns and duties."""
    rows = [Section(ordinal=i, level=s.level, label=s.label[:32], path=s.path[:100], heading=s.heading,
                    text=s.text) for i, s in enumerate(parsed.sections)]
    doc.sections.extend(rows)
    doc.campaigns.extend(Campaign(name=c.name, kind=c.kind, start_date=c.start_date, end_date=c.end_date,
                                  period_text=c.period_text) for c in parsed.campaigns)
    doc.duties.extend(ReportingDuty(text=d.text, frequencies=list(d.frequencies)) for d in parsed.duties)
    session.flush()
    for row, sec in zip(rows, parsed.sections):
        if sec.parent is not None:
            row.parent_id = rows[sec.parent].id


def ingest_one(session: Session, source_key: str, raw: bytes, clock: Clock, *,
               parsed: Optional[ParsedDocument] = None, province_code: Optional[int] = None) -> str:
    """Insert or update one document; returns "loaded", "updated" or "unchanged".

    The file name (``source_key``) is the document's identity; its format is told from the
    bytes. ``parsed`` skips parsing again (a chat upload already parsed it for the preview);
    ``province_code`` scopes the document to the uploader's province."""
    digest = content_hash(raw)
    known = session.execute(select(Document.id, Document.content_hash)
                            .where(Document.source_key == source_key)).first()
    if known is not None and known.content_hash == digest:
        return "unchanged"  # the start-up path: one small query, no parsing
    existing = session.get(Document, known.id) if known is not None else None
    if parsed is None:
        parsed = parse_bytes(raw, source_key)
    if province_code is not None:
        parsed.province_code = province_code
    now = clock.now()
    if existing is None:
        doc = Document(source_key=source_key, content_hash=digest, ingested_at=now, updated_at=now)
        _apply(doc, parsed)
        session.add(doc)
        _store_children(session, doc, parsed)
        return "loaded"
    # Bulk deletes: sections cascade to their children in the database itself, which the ORM's
    # row-by-row delete-orphan would trip over.
    for model in (Section, Campaign, ReportingDuty):
        session.execute(delete(model).where(model.document_id == existing.id))
    session.expire(existing, ["sections", "campaigns", "duties"])
    existing.content_hash, existing.updated_at = digest, now
    _apply(existing, parsed)
    _store_children(session, existing, parsed)
    return "updated"


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise DirectiveParseError("không tìm thấy tệp") from None
    except IsADirectoryError:
        raise DirectiveParseError("là thư mục, không phải tệp") from None
    except OSError:
        raise DirectiveParseError("không đọc được tệp (không có quyền đọc hoặc lỗi đĩa)") from None


def ingest_paths(session_factory: sessionmaker[Session], paths: Iterable[Union[str, Path]], clock: Clock,
                 progress: bool = False) -> IngestResult:
    """Ingest files and directories; each file in its own savepoint, so one bad file spoils nothing.

    Files are committed in batches (one commit, hence one disk sync, per BATCH files).
    """
    result = IngestResult()
    files = expand_paths(paths)
    bar = tqdm(total=len(files), desc="Nạp văn bản", unit="tệp", file=sys.stderr,
               disable=not progress or len(files) < 2 or not sys.stderr.isatty())
    with bar:
        for start in range(0, len(files), BATCH):
            with transaction(session_factory) as session:
                for path in files[start:start + BATCH]:
                    outcome = _ingest_file(session, path, clock, result)
                    if outcome:
                        setattr(result, outcome, getattr(result, outcome) + 1)
                    bar.update(1)
    return result


def _ingest_file(session: Session, path: Path, clock: Clock, result: IngestResult) -> Optional[str]:
    try:
        raw = _read(path)
        with session.begin_nested():
            return ingest_one(session, path.name, raw, clock)
    except DirectiveParseError as exc:
        log.info("cannot ingest %s: %s", path, exc)  # the caller reports result.errors to the user
        result.errors.append((str(path), str(exc)))
    except Exception as exc:  # a parser bug on one file must not stop the others
        log.exception("failed to ingest %s", path)
        result.errors.append((str(path), f"lỗi khi xử lý ({type(exc).__name__})"))
    return None


def load_samples(services: "StoreServices") -> None:
    """Start-up step: load the bundled sample directives (fast no-op when unchanged)."""
    settings = services.settings
    if not settings.load_samples:
        return
    folder = Path(settings.sample_dir) / "directives"
    if not folder.is_dir():
        log.warning("sample directives folder missing: %s", folder)
        return
    result = ingest_paths(services.session_factory, [folder], services.clock)
    for path, message in result.errors:
        log.error("sample directive %s not loaded: %s", path, message)
    if result.loaded or result.updated:
        log.info("sample directives: %s", result.summary_vi)
