"""DOCX through python-docx (MIT): paragraphs and tables in document order.

A paragraph becomes a block (soft line breaks kept), a heading style becomes ``#`` marks,
bold runs ``**bold**``; a table row becomes one block whose cells are tab-separated line by
line, the way the parser reads the two-column header (issuer | national motto).
"""

from __future__ import annotations

import io
import re
import zipfile

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table
from docx.text.paragraph import Paragraph

from store.directives.text import DirectiveParseError

_HEADING = re.compile(r"^(?:Heading|Title)\s*(\d?)$", re.I)


def read(raw: bytes) -> tuple[str, str]:
    try:
        document = docx.Document(io.BytesIO(raw))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise DirectiveParseError(f"tệp DOCX hỏng, không đọc được ({type(exc).__name__})") from None
    blocks: list[str] = []
    for item in document.iter_inner_content():
        text = _table(item) if isinstance(item, Table) else _paragraph(item)
        if text.strip():
            blocks.append(text.strip("\n"))
    return "\n\n".join(blocks), "docx"


def _paragraph(par: Paragraph) -> str:
    pieces: list[str] = []
    bold_text = ""
    for run in par.runs:
        if run.bold and run.text.strip():
            bold_text += run.text
            continue
        if bold_text:
            pieces.append(_bold(bold_text))
            bold_text = ""
        pieces.append(run.text)
    if bold_text:
        pieces.append(_bold(bold_text))
    text = "".join(pieces) if par.runs else par.text
    style = par.style.name if par.style is not None else ""
    heading = _HEADING.match(style or "")
    if heading and text.strip():
        text = "#" * int(heading.group(1) or 1) + " " + text.strip()
    return text


def _bold(text: str) -> str:
    """"**text**" with the spaces outside the marks, where markdown wants them."""
    core = text.strip()
    lead, trail = text[:len(text) - len(text.lstrip())], text[len(text.rstrip()):]
    return f"{lead}**{core}**{trail}" if core else text


def _table(table: Table) -> str:
    rows = []
    for row in table.rows:
        cells: list[list[str]] = []
        for cell in row.cells:
            lines = "\n".join(_paragraph(p) for p in cell.paragraphs).strip("\n").split("\n")
            if not cells or lines != cells[-1]:  # a merged cell repeats itself
                cells.append(lines)
        height = max(len(c) for c in cells)
        rows.append("\n".join("\t".join(c[i] if i < len(c) else "" for c in cells).rstrip("\t")
                              for i in range(height)))
    return "\n\n".join(r for r in rows if r.strip())
