"""Passages as shown in answers: whole sentences, headings on their own line, buttons.

A passage starts at a sentence start: when the best unit begins mid-sentence (a clause of a
long sentence, or a paragraph broken by a page break in the source), earlier units of the
same section are prepended until a sentence start; failing that, it opens with "…". A
section heading is its own line, never glued to the next sentence; the parser's own labels
("Phần mở đầu", "Phần kết") are not shown as text (the citation names the section).
"""

from __future__ import annotations

import hashlib
from typing import Iterable, Optional

from store.vn.text import shorten
from core.callbacks import OpenDocument, OpenSection, Rest
from core.types import Button
from handlers.ask.buttons import MoreResults
from store.vn import text as vntext
from store.search.service import SearchIndex
from store.search.index import Hit
from store.search.units import UnitStore

PASSAGE_TARGET = 420  # characters of answer text to aim for (whole sentences)
PASSAGE_MAX = 750
PASSAGE_CONTEXT = 520  # prepend the previous sentence when both fit in this
MORE_UNITS = 8
PARSER_LABELS = frozenset({"phan mo dau", "phan ket"})


def index_key(index: SearchIndex, payload: str) -> str:
    """4 hex chars binding button data to this index build (older or forged data fails)."""
    return hashlib.sha256(f"{index.fingerprint}|{payload}".encode()).hexdigest()[:4]


def short_doc_label(index: SearchIndex, doc_id: int) -> str:
    """A document on a button: "📄 Chỉ thị 02/CT-UBND – Lai Châu 2020"."""
    doc = index.index.docs[doc_id]
    name = f"{doc.kind} {doc.number}" if doc.number else doc.kind
    year = f" {doc.issued_year}" if doc.issued_year else ""
    return f"📄 {name} – {doc.place}{year}"[:60]


def fit_words(text: str, budget: int) -> str:
    """``text`` cut at a word boundary to at most ``budget`` bytes (button data)."""
    out = ""
    for w in text.split():
        cand = f"{out} {w}".strip()
        if len(cand.encode()) > budget:
            break
        out = cand
    return out


def starts_sentence(text: str) -> bool:
    first = text.lstrip("…-–•*“\"'( ")[:1]
    return bool(first) and (first.isupper() or first.isdigit())


def _is_label(units: UnitStore, pos: int) -> bool:
    return units.is_heading(pos) and vntext.search_key(units.text(pos)) in PARSER_LABELS


def _same_section(units: UnitStore, a: int, b: int) -> bool:
    return 0 <= a < len(units) and 0 <= b < len(units) and units.section_id(a) is not None \
        and units.section_id(a) == units.section_id(b) and int(units.doc[a]) == int(units.doc[b])


def _start(units: UnitStore, pos: int) -> tuple[int, bool]:
    """Where the passage starts, and whether that is a sentence start."""
    start = pos
    if units.is_heading(start):
        return start, True
    budget = PASSAGE_MAX - len(units.text(pos))
    while not starts_sentence(units.text(start)):
        prev = start - 1
        if not _same_section(units, prev, pos) or units.is_heading(prev) or len(units.text(prev)) > budget:
            return start, False
        budget -= len(units.text(prev))
        start = prev
    prev = start - 1  # the sentence before often says what this one is about
    if start == pos and _same_section(units, prev, pos) and not units.is_heading(prev) \
            and starts_sentence(units.text(prev)) and len(units.text(prev)) + len(units.text(pos)) <= PASSAGE_CONTEXT:
        start = prev
    return start, True


def passage_text(index: SearchIndex, hit: Hit, target: int = PASSAGE_TARGET) -> str:
    """The hit's sentence (from its start) and the next ones of the same section, up to ``target``."""
    units = index.index.units
    start, clean_start = _start(units, hit.unit)
    paragraphs: list[str] = []
    current, length, pos = "", 0, start
    while pos < len(units):
        if pos > start and (not _same_section(units, pos, start) or (length >= target and pos > hit.unit)):
            break
        text = units.text(pos)
        if units.is_heading(pos):
            if current:
                paragraphs.append(current)
                current = ""
            if not _is_label(units, pos):
                paragraphs.append(text.rstrip(" :") + ":")
        else:
            current = f"{current} {text}".strip()
        length += len(text)
        pos += 1
    if current:
        paragraphs.append(current)
    body = "\n".join(paragraphs)
    return shorten(body if clean_start else "…" + body, PASSAGE_MAX)


def section_of(index: SearchIndex, hit: Hit) -> Optional[str]:
    return index.index.section_labels.get(hit.section_id) if hit.section_id is not None else None


def doc_buttons(hit_doc: int, section_id: Optional[int]) -> list[Button]:
    row = []
    if section_id is not None:
        row.append(OpenSection(section_id).button("Xem cả mục"))
    row.append(OpenDocument(hit_doc).button("Xem văn bản"))
    return row


def b36(n: int) -> str:
    chars = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = chars[r] + out
        if n == 0:
            return out


def more_button(index: SearchIndex, hits: Iterable[Hit]) -> Optional[Button]:
    units = [h.unit for h in hits][:MORE_UNITS]
    if not units:
        return None
    payload = ".".join(b36(u) for u in units)
    return MoreResults(index_key(index, payload), Rest(payload)).button("Kết quả khác")


def distinct(hits: list[Hit], skip: Iterable[Optional[int]] = ()) -> list[Hit]:
    """One hit per section (the best), skipping sections already shown."""
    seen = set(skip)
    out = []
    for h in hits:
        key = h.section_id if h.section_id is not None else -h.doc_id
        if key in seen:
            continue
        seen.add(key)
        out.append(h)
    return out
