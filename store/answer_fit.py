"""Does a passage really answer a question? The checks behind "answer or decline".

A passage that shares a question's words is not an answer. It answers when
1. the question's specific terms are in what is cited (the passage, its section's heading and
   number, the document's naming fields): numbers, years, document codes, ordinals and
   numbered units ("lần thứ X", "khóa XV", "thứ tư"), named bodies typed with capitals;
2. the question's informative words are there too (the rarest ones all, most of the rest);
3. the kind of answer fits the question word: ai → a person or body; ngày nào → a date;
   năm nào → a year; khi nào → a date or year; bao nhiêu / mấy → a number (next to the
   counted thing when the question names it: "bao nhiêu phường" needs "<n> phường");
   ở đâu → a place ("tại …", "ở …").
Everything works on folded syllables (``store.vntext.search_key``) except the checks that
need the passage's own spelling (capitals, "%").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Optional

from store import vntext
from store.search_query import Query, has_phrase

ROMAN = re.compile(r"^(?=[ivxl]+$)(x{0,3}|xl|l)(ix|iv|v?i{0,3})$")
NUMBER_WORDS = frozenset("mot hai ba bon tu nam sau bay tam chin muoi nhat".split())
# Words after which a numeral names an ordinal or a numbered unit.
ORDINAL_HEADS = frozenset("thu khoa loai lan muc diem khoan dieu phan chuong".split())
# Question words that ask for a kind of answer (folded phrases).
KIND_PHRASES: tuple[tuple[str, str], ...] = (
    ("ngay nao", "day"), ("ngay may", "day"), ("ngay bao nhieu", "day"), ("hom nao", "day"),
    ("nam nao", "year"), ("nam bao nhieu", "year"),
    ("khi nao", "when"), ("bao gio", "when"), ("luc nao", "when"), ("thoi gian nao", "when"),
    ("thang nao", "when"), ("thang may", "when"), ("thoi diem nao", "when"),
    ("o dau", "place"), ("tai dau", "place"), ("noi nao", "place"), ("dia diem nao", "place"),
    ("bao nhieu", "number"), ("may", "number"), ("ai", "who"),
)
OFFICES = tuple(o.split() for o in (
    "tong bi thu", "chu tich nuoc", "thu tuong", "pho thu tuong", "bo truong", "chu tich", "pho chu tich",
    "bi thu", "pho bi thu", "giam doc", "pho giam doc", "truong ban", "pho truong ban", "truong phong",
    "chanh van phong", "truong khoi", "chu nhiem", "chanh an", "vien truong",
))
CURRENT = ("hien nay", "hien tai", "bay gio", "nam nay", "dang giu", "dang la")
# Abbreviations as typed in questions and as printed in documents (folded).
ABBREVIATIONS = {
    "ubnd": ("uy", "ban", "nhan", "dan"), "hdnd": ("hoi", "dong", "nhan", "dan"),
    "tdkt": ("thi", "dua", "khen", "thuong"), "mttq": ("mat", "tran", "to", "quoc"),
    "tw": ("trung", "uong"), "ct": ("chi", "thi"), "kh": ("ke", "hoach"), "nq": ("nghi", "quyet"),
    "cchc": ("cai", "cach", "hanh", "chinh"), "ntm": ("nong", "thon", "moi"),
}
AGENT_WORDS = frozenset(vntext.search_key(
    "sở ban phòng ủy ubnd hội đồng bộ chính phủ thủ tướng tỉnh ủy huyện ủy mặt trận trung tâm đảng đoàn "
    "thủ trưởng chủ tịch trưởng giám đốc cơ quan người cán bộ đoàn viên hội viên nhân dân tập thể cá nhân "
    "doanh nghiệp đối tượng cấp ủy chính quyền đoàn thể lãnh đạo chi bộ đảng viên hội nông dân"
).split())
_CAPITAL_RUN = re.compile(r"(?:[A-ZĐÀ-Ỹ][\wÀ-ỹ]*(?:\s+|$)){1,6}")
_SURNAMES = frozenset(vntext.search_key(
    "Nguyễn Trần Lê Phạm Hoàng Huỳnh Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Sùng Giàng Lò Lường Hà Đinh Lương Tòng Vàng "
    "Thào Mùa Cầm Quàng Lầu Chảo Tẩn Phan Trịnh Mai Đào Cao Lâm Tô Triệu Nông Hứa").split())


@dataclass
class Needs:
    """What an answer to one question must contain."""

    numbers: set[str] = field(default_factory=set)  # digits, leading zeros dropped
    ordinals: set[tuple[str, str]] = field(default_factory=set)  # ("thu", "x"), ("khoa", "xv"), ("thu", "tu")
    names: set[str] = field(default_factory=set)  # folded words of capitalised names (not places)
    kind: Optional[str] = None  # who / day / year / when / number / place
    counted: Optional[str] = None  # "phuong" in "bao nhiêu phường"
    counted_after: Optional[str] = None  # "loai" in "loại mấy": the numeral follows this word
    office: Optional[tuple[str, ...]] = None  # "chu tich ubnd tinh lai chau" in "ai là chủ tịch …"
    current: bool = False  # "hiện nay": only "theo văn bản … (năm …)"


def _digits(token: str) -> str:
    return token.lstrip("0") or "0"


def needs_of(q: Query) -> Needs:
    """Read a question's specific terms and answer kind."""
    folded = q.folded
    needs = Needs(current=any(has_phrase(folded, p) for p in CURRENT))
    needs.numbers = {_digits(t) for t in folded if t.isdigit()}
    for a, b in zip(folded, folded[1:]):
        if a in ORDINAL_HEADS and (ROMAN.match(b) or (a == "thu" and b in NUMBER_WORDS)) and b:
            needs.ordinals.add((a, b))
    needs.kind, needs.counted, needs.counted_after = _kind(folded)
    needs.office = _office(folded)
    needs.names = _capitalised_words(q.text) - set(q.selectors) - {w for _, w in needs.ordinals}
    return needs


_NOT_COUNTED = frozenset({None, "la", "cua", "o", "tai", "trong", "va", "thi", "vay", "a", "nhi", "nhe"})


def _kind(folded: list[str]) -> tuple[Optional[str], Optional[str], Optional[str]]:
    for phrase, kind in KIND_PHRASES:
        words = phrase.split()
        n = len(words)
        for i in range(len(folded) - n + 1):
            if folded[i:i + n] != words:
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
    words = text.split()
    rest = " ".join(words[1:]) if words else ""
    out: set[str] = set()
    for m in _CAPITAL_RUN.finditer(rest):
        run = vntext.search_key(m.group(0)).split()
        if len(run) >= 1:
            out.update(w for w in run if not w.isdigit() and not ROMAN.match(w) and len(w) > 1)
    return out


# -- checking a passage -------------------------------------------------------------
@dataclass
class Cited:
    """What an answer would cite: the passage shown and its surroundings."""

    passage: str  # the text shown (accented, as printed)
    context_tokens: frozenset[str]  # folded tokens and bigrams of passage + section heading/ref + doc fields
    passage_tokens: list[str] = field(default_factory=list)  # folded syllables of the passage, in order


def cited(passage: str, context_text: str, tokenize: Callable[[str], list[str]]) -> Cited:
    syl = [vntext.search_key(s) for s in vntext.syllables(passage)]
    return Cited(passage, frozenset(tokenize(f"{passage}\n{context_text}")), syl)


def _has_word(word: str, tokens: frozenset[str]) -> bool:
    if word in tokens:
        return True
    expanded = ABBREVIATIONS.get(word)
    if expanded and all(w in tokens for w in expanded):
        return True
    return any(word == abbr and all(w in tokens for w in full) for abbr, full in ABBREVIATIONS.items())


def specific_terms_present(needs: Needs, c: Cited) -> bool:
    tokens = c.context_tokens
    digits = {_digits(t) for t in tokens if t.isdigit()}
    if not needs.numbers <= digits:
        return False
    if any(f"{a}_{b}" not in tokens for a, b in needs.ordinals):
        return False
    return all(_has_word(w, tokens) for w in needs.names)


def kind_fits(needs: Needs, c: Cited) -> bool:
    kind, syl, text = needs.kind, c.passage_tokens, c.passage
    own_numbers = needs.numbers
    if kind is None:
        return True
    if kind == "who":
        return any(w in AGENT_WORDS for w in syl) or bool(person_names(text))
    if kind == "day":
        return bool(re.search(r"\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b|\bngày \d{1,2}\b", text))
    if kind in ("year", "when"):
        years = {y for y in re.findall(r"\b(?:19|20)\d\d\b", text) if _digits(y) not in own_numbers}
        dated = kind == "when" and re.search(r"\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b|\btháng \d{1,2}\b", text)
        return bool(years) or bool(dated)
    if kind == "place":
        return bool(re.search(r"\b(?:tại|ở|trên địa bàn)\s+(?:[a-zà-ỹđ]+\s+){0,2}[A-ZĐÀ-Ỹ]", text))
    if kind == "number":
        return _number_fits(needs, syl, text)
    return True


def _is_numeral(tok: str) -> bool:
    return tok.isdigit() or bool(ROMAN.match(tok)) or tok in NUMBER_WORDS


def _number_fits(needs: Needs, syl: list[str], text: str) -> bool:
    if needs.counted_after:  # "loại mấy" → "loại II"; "lần thứ mấy" → "thứ V"
        head = needs.counted_after
        return any(a == head and _is_numeral(b) and (not b.isdigit() or _digits(b) not in needs.numbers)
                   for a, b in zip(syl, syl[1:]))
    if needs.counted == "phan":  # "bao nhiêu phần trăm"
        return bool(re.search(r"\d+(?:[.,]\d+)?\s*%|\bphần trăm\b", text))
    if needs.counted:  # "bao nhiêu tỉnh" → "7 tỉnh"
        return any(_is_numeral(a) and b == needs.counted and not (a.isdigit() and _digits(a) in needs.numbers)
                   for a, b in zip(syl, syl[1:]))
    return any(t.isdigit() and _digits(t) not in needs.numbers for t in syl)


def person_names(text: str) -> list[str]:
    """Capitalised runs of 2-4 words that start with a common Vietnamese surname."""
    out = []
    for m in re.finditer(r"\b([A-ZĐÀ-Ỹ][a-zà-ỹđ]+)((?:\s+[A-ZĐÀ-Ỹ][a-zà-ỹđ]+){1,3})", text):
        if vntext.search_key(m.group(1)) in _SURNAMES:
            out.append(m.group(0))
    return out


def words_covered(weights: list[tuple[str, float]], c: Cited, *, rare_idf: float, share: float) -> bool:
    """The question's informative words in what is cited: every rare one, and most by weight."""
    tokens = c.context_tokens
    total = sum(w for _, w in weights)
    if not total:
        return True
    got = 0.0
    for tok, w in weights:
        if _has_word(tok, tokens):
            got += w
        elif w >= rare_idf:
            return False
    return got / total >= share
