"""Scanned PDFs: pages rendered by pypdfium2 (Apache-2.0/BSD) and read by Tesseract's
Vietnamese model through pytesseract (Apache-2.0). Tesseract is a system program
(Debian: tesseract-ocr, tesseract-ocr-vie); without it the file is refused with the reason.
"""

from __future__ import annotations

import logging
import os
import shutil
from functools import lru_cache

import pypdfium2
import pytesseract

from store.directives.text import DirectiveParseError
from store.directives.readers.layout import Line, join_pages, page_text

log = logging.getLogger(__name__)

LANGUAGE = "vie"
DPI = 300  # Tesseract's sweet spot for body text
MAX_OCR_PAGES = 30
MIN_CONFIDENCE = 30  # words Tesseract itself doubts are noise (stamps, signatures)
NO_TESSERACT = ("tệp PDF là bản quét (không có lớp chữ); máy chủ chưa cài Tesseract OCR tiếng Việt "
                "(gói tesseract-ocr, tesseract-ocr-vie) nên không đọc được")


@lru_cache(maxsize=1)
def available() -> bool:
    """Tesseract is installed and has the Vietnamese model."""
    if shutil.which(pytesseract.pytesseract.tesseract_cmd) is None:
        return False
    try:
        return LANGUAGE in pytesseract.get_languages(config="")
    except (pytesseract.TesseractError, OSError):
        return False


def read_pdf(raw: bytes) -> str:
    if not available():
        raise DirectiveParseError(NO_TESSERACT)
    # Tesseract's OpenMP threads only fight each other on a small shared machine.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    pdf = pypdfium2.PdfDocument(raw)
    try:
        if len(pdf) > MAX_OCR_PAGES:
            raise DirectiveParseError(f"bản quét có {len(pdf)} trang, quá giới hạn nhận dạng {MAX_OCR_PAGES} trang")
        pages = []
        for index in range(len(pdf)):
            image = pdf[index].render(scale=DPI / 72).to_pil()
            pages.append(page_text(image_lines(image)))
    finally:
        pdf.close()
    text = join_pages(pages)
    if not text.strip():
        raise DirectiveParseError("bản quét không nhận dạng được chữ nào (ảnh quá mờ hoặc trang trắng)")
    return text


def image_lines(image: object) -> list[Line]:  # a PIL image (Pillow comes with pytesseract)
    """Tesseract's words grouped into its own lines, with their boxes."""
    data = pytesseract.image_to_data(image, lang=LANGUAGE, output_type=pytesseract.Output.DICT)
    lines: dict[tuple[int, int, int], list[int]] = {}
    for i, word in enumerate(data["text"]):
        if word.strip() and float(data["conf"][i]) >= MIN_CONFIDENCE:
            lines.setdefault((data["block_num"][i], data["par_num"][i], data["line_num"][i]), []).append(i)
    out = []
    for idx in lines.values():
        out.append(Line(" ".join(data["text"][i] for i in idx),
                        min(data["left"][i] for i in idx), max(data["left"][i] + data["width"][i] for i in idx),
                        min(data["top"][i] for i in idx), max(data["top"][i] + data["height"][i] for i in idx)))
    return out
