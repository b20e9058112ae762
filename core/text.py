"""Text helpers for replies: length limits and paragraph-aware splitting."""

from __future__ import annotations

TELEGRAM_LIMIT = 4096


def split_message(text: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Split ``text`` into chunks under ``limit``, at paragraph, then line, then word boundaries."""
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
    """Paragraphs, with any paragraph over the limit broken at lines, then words, then hard."""
    out: list[str] = []
    for para in text.split("\n\n"):
        if len(para) <= limit:
            out.append(para)
            continue
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
