"""What a question asks for: its specific terms, the kind of answer, the office it names.

Read from the analysed question (store/search/query.py) on folded syllables; the checks
against a passage are in store/search/answer_fit.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from store.vn import text as vntext
from store.search.query import Query, has_phrase

ROMAN = re.compile(r"^(?=[ivxl]+$)(x{0,3}|xl|l)(ix|iv|v?i{0,3})$")
NUMBER_WORDS = frozenset("mot hai ba bon nam sau bay tam chin muoi".split())  # cardinals, folded
ORDINAL_WORDS = NUMBER_WORDS | {"nhat", "tu"}  # "thứ nhất", "thứ tư"
# Words after which a numeral names an ordinal or a numbered unit.
ORDINAL_HEADS = frozenset("thu khoa loai lan muc diem khoan dieu phan chuong".split())
# Question words that ask for a kind of answer (folded phrases).
KIND_PHRASES: tuple[tuple[str, str], ...] = (
    ("ngay nao", "day"), ("ngay may", "day"), ("ngay bao nhieu", "day"), ("hom nao", "day"),
    ("nam nao", "year"), ("nam bao nhieu", "year"),
    ("khi nao", "when"), ("bao gio", "when"), ("luc nao", "when"), ("thoi gian nao", "when"),
    ("thang nao", "when"), ("giai doan nao", "when"), ("nhiem ky nao", "when"), ("thoi han nao", "when"), ("thang may", "when"), ("thoi diem nao", "when"),
    ("bao gom", "members"), ("gom nhung", "members"), ("gom cac", "members"), ("gom co", "members"),
    ("o dau", "place"), ("tai dau", "place"), ("noi nao", "place"), ("dia diem nao", "place"),
    ("bao lau", "number"), ("bao nhieu", "number"), ("may", "number"), ("ai", "who"),
)
OFFICES = tuple(o.split() for o in (
    "tong bi thu", "chu tich nuoc", "thu tuong", "pho thu tuong", "bo truong", "chu tich", "pho chu tich",
    "bi thu", "pho bi thu", "giam doc", "pho giam doc", "truong ban", "pho truong ban", "truong phong",
    "chanh van phong", "truong khoi", "chu nhiem", "chanh an", "vien truong",
))
# Words that frame a question rather than name its topic ("muốn", "coi là", "thuộc", "tên là").
FRAME_WORDS = frozenset("muon coi thuoc goi ten nhac duoc biet can phai lam gom bao gom nhu the nao boi toi dieu "
                        "viec bang dien ra".split())
CURRENT = ("hien nay", "hien tai", "bay gio", "nam nay", "dang giu", "dang la")
@dataclass
class Needs:
    """What an answer to one question must contain."""

    numbers: set[str] = field(default_factory=set)  # digits, leading zeros dropped
    codes: list[list[str]] = field(default_factory=list)  # document codes, folded words: ["15", "ct", "ubnd"]
    ordinals: set[tuple[str, str]] = field(default_factory=set)  # ("thu", "x"), ("khoa", "xv"), ("thu", "tu")
    names: set[str] = field(default_factory=set)  # folded words of capitalised names (not places)
    kind: Optional[str] = None  # who / day / year / when / number / place / members / docref
    kind_words: set[str] = field(default_factory=set)  # the words asking it: "giai doan" in "giai đoạn nào"
    counted: Optional[str] = None  # "phuong" in "bao nhiêu phường"
    counted_after: Optional[str] = None  # "loai" in "loại mấy": the numeral follows this word
    office: Optional[tuple[str, ...]] = None  # "chu tich ubnd tinh lai chau" in "ai là chủ tịch …"
    current: bool = False  # "hiện nay": only "theo văn bản … (năm …)"
    places: set[str] = field(default_factory=set)  # folded words of the places the question names
    about_document: bool = False  # names a kind of document ("chỉ thị", "luật"): documents' dates may answer


def digits(token: str) -> str:
    return token.lstrip("0") or "0"


def needs_of(q: Query) -> Needs:
    """Read a question's specific terms and answer kind."""
    folded = q.folded
    needs = Needs(current=any(has_phrase(folded, p) for p in CURRENT))
    needs.numbers = {digits(t) for t in folded if t.isdigit()}
    needs.codes = [code.split() for code in q.numbers]
    for a, b in zip(folded, folded[1:]):
        if a in ORDINAL_HEADS and (ROMAN.match(b) or (a == "thu" and b in ORDINAL_WORDS)) and b:
            needs.ordinals.add((a, b))
    needs.kind, needs.counted, needs.counted_after = _kind(folded, q.accented if q.diacritics else None)
    needs.kind_words = {w for phrase, kind in KIND_PHRASES if kind == needs.kind and has_phrase(folded, phrase)
                        for w in phrase.split()}
    if needs.kind == "when":
        needs.kind_words |= {w for p in PERIOD_WORDS if has_phrase(folded, p) for w in p.split()} | {"nao"}
    needs.office = _office(folded)
    needs.places = set(q.selectors)
    needs.about_document = any(has_phrase(folded, t) for t in DOC_TYPES + ("van ban", "cong van", "thong bao"))
    # Capitalised words as the corpus spells them: a typo ("Cíhnh") is checked in its repaired form.
    needs.names = (_capitalised_words(q.text) & set(folded)) - set(q.selectors) - {w for _, w in needs.ordinals}
    return needs


DOC_TYPES = ("nghi dinh", "thong tu", "chi thi", "nghi quyet", "quyet dinh", "luat", "ke hoach")
PERIOD_WORDS = tuple(vntext.search_key(p) for p in ("giai đoạn", "nhiệm kỳ", "thời kỳ", "thời hạn"))
_NOT_COUNTED = frozenset({None, "la", "cua", "o", "tai", "trong", "va", "thi", "vay", "a", "nhi", "nhe"})


def _kind(folded: list[str], accented: Optional[list[str]]) -> tuple[Optional[str], Optional[str], Optional[str]]:
    """The kind of answer asked for; "may" is "mấy" only when typed so ("bộ máy" is not)."""
    for kind_of_doc in DOC_TYPES:
        if has_phrase(folded, f"{kind_of_doc} nao"):
            return "docref", kind_of_doc, None  # "theo nghị định nào": a numbered document
    if "nao" in folded and any(has_phrase(folded[:folded.index("nao")], p) for p in PERIOD_WORDS):
        return "when", None, None  # "giai đoạn 5 năm nào", "nhiệm kỳ nào"
    for phrase, kind in KIND_PHRASES:
        words = phrase.split()
        n = len(words)
        for i in range(len(folded) - n + 1):
            if folded[i:i + n] != words:
                continue
            if phrase == "may" and accented is not None and accented[i] != "mấy":
                continue
            if kind == "number":
                after = folded[i + n] if i + n < len(folded) else None
                before = folded[i - 1] if i > 0 else None
                if phrase == "may" and before in ORDINAL_HEADS:
                    return "number", None, before  # "lần thứ mấy", "loại mấy", "khóa mấy"
                if after in _NOT_COUNTED:
                    after = None
                return "number", after, None
            return kind, None, None
    return None, None, None


def _office(folded: list[str]) -> Optional[tuple[str, ...]]:
    """The office asked about in "ai là <office …>" / "<office …> (hiện nay) là ai"."""
    text = " ".join(folded)
    for pattern in (r"\bai (?:la|dang la|giu chuc|lam) (.+)$", r"^(.+?) (?:hien nay |hien tai |bay gio )?la ai\b"):
        m = re.search(pattern, text)
        if not m:
            continue
        words = m.group(1).split()
        for office in OFFICES:
            if words[:len(office)] == office:
                tail = [w for w in words if w not in ("hien", "nay", "tai", "bay", "gio")]
                return tuple(tail)
    return None


def _capitalised_words(text: str) -> set[str]:
    """Folded words of capitalised runs after the first word ("Sở Nội vụ", "Bộ Chính trị")."""
    out: set[str] = set()
    for word in re.findall(r"[^\W\d_]+", text)[1:]:
        if word[:1].isupper():
            folded = vntext.search_key(word)
            if len(folded) > 1 and not ROMAN.match(folded):
                out.add(folded)
    return out


def share_needed(needs: Needs, share: float, strong: float) -> float:
    """An answer pinned by structure ("loại II", "7 tỉnh", a document code) needs fewer shared words."""
    return strong if needs.counted or needs.counted_after or needs.codes or needs.ordinals else share


def answer_weights(weights: list[tuple[str, float, str]], pairs: list[str], needs: Needs, top: int = 3
                   ) -> tuple[list[tuple[str, float, str]], set[str]]:
    """The words to find in a passage (framing and counted words left out) and what the answer
    must sit next to: the question's word pairs around its rarest word, and its rarest words."""
    skip = {needs.counted, "tram" if needs.counted == "phan" else None, needs.counted_after} | needs.kind_words
    kept = [(t, w, m) for t, w, m in weights if t not in FRAME_WORDS and t not in skip]
    ranked = [t for t, _, _ in sorted(kept, key=lambda x: -x[1])]
    focus = set(ranked[:top])
    usable = [p for p in pairs if not any(w in FRAME_WORDS or w in skip for w in p.split("_"))]
    for word in ranked[:top]:
        around = {p for p in usable if word in p.split("_")}
        if around:
            return kept, focus | around
    return kept, focus
