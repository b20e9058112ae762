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
# Abbreviations as typed in questions and as printed in documents (folded).
ABBREVIATIONS = {
    "ubnd": ("uy", "ban", "nhan", "dan"), "hdnd": ("hoi", "dong", "nhan", "dan"),
    "tdkt": ("thi", "dua", "khen", "thuong"), "mttq": ("mat", "tran", "to", "quoc"),
    "tw": ("trung", "uong"), "ct": ("chi", "thi"), "kh": ("ke", "hoach"), "nq": ("nghi", "quyet"),
    "cchc": ("cai", "cach", "hanh", "chinh"), "ntm": ("nong", "thon", "moi"), "tp": ("thanh", "pho"),
}
_SURNAMES = frozenset(vntext.search_key(
    "Nguyễn Trần Lê Phạm Hoàng Huỳnh Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Sùng Giàng Lò Lường Hà Đinh Lương Tòng Vàng "
    "Thào Mùa Cầm Quàng Lầu Chảo Tẩn Phan Trịnh Mai Đào Cao Lâm Tô Triệu Nông Hứa").split())


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


def _digits(token: str) -> str:
    return token.lstrip("0") or "0"


def needs_of(q: Query) -> Needs:
    """Read a question's specific terms and answer kind."""
    folded = q.folded
    needs = Needs(current=any(has_phrase(folded, p) for p in CURRENT))
    needs.numbers = {_digits(t) for t in folded if t.isdigit()}
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


# -- checking a passage -------------------------------------------------------------
@dataclass
class Cited:
    """What an answer would cite: the passage shown and its surroundings."""

    passage: str  # the text shown (accented, as printed)
    context_tokens: frozenset[str]  # folded tokens and bigrams of passage + section heading/ref + doc fields
    passage_tokens: list[str] = field(default_factory=list)  # folded words and punctuation marks, in order


def cited(passage: str, context_text: str, tokenize: Callable[[str], list[str]]) -> Cited:
    # "%" stays with its number ("30% thời gian" counts "30 thời"); other marks break adjacency.
    syl = [vntext.search_key(t) or t for t in re.findall(r"[^\W_]+|[^\w\s%]", vntext.normalize(passage))]
    return Cited(passage, frozenset(tokenize(f"{passage}\n{context_text}")), syl)


def _has_word(word: str, tokens: frozenset[str]) -> bool:
    if word in tokens:
        return True
    expanded = ABBREVIATIONS.get(word)
    if expanded and all(w in tokens for w in expanded):
        return True
    return any((word == abbr and all(w in tokens for w in full)) or (word in full and abbr in tokens)
               for abbr, full in ABBREVIATIONS.items())


def specific_terms_present(needs: Needs, c: Cited) -> bool:
    tokens = c.context_tokens
    digits = {_digits(t) for t in tokens if t.isdigit()}
    if not needs.numbers <= digits:
        return False
    if any(f"{a}_{b}" not in tokens for a, b in needs.ordinals):
        return False
    if any(f"{a}_{b}" not in tokens for code in needs.codes for a, b in zip(code, code[1:])):
        return False
    return all(_has_word(w, tokens) for w in needs.names)


_DATE = re.compile(r"\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b|\bngày \d{1,2}\b")
_MONTH = re.compile(r"\btháng \d{1,2}\b")
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_NUMBER = re.compile(r"\b\d+(?:[.,]\d+)?\b")
_PERCENT = re.compile(r"\d+(?:[.,]\d+)?\s*%|\bphần trăm\b", re.I)
_AGENT = re.compile(
    r"\b(?:Sở|Ban|Phòng|Ủy ban|Uỷ ban|UBND|HĐND|Hội đồng|Bộ|Chính phủ|Thủ tướng|Tỉnh ủy|Tỉnh uỷ|Huyện ủy|"
    r"Huyện uỷ|Thành ủy|Mặt trận|Trung tâm|Đảng đoàn|Ban cán sự|Thủ trưởng|Chủ tịch|Trưởng|Giám đốc|cơ quan|"
    r"người đứng đầu|cán bộ|đoàn viên|hội viên|Nhân dân|tập thể|cá nhân|doanh nghiệp|cấp ủy|cấp uỷ|chính quyền|"
    r"đoàn thể|lãnh đạo|chi bộ|đảng viên|người lao động|người dân|huyện|thành phố|tỉnh|xã|phường)\b", re.I)
_MEMBERS = re.compile(r"\b(?:bao gồm|gồm có|gồm|gồm các|gồm những)\b", re.I)
_CLAUSE_END = re.compile(r"[;:\n]|\.(?=\s|$)")
NEAR_CHARS = 160  # an answer is attached to what the question is about: same clause, this close


def kind_fits(needs: Needs, c: Cited, focus: set[str], asked: set[str]) -> bool:
    """Does the passage hold the kind of answer asked for, next to what the question is about?
    ``focus``: the question's most specific words; ``asked``: every folded word of the question."""
    kind, text = needs.kind, c.passage
    if kind is None:
        return True
    if kind == "number" and (needs.counted or needs.counted_after):
        return _counted_fits(needs, c)
    if kind == "docref":  # "Nghị định 91/2017/NĐ-CP", "Thông tư số 12/2019/TT-BNV", "Luật Thi đua"
        spots = _doc_references(text, needs.counted or "")
    elif kind == "who":
        spots = [m.start() for m in _AGENT.finditer(text) if vntext.search_key(m.group(0)) not in " ".join(asked)]
        spots += [text.find(n) for n in person_names(text)]
    elif kind == "day":
        spots = [m.start() for m in _DATE.finditer(text)]
    elif kind in ("year", "when"):
        spots = [m.start() for m in _YEAR.finditer(text) if _digits(m.group(0)) not in needs.numbers]
        if kind == "when":
            spots += [m.start() for m in _DATE.finditer(text)] + [m.start() for m in _MONTH.finditer(text)]
    elif kind == "place":
        spots = _locatives(text)
    elif kind == "members":  # "gồm những đơn vị nào": the passage must list what it consists of
        spots = [m.start() for m in _MEMBERS.finditer(text)]
    else:  # a quantity: not a year, a date or a document number
        spots = [m.start() for m in _NUMBER.finditer(text) if _digits(m.group(0).split(",")[0]) not in needs.numbers
                 and not _YEAR.fullmatch(m.group(0)) and not _in_date_or_code(text, m.start(), m.end())]
    return _near(text, spots, _focus_spots(text, focus))


def _doc_references(text: str, doc_type: str) -> list[int]:
    """Where "<doc type> <number or name>" starts ("Thông tư số 12/2019/TT-BNV")."""
    want = doc_type.split()
    words = [(m.start(), m.end(), vntext.search_key(m.group(0))) for m in re.finditer(r"[^\W_]+", text)]
    spots = []
    for i in range(len(words) - len(want) + 1):
        if [w[2] for w in words[i:i + len(want)]] == want and _numbered_after(text, words[i + len(want) - 1][1]):
            spots.append(words[i][0])
    return spots


def _numbered_after(text: str, end: int) -> bool:
    """A document type followed by its number ("số 12/2019…", "91/2017…", "18 và 19") or name."""
    rest = text[end:end + 30]
    return bool(re.match(r"\s+(?:số\s+)?\d", rest) or re.match(r"\s+[A-ZĐ]", rest))


def _in_date_or_code(text: str, start: int, end: int) -> bool:
    return (start > 0 and text[start - 1] in "/-") or (end < len(text) and text[end:end + 1] in "/-")


def _focus_spots(text: str, focus: set[str]) -> list[int]:
    """Where the question's word pairs ("quyet_thang") occur, else its most specific words."""
    words = [(m.start(), vntext.search_key(m.group(0))) for m in re.finditer(r"[^\W_]+", text)]
    pairs = {f for f in focus if "_" in f}
    spots = [a[0] for a, b in zip(words, words[1:]) if f"{a[1]}_{b[1]}" in pairs]
    return spots or [pos for pos, w in words if w in focus]


def _near(text: str, spots: list[int], focus: list[int]) -> bool:
    """Some answer spot in the same clause as, and close to, some focus word (any spot if no focus)."""
    if not spots:
        return False
    if not focus:
        return True
    for a in spots:
        for f in focus:
            lo, hi = min(a, f), max(a, f)
            if hi - lo <= NEAR_CHARS and not _CLAUSE_END.search(text, lo, hi):
                return True
    return False


def _locatives(text: str) -> list[int]:
    """Where "tại tỉnh Lai Châu", "ở Hà Nội" start: tại / ở with a capitalised word within three."""
    out = []
    words = list(re.finditer(r"[^\W_]+", text))
    for i, m in enumerate(words):
        if m.group(0).lower() in ("tại", "ở") and any(w.group(0)[:1].isupper() for w in words[i + 1:i + 4]):
            out.append(m.start())
    return out


def _is_numeral(tok: str) -> bool:
    return tok.isdigit() or bool(ROMAN.match(tok)) or tok in NUMBER_WORDS


def _counted_fits(needs: Needs, c: Cited) -> bool:
    """"loại mấy" → "loại II"; "bao nhiêu tỉnh" → "7 tỉnh"; "bao nhiêu phần trăm" → "30%"."""
    if needs.counted == "phan":
        return bool(_PERCENT.search(c.passage))
    stream = c.passage_tokens  # words, with punctuation as its own tokens
    for a, b in zip(stream, stream[1:]):
        if needs.counted_after and a == needs.counted_after and (_is_numeral(b) or b in ORDINAL_WORDS) \
                and not (b.isdigit() and _digits(b) in needs.numbers):
            return True
        if needs.counted and b == needs.counted and _is_numeral(a) and not (a.isdigit() and _digits(a) in needs.numbers):
            return True
    return False


def person_names(text: str) -> list[str]:
    """Capitalised runs of 2-4 words that start with a common Vietnamese surname."""
    words = re.findall(r"[^\W\d_]+", text)
    out = []
    for i, word in enumerate(words):
        if word[:1].isupper() and vntext.search_key(word) in _SURNAMES:
            run = [w for w in words[i + 1:i + 4]]
            n = 0
            while n < len(run) and run[n][:1].isupper():
                n += 1
            if n >= 1:
                out.append(" ".join([word] + run[:n]))
    return out


def share_needed(needs: Needs, share: float, strong: float) -> float:
    """An answer pinned by structure ("loại II", "7 tỉnh", a document code) needs fewer shared words."""
    return strong if needs.counted or needs.counted_after or needs.codes or needs.ordinals else share


def words_covered(weights: list[tuple[str, float, str]], c: Cited, *, rare_idf: float, share: float) -> bool:
    """The question's informative words in what is cited: every rare one, and most by weight.

    ``weights``: (folded word, IDF, accented token "@lương" or ""); with diacritics typed,
    "lương" is not "lượng": the accented form must be there too."""
    tokens = c.context_tokens
    total = sum(w for _, w, _ in weights)
    if not total:
        return True
    got = 0.0
    for tok, w, marked in weights:
        if _has_word(tok, tokens) and (not marked or marked in tokens):
            got += w
        elif w >= rare_idf:
            return False
    return got / total >= share


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
