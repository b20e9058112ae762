"""Text helpers for replies: length limits and paragraph-aware splitting."""

from __future__ import annotations

import re

TELEGRAM_LIMIT = 4096
ZALO_LIMIT = 2000
# After a sentence end: keep the whitespace (a line break stays a line break).
_SENTENCE_GAP = re.compile(r"(?<=[.!?…;])(\s+)")


def split_message(text: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Split ``text`` into chunks under ``limit``, at paragraph, then sentence, then word boundaries."""
    if len(text) <= limit:
        return [text]
    chunks: list[str] = []
    current = ""
    for piece in _pieces(text, limit):
        candidate = f"{current}\n\n{piece}" if current else piece
        if len(candidate) <= limit:
            current = candidate
        else:
            if current:
                chunks.append(current)
            current = piece
    if current:
        chunks.append(current)
    return chunks


def _pieces(text: str, limit: int) -> list[str]:
    """Paragraphs, with any paragraph over the limit broken at sentences, then words, then hard."""
    out: list[str] = []
    for para in text.split("\n\n"):
        if len(para) <= limit:
            out.append(para)
        else:
            out.extend(_sentences(para, limit))
    return out


def _sentences(para: str, limit: int) -> list[str]:
    """A long paragraph packed sentence by sentence; a sentence over the limit breaks at words."""
    out: list[str] = []
    buf = ""
    parts = _SENTENCE_GAP.split(para)  # sentence, gap, sentence, gap, …
    for i in range(0, len(parts), 2):
        sentence = parts[i]
        gap = parts[i - 1] if i else ""
        if len(sentence) > limit:
            if buf.strip():
                out.append(buf.strip())
            out.extend(_words(sentence, limit))
            buf = ""
        elif buf and len(buf) + len(gap) + len(sentence) > limit:
            out.append(buf.strip())
            buf = sentence
        else:
            buf = f"{buf}{gap}{sentence}" if buf else sentence
    if buf.strip():
        out.append(buf.strip())
    return out


def _words(para: str, limit: int) -> list[str]:
    """Words (line breaks kept), cutting a word only when it alone is over the limit."""
    out: list[str] = []
    buf = ""
    for word in para.replace("\n", " \n ").split(" "):
        while len(word) > limit:
            if buf:
                out.append(buf.strip())
                buf = ""
            out.append(word[:limit])
            word = word[limit:]
        if len(buf) + len(word) + 1 > limit:
            out.append(buf.strip())
            buf = word
        else:
            buf = f"{buf} {word}" if buf else word
    if buf.strip():
        out.append(buf.strip())
    return out
