"""Which loaded document a question means: short numbers, unit levels, kinds.

Officers shorten numbers ("ct 02", "chỉ thị số 02", "02/CT", "kế hoạch 45"). A short reference
is the kind plus the number's first part; it is spelt out to the full number of the loaded
document(s) it matches ("chỉ thị 02" → "chỉ thị 02/CT-UBND") so the ranking and the field
answers see it; one that matches no loaded document of that kind is reported as missing.

A place named with its unit word ("tỉnh Lai Châu", "thành phố Lai Châu", "huyện Tam Đường")
fixes the level: the province's People's Committee is not the city's of the same name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Mapping, Optional

from store.vn import text as vntext

# Kind words (folded) and the code documents put in their numbers.
KIND_CODES: dict[str, str] = {
    "chi thi": "ct", "ke hoach": "kh", "quyet dinh": "qd", "nghi quyet": "nq", "thong bao": "tb",
    "cong van": "cv", "phat dong": "ptd", "huong dan": "hd", "bao cao": "bc",
}
CODE_KINDS = {code: kind for kind, code in KIND_CODES.items()}
_DIGITS = re.compile(r"^(\d{1,4})([,.?!:;]*)$")
_BARE = re.compile(r"^(\d{1,4})/([A-Za-zĐđ]{2,4})([,.?!:;]*)$")  # "02/CT" with no issuer part
LEVELS = {"tinh": "tinh", "thanh pho": "thanh pho", "tp": "thanh pho", "huyen": "huyen", "thi xa": "thi xa",
          "xa": "xa", "phuong": "phuong", "thi tran": "thi tran", "quan": "quan",
          "tinh uy": "tinh", "huyen uy": "huyen", "thanh uy": "thanh pho"}
_LEVEL_ALT = "|".join(sorted(LEVELS, key=len, reverse=True))
_ISSUER_LEVEL = re.compile(rf"\b({_LEVEL_ALT})\b")


@dataclass
class ShortRef:
    """A short reference in a question ("chỉ thị 02", "02/CT") and what it matches."""

    kind: str  # folded kind words: "chi thi"
    number: str  # digits as typed: "02"
    token: int  # index (in the question's whitespace tokens) of the number token
    docs: list[int] = field(default_factory=list)
    full: Optional[str] = None  # the folded full number when the match is one number
    bare: bool = False  # typed as "02/CT", without the kind's words

    @property
    def label(self) -> str:
        return f"{self.kind} số {self.number}"


def _digits(text: str) -> str:
    return text.lstrip("0") or "0"


def _find(tokens: list[str]) -> list[ShortRef]:
    keys = [vntext.search_key(t) for t in tokens]
    found: list[ShortRef] = []
    for i, tok in enumerate(tokens):
        bare = _BARE.match(tok)
        if bare and vntext.fold(bare.group(2)) in CODE_KINDS:
            found.append(ShortRef(CODE_KINDS[vntext.fold(bare.group(2))], bare.group(1), i, bare=True))
            continue
        m = _DIGITS.match(tok)
        if not m:
            continue
        j = i - 1 if i and keys[i - 1] == "so" else i
        for kind in KIND_CODES:
            n = len(kind.split())
            if j >= n and " ".join(keys[j - n:j]) == kind:
                found.append(ShortRef(kind, m.group(1), i))
                break
    return found


def short_refs(question: str, numbers: Mapping[str, list[int]]) -> list[ShortRef]:
    """Short references in a question, resolved against ``numbers`` (folded full number →
    document ids); one that matches several full numbers is left for the caller
    (store/search/resolve.py narrows by place, year and the asker's province, or asks which)."""
    refs = _find(vntext.nfc(question).split())
    for ref in refs:
        code = KIND_CODES[ref.kind]
        fulls = {full: ids for full, ids in numbers.items()
                 if (parts := full.split()) and _digits(parts[0]) == _digits(ref.number) and parts[1:2] == [code]}
        ref.docs = sorted({d for ids in fulls.values() for d in ids})
        if len(fulls) == 1:
            ref.full = next(iter(fulls))
    return refs


def spell_out(question: str, refs: list[ShortRef], display: Mapping[str, str]) -> str:
    """The question with each resolved short number replaced by the full one ("02/CT-UBND")."""
    tokens = vntext.nfc(question).split()
    for ref in refs:
        if ref.full:
            tail = re.sub(r"^[\w/]+", "", tokens[ref.token])
            kind = f"{ref.kind} " if ref.bare else ""  # "02/CT" → "chi thi 02/CT-UBND"
            tokens[ref.token] = kind + display.get(ref.full, ref.full) + tail
    return " ".join(tokens)


def issuer_level(issuer: str) -> Optional[str]:
    """The unit level of an issuing body: "UBND tỉnh Lai Châu" → "tinh"."""
    m = _ISSUER_LEVEL.search(re.sub(r"\([^)]*\)", " ", vntext.search_key(issuer)))
    return LEVELS[m.group(1)] if m else None


def typed_level(folded: list[str], place_words: set[str]) -> Optional[str]:
    """The unit level typed right before a place of the question ("tỉnh Lai Châu" → "tinh")."""
    for lvl in sorted(LEVELS, key=len, reverse=True):
        lw = lvl.split()
        for i in range(len(folded) - len(lw)):
            if folded[i:i + len(lw)] == lw and folded[i + len(lw)] in place_words - {"tinh", "huyen", "xa", "thanh", "pho"}:
                return LEVELS[lvl]
    return None
