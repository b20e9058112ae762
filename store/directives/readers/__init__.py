"""Directive files in, Unicode text out: one small reader per format, chosen by content.

Every reader returns the markdown-ish text the directive parser already reads from .txt
files (blank line between paragraphs, ``#`` headings, ``**bold**``, tab between table
cells), so DOCX, PDF and scanned PDF go through the very same parser. The format is told
from the file's first bytes (magic) before its extension: a PDF renamed .txt is still a PDF.
"""

from __future__ import annotations

import asyncio
import logging

from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Callable, Optional

from store.directives.text import DirectiveParseError
from store.directives.legacy_text import ENCODING_NAMES, ensure_readable, to_unicode
from store.directives.readers import docx, pdf, text
from store.directives.readers.isolated import run_isolated, run_isolated_async
from store.directives.readers.limits import TooComplex, check_archive, check_size

__all__ = ["ReadResult", "read_document", "read_document_async", "read_here", "SUFFIXES", "format_of", "DirectiveParseError", "TooComplex"]
WORKER = "store.directives.readers.worker"


@dataclass
class ReadResult:
    text: str
    format: str  # "txt", "docx", "pdf", "pdf-ocr"
    notes: list[str] = field(default_factory=list)  # Vietnamese, for the user: "chuyển từ mã TCVN3"


Reader = Callable[[bytes], tuple[str, str]]  # raw -> (text, format)

log = logging.getLogger(__name__)

# (format, magic prefix or None, suffixes, reader)
_READERS: list[tuple[str, Optional[bytes], tuple[str, ...], Reader]] = [
    ("pdf", b"%PDF-", (".pdf",), pdf.read),
    ("docx", b"PK\x03\x04", (".docx",), docx.read),
    ("txt", None, (".txt", ".md"), text.read),
]
SUFFIXES = tuple(s for _, _, suffixes, _ in _READERS for s in suffixes)


# Formats a user may send by mistake whose bytes look like ours (an .ods or .xlsx is a zip, like a .docx).
UNSUPPORTED_SUFFIXES = frozenset({".doc", ".rtf", ".odt", ".ods", ".odp", ".xls", ".xlsx", ".ppt", ".pptx",
                                  ".zip", ".rar", ".7z"})


def format_of(name: str, raw: bytes) -> Optional[str]:
    """The reader's format for these bytes: magic bytes first, then the file name's suffix."""
    if PurePath(name).suffix.lower() in UNSUPPORTED_SUFFIXES:
        return None
    for fmt, magic, _, _ in _READERS:
        if magic is not None and raw.startswith(magic):
            return fmt
    suffix = PurePath(name).suffix.lower()
    for fmt, magic, suffixes, _ in _READERS:
        if suffix in suffixes and magic is None:
            return fmt
    return "txt" if suffix in ("", ".text") else None


def read_document(name: str, raw: bytes) -> ReadResult:
    """Text of a directive file; DirectiveParseError (Vietnamese) when it cannot be read,
    TooComplex (one of them) when it is too large or complex. Blocking: for the command line
    and threads; the bot uses ``read_document_async``. DOCX and PDF are parsed in a limited
    worker process (``isolated``); plain text, decoded in bounded time from at most
    MAX_FILE_BYTES, is read here."""
    if _isolate(name, raw):
        return _result(run_isolated(WORKER, [name], raw))
    return read_here(name, raw)


async def read_document_async(name: str, raw: bytes) -> ReadResult:
    """``read_document`` without blocking the event loop; cancelling it stops the worker."""
    if _isolate(name, raw):
        return _result(await run_isolated_async(WORKER, [name], raw))
    return await asyncio.to_thread(read_here, name, raw)


def _isolate(name: str, raw: bytes) -> bool:
    """Checks before anything opens the file; True for the formats read in the worker."""
    check_size(raw)
    fmt = format_of(name, raw)
    if fmt == "docx":
        check_archive(raw)  # a zip bomb is refused before anything unpacks it
    return fmt in ("docx", "pdf")


def _result(answer: dict[str, object]) -> ReadResult:
    notes = answer["notes"]
    return ReadResult(str(answer["text"]), str(answer["format"]), [str(n) for n in notes] if isinstance(notes, list) else [])


def read_here(name: str, raw: bytes) -> ReadResult:
    """``read_document`` in this process, without its limits and checks: for the worker only."""
    fmt = format_of(name, raw)
    if fmt is None:
        suffix = PurePath(name).suffix.lower() or "(không có đuôi)"
        raise DirectiveParseError(
            f"định dạng {suffix} chưa hỗ trợ; hãy gửi tệp .docx, .pdf hoặc .txt")
    reader = next(r for f, _, _, r in _READERS if f == fmt)
    try:
        extracted, fmt = reader(raw)
    except DirectiveParseError:
        raise
    except MemoryError:
        raise TooComplex("quá bộ nhớ cho phép") from None
    except Exception as exc:  # a damaged file trips the format libraries in many ways
        log.info("cannot read %s as %s: %s", name, fmt, type(exc).__name__)  # the class name is for the log only
        raise DirectiveParseError(f"tệp {fmt.upper()} hỏng, không đọc được") from None
    converted = to_unicode(extracted)
    notes = []
    if converted.encoding:
        notes.append(f"đã chuyển từ bảng mã {ENCODING_NAMES.get(converted.encoding, converted.encoding)} sang Unicode")
    if fmt == "pdf-ocr":
        notes.append("bản quét, đã nhận dạng chữ (OCR) — nên kiểm tra lại")
    clean = text.normalise(converted.text)
    ensure_readable(clean, converted.encoding)
    return ReadResult(clean, fmt, notes)
