"""Makes DOCX, text-PDF, scanned-PDF and TCVN3 versions of a directive's .txt, the way
offices produce them: Word paragraphs with headings and bold runs (the number and date in a
two-column header table), a justified PDF typeset from them in DejaVu, a page image of the
typed text wrapped in a PDF, and the text typed in a `.VnTime` font.
"""

from __future__ import annotations

import io
import re
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

import docx
import matplotlib
import pypdfium2
from PIL import Image, ImageDraw, ImageFont
from reportlab.lib.enums import TA_JUSTIFY
from reportlab.lib.fonts import addMapping
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table
from viparse.normalize.tcvn3 import TCVN3
from viparse.normalize.vni import VNI

# DejaVu as bundled with matplotlib (a runtime dependency): no system font package needed.
FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
FONT, FONT_BOLD = FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSans-Bold.ttf"
_HEADING = re.compile(r"^(#{1,6})\s*(.*)$")


def txt_blocks(text: str) -> list[list[str]]:
    return [[ln.rstrip() for ln in blk.split("\n") if ln.strip()] for blk in re.split(r"\n\s*\n", text)
            if blk.strip()]


def bold_runs(lines: list[str]) -> list[list[tuple[str, bool]]]:
    """Each line as (text, bold) runs; a **bold** span may run over lines, as in the samples."""
    bold, out = False, []
    for line in lines:
        runs = []
        for i, piece in enumerate(line.split("**")):
            if i:
                bold = not bold
            if piece:
                runs.append((piece, bold))
        out.append(runs)
    return out


def _header_pair(blocks: list[list[str]]) -> bool:
    """The number and the place-and-date, each a one-line block: a two-column header table."""
    return len(blocks) > 1 and len(blocks[0]) == len(blocks[1]) == 1 and blocks[0][0].startswith("Số") and "ngày" in blocks[1][0]


def to_docx(text: str) -> bytes:

    document = docx.Document()
    blocks = txt_blocks(text)
    if _header_pair(blocks):
        table = document.add_table(rows=1, cols=2)
        for cell, blk in zip(table.rows[0].cells, blocks[:2]):
            cell.paragraphs[0].add_run(blk[0])
        blocks = blocks[2:]
    for blk in blocks:
        heading = _HEADING.match(blk[0]) if len(blk) == 1 else None
        if heading:
            par = document.add_paragraph(style=f"Heading {len(heading.group(1))}")
            lines = [heading.group(2)]
        else:
            par = document.add_paragraph()
            lines = blk
        for i, runs in enumerate(bold_runs(lines)):
            if i:
                par.add_run().add_break()
            for piece, bold in runs:
                par.add_run(piece).bold = bold or None
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


@lru_cache(maxsize=1)
def _pdf_fonts() -> None:
    pdfmetrics.registerFont(TTFont("DejaVu", str(FONT)))
    pdfmetrics.registerFont(TTFont("DejaVu-Bold", str(FONT_BOLD)))
    addMapping("DejaVu", 0, 0, "DejaVu")
    addMapping("DejaVu", 1, 0, "DejaVu-Bold")


def to_pdf(text: str) -> bytes:
    """A justified A4 PDF with a text layer; each .txt line its own paragraph, blocks spaced."""
    _pdf_fonts()
    body = ParagraphStyle("body", fontName="DejaVu", fontSize=11, leading=14, alignment=TA_JUSTIFY)
    heading = ParagraphStyle("heading", parent=body, fontName="DejaVu-Bold", fontSize=13, leading=17)
    story = []
    for blk in txt_blocks(text):
        match = _HEADING.match(blk[0]) if len(blk) == 1 else None
        lines = [match.group(2)] if match else blk
        for i, runs in enumerate(bold_runs(lines)):
            last = i == len(lines) - 1
            if "\t" in lines[i]:
                cells = [escape(c.replace("**", "")) for c in lines[i].split("\t")]
                cells = [Paragraph(c, body) for c in cells]
                story.append(Table([cells], colWidths=[16 * cm / len(cells)] * len(cells),
                                   style=[("LEFTPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                                          ("TOPPADDING", (0, 0), (-1, -1), 0)], spaceAfter=9 if last else 0))
                continue
            markup = "".join(f"<b>{escape(p)}</b>" if b else escape(p) for p, b in runs)
            style = ParagraphStyle(f"s{i}", parent=heading if match else body, spaceAfter=9 if last else 0)
            story.append(Paragraph(markup, style))
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4, leftMargin=2.5 * cm, rightMargin=2.5 * cm, topMargin=2 * cm,
                      bottomMargin=2 * cm).build(story)
    return buf.getvalue()


def to_scanned_pdf(lines: list[str | tuple[str, str]], dpi: int = 200) -> bytes:
    """One A4 page image of typed lines (("right", text) for the signature column), as a PDF
    with no text layer, like a scanner's output."""
    width, height = int(8.27 * dpi), int(11.69 * dpi)
    page = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(str(FONT), size=int(12 / 72 * dpi))
    bold = ImageFont.truetype(str(FONT_BOLD), size=int(12 / 72 * dpi))
    y, margin = int(0.8 * dpi), int(1 * dpi)
    for item in lines:
        column, line = item if isinstance(item, tuple) else ("left", item)
        if not line:
            y += int(0.15 * dpi)
            continue
        face = bold if line.isupper() else font
        x = margin if column == "left" else int(width * 0.55)
        draw.text((x, y), line, font=face, fill=0)
        y += int(0.28 * dpi)
    buf = io.BytesIO()
    page.convert("RGB").save(buf, "PDF", resolution=dpi)
    return buf.getvalue()


def to_tcvn3(text: str) -> bytes:
    """The text as typed in a `.VnTime` font (one byte per letter); capitals with marks,
    which TCVN3 lacks, typed as in the `.VnTimeH` heading font: the lower-case byte."""
    table = {unicode: legacy for legacy, unicode in TCVN3.pairs}
    return "".join(table.get(ch, table.get(ch.lower(), ch)) for ch in text).encode("cp1252", "replace")


def scan_of(pdf: bytes, dpi: int = 200) -> bytes:
    """The printed PDF scanned back: each page an image, no text layer."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        pages = [document[i].render(scale=dpi / 72, grayscale=True).to_pil().convert("RGB")
                 for i in range(len(document))]
    finally:
        document.close()
    buf = io.BytesIO()
    pages[0].save(buf, "PDF", resolution=dpi, save_all=True, append_images=pages[1:])
    return buf.getvalue()


def to_vni(text: str) -> bytes:
    """The text as typed in a VNI font: a base letter followed by its mark bytes ("aø" for à)."""
    table = {unicode: legacy for legacy, unicode in VNI.pairs}
    return "".join(table.get(ch, ch) for ch in text).encode("cp1252", "replace")
