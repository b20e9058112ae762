"""The section tree of a directive body: I., 1., 2.1., a), "Thứ nhất", … with each section's own text."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from store.vn.text import shorten
from store.directives.text import plain

HEADING_MAX = 160

_ROMAN_OK = {"I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV"}
_ORDINALS = "nhất|hai|ba|tư|năm|sáu|bảy|tám|chín|mười"
MARKERS: list[tuple[str, re.Pattern[str]]] = [
    ("roman", re.compile(r"^(?P<label>[IVX]{1,5})\s*[./)]\s+(?P<rest>.*)$", re.S)),
    ("dotted", re.compile(r"^(?P<label>\d{1,2}(?:\.\d{1,2})+)\.?\s+(?P<rest>\D.*)$", re.S)),
    ("arabic", re.compile(r"^(?P<label>\d{1,2})\s*\.\s*(?P<rest>\D.*)$", re.S)),
    ("paren", re.compile(r"^(?P<label>\d{1,2})\s*\)\s*(?P<rest>.*)$", re.S)),
    ("letter", re.compile(r"^(?P<label>[a-zđ])\s*\)\s*(?P<rest>.*)$", re.S)),
    ("ordinal", re.compile(rf"^(?P<label>Thứ (?:{_ORDINALS}))\s*[,:.]\s*(?P<rest>.*)$", re.S)),
]
# Closing paragraphs after the last item ("Ủy ban nhân dân tỉnh yêu cầu …", "Trên đây là …").
CLOSING = re.compile(
    r"^(Trên đây|(Chỉ thị|Kế hoạch|Quyết định|Thông báo) này|(Chủ tịch\s+)?(Ủy ban|Uỷ ban|UBND|Ban Thường vụ"
    r"|Thường trực|Ban Chấp hành)\b)")
_BOLD_LEAD = re.compile(r"^\s*(?:#{1,6}\s*)?\*\*(?P<bold>.+?)\*\*(?P<rest>.*)$", re.S)


@dataclass
class ParsedSection:
    label: str
    kind: str  # marker type: roman, arabic, dotted, letter, ordinal, paren; "" for preamble/closing
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    parent: Optional[int] = None  # index into the section list
    level: int = 1
    path: str = ""

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


def marker_of(text: str) -> Optional[tuple[str, str, str]]:
    """(marker type, label, rest) when a plain paragraph opens a numbered item."""
    for kind, rx in MARKERS:
        m = rx.match(text)
        if m is None:
            continue
        label = m.group("label")
        if kind == "roman" and label not in _ROMAN_OK:
            continue
        return kind, label, m.group("rest").strip()
    return None


def _heading_and_text(raw: str, rest: str) -> tuple[str, str]:
    """Split an item's first paragraph into a heading and its own text."""
    bold = _BOLD_LEAD.match(raw)
    if bold is not None:
        bold_plain = plain(bold.group("bold"))
        found = marker_of(bold_plain)
        head = (found[2] if found else bold_plain).strip()
        if re.fullmatch(r"[\dIVXa-zđ.]{1,6}\)?", head):  # "**2.** text": only the marker is bold
            head = ""
        tail = plain(bold.group("rest"))
        if head and len(head) <= HEADING_MAX:
            return head.rstrip(" :."), tail
        if head:
            return _first_sentence(head), f"{head} {tail}".strip()
        rest = tail
    if len(rest) <= 150 and not rest.rstrip().endswith((".", ";")):
        return rest.rstrip(" :"), ""
    return _first_sentence(rest), rest


def _first_sentence(text: str) -> str:
    first = re.split(r"(?<=[.;:])\s", text, maxsplit=1)[0]
    return shorten(first.rstrip(" .;:"), HEADING_MAX)


def _path(sections: list[ParsedSection], sec: ParsedSection) -> str:
    parent = sections[sec.parent] if sec.parent is not None else None
    base = parent.path if parent else ""
    if sec.kind == "ordinal":
        piece = sec.label.lower()
        return f"{base}, {piece}" if base else sec.label
    if not base:
        return sec.label
    if sec.kind == "dotted" and parent is not None and sec.label.startswith(parent.label + "."):
        return base + sec.label[len(parent.label):]  # "2.1" under "I.2" is "I.2.1"
    return f"{base}.{sec.label}"


def build_tree(paragraphs: list[str]) -> list[ParsedSection]:
    """Sections in document order; nesting follows the marker types seen (the usual outline rule)."""
    sections: list[ParsedSection] = []
    stack: list[int] = []  # indexes of open sections
    last_marker_at = max((i for i, p in enumerate(paragraphs) if marker_of(plain(p))), default=-1)
    for i, raw in enumerate(paragraphs):
        text = plain(raw)
        found = marker_of(text)
        if found is None:
            if i > last_marker_at >= 0 and CLOSING.match(text):
                # Closing words belong to the whole document, not to the last item.
                sections.append(ParsedSection(label="", kind="", heading="Phần kết", paragraphs=[text]))
                stack.clear()
                continue
            if not sections:
                sections.append(ParsedSection(label="", kind="", heading="Phần mở đầu"))
            target = stack[-1] if stack else len(sections) - 1
            sections[target].paragraphs.append(text)
            continue
        kind, label, rest = found
        types = [sections[j].kind for j in stack]
        if kind in types:
            del stack[types.index(kind):]
        heading, own = _heading_and_text(raw, rest)
        sec = ParsedSection(label=label, kind=kind, heading=heading, paragraphs=[own] if own else [],
                            parent=stack[-1] if stack else None, level=len(stack) + 1)
        sections.append(sec)
        sec.path = _path(sections, sec)
        stack.append(len(sections) - 1)
    return sections
