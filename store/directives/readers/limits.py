"""What one file may cost before the readers refuse it: checks done before a format library
opens the file, so a zip bomb or a huge page is refused instead of exhausting the process.

The worker subprocess (``store.directives.readers.isolated``) is the backstop (memory, CPU and wall-clock
limits); these checks give the common bombs a clear, fast answer without even spending it.
"""

from __future__ import annotations

import io
import zipfile

from store.directives.text import DirectiveParseError

MAX_FILE_BYTES = 20 * 1024 * 1024  # Telegram's download limit for bots; Zalo's is lower
# Archives (DOCX, XLSX are zips): what the members unpack to, checked from the central directory.
MAX_UNPACKED_BYTES = 64 * 1024 * 1024
MAX_MEMBERS = 2_000
MAX_RATIO = 100  # unpacked / packed, for members over RATIO_FROM bytes (XML text packs ~10-20×)
RATIO_FROM = 1024 * 1024
# PDF pages: A0 is 2,384 × 3,370 pt; a side beyond this is no paper an office prints.
MAX_PAGE_POINTS = 3_600.0
MAX_RENDER_PIXELS = 40_000_000  # a page image for OCR; larger pages render at a lower scale

TOO_COMPLEX = "tệp quá lớn hoặc quá phức tạp"


class TooComplex(DirectiveParseError):
    """A file refused for its size or complexity; the message is Vietnamese and says why."""

    def __init__(self, why: str) -> None:
        super().__init__(f"{TOO_COMPLEX} ({why})")
        self.why = why


def check_size(raw: bytes) -> None:
    if len(raw) > MAX_FILE_BYTES:
        raise TooComplex(f"{len(raw) // (1024 * 1024)} MB, tối đa {MAX_FILE_BYTES // (1024 * 1024)} MB")


def check_archive(raw: bytes) -> None:
    """Refuse a zip whose members unpack too large, too many or too compressed (a zip bomb).
    A file that is not a zip at all is left to its reader, which names it damaged."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError):
        return
    if len(members) > MAX_MEMBERS:
        raise TooComplex(f"{len(members)} tệp con trong gói, tối đa {MAX_MEMBERS}")
    unpacked = sum(m.file_size for m in members)
    if unpacked > MAX_UNPACKED_BYTES:
        raise TooComplex(f"giải nén ra {unpacked // (1024 * 1024)} MB, tối đa {MAX_UNPACKED_BYTES // (1024 * 1024)} MB")
    for member in members:
        if member.file_size > RATIO_FROM and member.file_size > MAX_RATIO * max(member.compress_size, 1):
            raise TooComplex(f"phần “{member.filename[:40]}” nén {member.file_size // max(member.compress_size, 1)} lần")


def check_page(width: float, height: float, number: int) -> None:
    """Refuse a PDF page larger than any paper (a 14,400 pt page renders to billions of pixels)."""
    if max(width, height) > MAX_PAGE_POINTS:
        raise TooComplex(f"trang {number} khổ {width / 72 * 2.54:.0f} × {height / 72 * 2.54:.0f} cm")


def render_scale(width: float, height: float, dpi: int) -> float:
    """The render scale for a page of these points: ``dpi`` unless that exceeds the pixel cap."""
    scale = dpi / 72
    pixels = width * height * scale * scale
    if pixels > MAX_RENDER_PIXELS:
        scale *= (MAX_RENDER_PIXELS / pixels) ** 0.5
    return scale
