"""Directive files in, Unicode text out: one small reader per format, chosen by content.

Every reader returns the markdown-ish text the directive parser already reads from .txt
files (blank line between paragraphs, ``#`` headings, ``**bold**``, tab between table
cells), so DOCX, PDF and scanned PDF go through the very same parser. The format is told
from the file's first bytes (magic) before its extension: a PDF renamed .txt is still a PDF.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Callable, Optional

from store.directives.text import DirectiveParseError
from store.directives.legacy_text import ENCODING_NAMES, ensure_readable, to_unicode
from store.directives.readers import docx, pdf, text

__all__ = ["ReadResult", "read_document", "SUFFIXES", "format_of", "DirectiveParseError"]


@dataclass
class ReadResult:
    text: str
    format: str  # "txt", "docx", "pdf", "pdf-ocr"
    notes: list[str] = field(default_factory=list)  # Vietnamese, for the user: "chuyển từ mã TCVN3"


Reader = Callable[[bytes], tuple[str, str]]  # raw -> (text, format)

# (format, magic prefix or None, suffixes, reader)
_READERS: list[tuple[str, Optional[bytes], tuple[str, ...], Reader]] = [
    ("pdf", b"%PDF-", (".pdf",), pdf.read),
    ("docx", b"PK\x03\x04", (".docx",), docx.read),
    ("txt", None, (".txt", ".md"), text.read),
]
SUFFIXES = tuple(s for _, _, suffixes, _ in _READERS for s in suffixes)


def format_of(name: str, raw: bytes) -> Optional[str]:
    """The reader's format for these bytes: magic bytes first, then the file name's suffix."""
    for fmt, magic, _, _ in _READERS:
        if magic is not None and raw.startswith(magic):
            return fmt
    suffix = PurePath(name).suffix.lower()
    for fmt, magic, suffixes, _ in _READERS:
        if suffix in suffixes and magic is None:
            return fmt
    if suffix in (".doc", ".rtf", ".odt"):
        return None
    return "txt" if suffix in ("", ".text") else None


def read_document(name: str, raw: bytes) -> ReadResult:
    """Text of a directive file; DirectiveParseError (Vietnamese) when it cannot be read."""
    fmt = format_of(name, raw)
    if fmt is None:
        suffix = PurePath(name).suffix.lower() or "(không có đuôi)"
        raise DirectiveParseError(
            f"định dạng {suffix} chưa hỗ trợ; hãy gửi tệp .docx, .pdf hoặc .txt (unsupported format)")
    reader = next(r for f, _, _, r in _READERS if f == fmt)
    try:
        extracted, fmt = reader(raw)
    except DirectiveParseError:
        raise
    except Exception as exc:  # a damaged file trips the format libraries in many ways
        raise DirectiveParseError(f"tệp {fmt.upper()} hỏng, không đọc được ({type(exc).__name__})") from None
    converted = to_unicode(extracted)
    notes = []
    if converted.encoding:
        notes.append(f"đã chuyển từ bảng mã {ENCODING_NAMES.get(converted.encoding, converted.encoding)} sang Unicode")
    if fmt == "pdf-ocr":
        notes.append("bản quét, đã nhận dạng chữ (OCR) — nên kiểm tra lại")
    clean = text.normalise(converted.text)
    ensure_readable(clean, converted.encoding)
    return ReadResult(clean, fmt, notes)
