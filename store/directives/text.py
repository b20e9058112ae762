"""Low-level text helpers shared by the directive parser modules: decoding, NFC, markdown, case."""

from __future__ import annotations

import re
from functools import lru_cache

from store.vn import text as vntext

UPPER = "A-ZÀÁẢÃẠĂẮẰẲẴẶÂẤẦẨẪẬĐÈÉẺẼẸÊẾỀỂỄỆÌÍỈĨỊÒÓỎÕỌÔỐỒỔỖỘƠỚỜỞỠỢÙÚỦŨỤƯỨỪỬỮỰỲÝỶỸỴ"
# A capitalised Vietnamese word ("Lai", "Châu", "Đường").
CAP_WORD = rf"[{UPPER}][^\W\d_]*"


class DirectiveParseError(ValueError):
    """A file that cannot be read as a directive; the message is Vietnamese and names the problem."""


def nfc(text: str) -> str:
    """NFC, one tone-placement style and legacy repairs: the form all stored text uses."""
    return vntext.normalize(text)


fold = vntext.fold  # the one folding key (lowercase, no marks, đ→d) used to compare names


def decode(raw: bytes) -> str:
    """Bytes to NFC text; refuses binary, non-UTF-8 and empty files with a clear message."""
    if not raw.strip():
        raise DirectiveParseError("tệp rỗng")
    if b"\x00" in raw[:4096]:
        raise DirectiveParseError("tệp nhị phân, không phải văn bản")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DirectiveParseError(
            f"không phải mã UTF-8 (byte {raw[exc.start]:#04x} ở vị trí {exc.start})") from None
    text = nfc(text).replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise DirectiveParseError("tệp rỗng")
    return text


_BOLD = re.compile(r"\*\*|__")
_ITALIC = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_MD_HEADING = re.compile(r"^\s*#{1,6}\s*")


@lru_cache(maxsize=8192)
def plain(line: str) -> str:
    """A line without markdown emphasis or heading marks, spaces collapsed."""
    if "*" not in line and "#" not in line and "_" not in line:
        return " ".join(line.split())
    line = _MD_HEADING.sub("", line)
    line = _BOLD.sub("", line)
    line = _ITALIC.sub(r"\1", line)
    return " ".join(line.replace("\t", " ").split())


def is_md_heading(line: str) -> bool:
    return bool(_MD_HEADING.match(line)) and line.lstrip().startswith("#")


def is_upper_line(text: str) -> bool:
    """True for a line written in capitals (headers, kind lines, signature titles)."""
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def title_case(text: str) -> str:
    """"LAI CHÂU" → "Lai Châu" (place and person names)."""
    return " ".join(w[:1].upper() + w[1:].lower() for w in text.split())


def sentence_case(text: str) -> str:
    """"TM. ỦY BAN NHÂN DÂN" → "TM. Ủy ban nhân dân"; abbreviations with a dot stay."""
    words = text.split()
    out = []
    for i, w in enumerate(words):
        if w.endswith(".") and len(w) <= 4:
            out.append(w)
        elif i == 0 or (out and out[-1].endswith(".")):
            out.append(w[:1].upper() + w[1:].lower())
        else:
            out.append(w.lower())
    return " ".join(out)


def blocks(text: str) -> list[list[str]]:
    """Blank-line separated blocks of raw lines (right-stripped)."""
    out: list[list[str]] = []
    current: list[str] = []
    for line in text.split("\n"):
        if line.strip():
            current.append(line.rstrip())
        elif current:
            out.append(current)
            current = []
    if current:
        out.append(current)
    return out


def sentences(text: str) -> list[str]:
    """Rough sentence split (". " before a capital, or line breaks)."""
    parts = re.split(rf"(?<=[.!?])\s+(?=[{UPPER}])|\n+", text)
    return [p.strip() for p in parts if p.strip()]
