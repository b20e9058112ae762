"""PDF: the text layer through pdfplumber (MIT); pages without one go to OCR.

Words keep their font, so bold runs come back as ``**bold**`` and a wide gap inside a line
(the two-column header: issuer | national motto) comes back as a tab, as in .txt files.
"""

from __future__ import annotations

import io
import logging
import re

from typing import Any

import pdfplumber
from pdfplumber.page import Page
from pdfplumber.utils.exceptions import PdfminerException

from store.directives.text import DirectiveParseError
from store.directives.readers import ocr
from store.directives.readers.layout import Line, join_pages, page_text

log = logging.getLogger(__name__)

MIN_PAGE_CHARS = 25  # a page with less text than this has no real text layer (a scan)
MAX_PAGES = 60
_BOLD_SEAM = re.compile(r"\*\*( |\n)\*\*")
COLUMN_GAP = 3.0  # × the font size: a gap this wide between words separates two columns


def read(raw: bytes) -> tuple[str, str]:
    try:
        with pdfplumber.open(io.BytesIO(raw)) as pdf:
            if len(pdf.pages) > MAX_PAGES:
                raise DirectiveParseError(f"tệp PDF có {len(pdf.pages)} trang, quá giới hạn {MAX_PAGES} trang")
            page_lines = [_lines(page) for page in pdf.pages]
    except PdfminerException as exc:
        raise DirectiveParseError(f"tệp PDF hỏng hoặc bị khóa, không đọc được ({type(exc).__name__})") from None
    if sum(len(ln.text) for lines in page_lines for ln in lines) >= MIN_PAGE_CHARS * len(page_lines):
        text = join_pages([page_text(lines) for lines in page_lines])
        # A bold heading wrapped over lines is one bold span, as typed.
        return _BOLD_SEAM.sub(r"\1", text), "pdf"
    # No text layer (a scanned paper): read the page images.
    return ocr.read_pdf(raw), "pdf-ocr"


def _lines(page: Page) -> list[Line]:
    words = page.extract_words(extra_attrs=["fontname", "size"], keep_blank_chars=False, use_text_flow=False)
    rows: list[list[dict[str, Any]]] = []
    for word in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        if rows and abs(rows[-1][0]["top"] - word["top"]) <= 0.4 * word["size"]:
            rows[-1].append(word)
        else:
            rows.append([word])
    return [_line(sorted(row, key=lambda w: w["x0"])) for row in rows]


def _line(words: list[dict[str, Any]]) -> Line:
    parts: list[str] = []
    bold_open = False
    for i, word in enumerate(words):
        bold = "bold" in word["fontname"].lower()
        if i:
            gap = word["x0"] - words[i - 1]["x1"]
            # pdfplumber splits a word where its font changes ("**phát triển”**."): no space there.
            sep = "\t" if gap > COLUMN_GAP * word["size"] else (" " if gap > 0.1 * word["size"] else "")
            if bold_open and (not bold or sep == "\t"):
                parts.append("**")
                bold_open = False
            parts.append(sep)
        if bold and not bold_open:
            parts.append("**")
            bold_open = True
        parts.append(word["text"])
    if bold_open:
        parts.append("**")
    sizes = sorted(w["size"] for w in words)
    return Line("".join(parts), words[0]["x0"], words[-1]["x1"], min(w["top"] for w in words),
                max(w["bottom"] for w in words), sizes[len(sizes) // 2])
