"""Positioned lines (from a PDF's text layer or from OCR) back into paragraphs.

Both give lines as the page shows them: a paragraph wrapped over several lines, and nothing
that says where paragraphs end. The parser wants one paragraph per block, blank lines
between. Two facts of typeset pages restore that: a wider gap than the usual line pitch
ends a paragraph, and a line that stops short of the right edge ends its line (a wrapped
line runs to the margin).
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

PARAGRAPH_GAP = 1.4  # × the usual line pitch
FULL_LINE = 0.88  # a line reaching this share of the text width was wrapped
_SENTENCE_END = (".", ":", ";", "!", "?", "…")
_MARKER = re.compile(r"^(\*\*)?(\d{1,2}(\.\d{1,2})*[.)]|[a-zđ]\)|[IVX]{1,5}\.|[-–•+])\s")


@dataclass
class Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float = 0.0  # font size; 0 when unknown (OCR)


@dataclass
class PageText:
    text: str
    runs_on: bool = False  # the last line reaches the margin: its paragraph goes on overleaf


def page_text(lines: list[Line]) -> PageText:
    """One page's lines as paragraphs separated by blank lines; larger type becomes a heading."""
    lines = sorted((ln for ln in lines if ln.text.strip()), key=lambda ln: (round(ln.top), ln.x0))
    if not lines:
        return PageText("")
    left, right = min(ln.x0 for ln in lines), max(ln.x1 for ln in lines)
    width = max(right - left, 1.0)
    pitch = _usual_pitch(lines)
    body_size = statistics.median([ln.size for ln in lines]) if any(ln.size for ln in lines) else 0.0
    out: list[str] = []
    for i, line in enumerate(lines):
        text = line.text.strip()
        heading = bool(body_size) and line.size >= 1.15 * body_size
        if i == 0:
            out.append("## " + text if heading else text)
            continue
        prev = lines[i - 1]
        gap = line.top - prev.top
        prev_heading = bool(body_size) and prev.size >= 1.15 * body_size
        scale = line.size / body_size if heading and body_size else 1.0
        if heading and prev_heading and gap <= PARAGRAPH_GAP * pitch * scale:
            out.append(" " + text)  # a heading wrapped over two lines
        elif heading or prev_heading or gap > PARAGRAPH_GAP * pitch:
            out.append("\n\n" + ("## " + text if heading else text))
        elif (_wrapped(prev, left, width) and "\t" not in prev.text and not _MARKER.match(text)
              and _capitals(text) == _capitals(prev.text)):
            out.append(" " + text)
        else:
            out.append("\n" + text)
    last = lines[-1]
    return PageText("".join(out), len(lines) > 1 and _wrapped(last, left, width)
                    and not last.text.rstrip("*").endswith(_SENTENCE_END))


def _wrapped(line: Line, left: float, width: float) -> bool:
    """A line running from the left edge (an indent allowed) to the right margin."""
    return line.x1 >= left + FULL_LINE * width and line.x0 <= left + 0.15 * width


def _capitals(text: str) -> bool:
    """A line in capitals (a heading, a title) never continues a line in lower case."""
    letters = [c for c in text.replace("*", "") if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def _usual_pitch(lines: list[Line]) -> float:
    """The most common distance between consecutive baselines (the body's line spacing)."""
    heights = [ln.bottom - ln.top for ln in lines]
    gaps = [b.top - a.top for a, b in zip(lines, lines[1:]) if b.top - a.top > 0.3 * max(a.bottom - a.top, 1)]
    if not gaps:
        return max(statistics.median(heights), 1.0) * 1.2
    low_half = sorted(gaps)[: max(1, (len(gaps) + 1) // 2)]
    return max(statistics.median(low_half), 1.0)


def join_pages(pages: list[PageText]) -> str:
    """Pages one after another: a blank line between them, unless a paragraph runs on."""
    out = ""
    for i, page in enumerate(pages):
        if not page.text:
            continue
        if out:
            runs_on = pages[i - 1].runs_on and not page.text.startswith("#") and not _MARKER.match(page.text)
            out += " " if runs_on else "\n\n"
        out += page.text
    return out
