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
Everything works on folded syllables (``store.vn.text.search_key``) except the checks that
need the passage's own spelling (capitals, "%").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable, Sequence

from store.vn import text as vntext
from store.search.answer_needs import FRAME_WORDS, NUMBER_WORDS, ORDINAL_WORDS, ROMAN, digits
# Re-exported: the answer-or-decline API lives here.
from store.search.answer_needs import Needs as Needs, answer_weights as answer_weights
from store.search.answer_needs import needs_of as needs_of, share_needed as share_needed

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


# One word's search key, cached: passages repeat the same few thousand words, and every
# candidate of every question is read word by word.
word_key = lru_cache(maxsize=1 << 16)(vntext.search_key)


# -- checking a passage -------------------------------------------------------------
@dataclass
class Cited:
    """What an answer would cite: the passage shown and its surroundings."""

    passage: str  # the text shown (accented, as printed)
    context_tokens: frozenset[str]  # folded tokens and bigrams of passage + section heading/ref + doc fields
    passage_tokens: list[str] = field(default_factory=list)  # folded words and punctuation marks, in order


def cited(passage: str, context_text: str, tokenize: Callable[[str], list[str]]) -> Cited:
    # "%" stays with its number ("30% thời gian" counts "30 thời"); other marks break adjacency.
    syl = [word_key(t) or t for t in re.findall(r"[^\W_]+|[^\w\s%]", vntext.normalize(passage))]
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
    present = {digits(t) for t in tokens if t.isdigit()}
    if not needs.numbers <= present:
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
# A document code ("34-CT/TW", "09/CT-UBND", "12/2019/TT-BNV") and the date right after it: that
# document's own date ("Chỉ thị số 34-CT/TW ngày 07/4/2014"), the answer to nothing else.
_DOC_DATE = re.compile(r"\b\d+(?:/\d{4})?[-/][A-ZĐ][0-9A-Za-zĐđ]*(?:[-/][0-9A-Za-zĐđ]+)*,?\s+(?:ngày\s+)?"
                       r"\d{1,2}(?:/\d{1,2}/\d{2,4}|\s+tháng\s+\d{1,2}\s+năm\s+\d{4})")
_DAY_OR_MONTH = re.compile(r"\b(?:ngày|tháng)\s+$", re.I)  # "ngày 07 tháng 4": a date, not a quantity
_CODE_YEAR = re.compile(r"(?<=/)(?:19|20)\d\d(?=/)")  # "91/2017/NĐ-CP"
PAIR_WEIGHT = 0.6  # a word pair against a single word, as in the ranking (store/search/rank.py BIGRAM_WEIGHT)
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
        spots = [m.start() for m in _AGENT.finditer(text) if word_key(m.group(0)) not in " ".join(asked)]
        spots += [text.find(n) for n in person_names(text)]
    elif kind == "day":
        spots = _not_document_dates(needs, text, [m.start() for m in _DATE.finditer(text)])
    elif kind in ("year", "when"):
        spots = [m.start() for m in _YEAR.finditer(text) if digits(m.group(0)) not in needs.numbers]
        if kind == "when":
            spots += [m.start() for m in _DATE.finditer(text)] + [m.start() for m in _MONTH.finditer(text)]
        spots = _not_document_dates(needs, text, spots)
    elif kind == "place":
        spots = _locatives(text, asked - needs.places)
    elif kind == "members":  # "gồm những đơn vị nào": the passage must list what it consists of
        spots = [m.start() for m in _MEMBERS.finditer(text)]
    else:  # a quantity: not a year, a date or a document number
        spots = [m.start() for m in _NUMBER.finditer(text) if digits(m.group(0).split(",")[0]) not in needs.numbers
                 and not _YEAR.fullmatch(m.group(0)) and not _in_date_or_code(text, m.start(), m.end())
                 and not _DAY_OR_MONTH.search(text, max(0, m.start() - 6), m.start())]
    return _near(text, spots, _focus_spots(text, focus))


def _not_document_dates(needs: Needs, text: str, spots: list[int]) -> list[int]:
    """Date and year spots, minus the dates of the documents a passage cites, unless the question
    is about a document ("Thông tư 12/2019/TT-BNV ban hành ngày nào?"): "Ngày thi đua yêu nước là
    ngày nào?" is not answered by "… và Chỉ thị số 34-CT/TW ngày 07/4/2014"."""
    if needs.codes or needs.about_document:
        return spots
    taken = [(m.start(), m.end()) for m in _DOC_DATE.finditer(text)]
    taken += [(m.start(), m.end()) for m in _CODE_YEAR.finditer(text)]
    return [s for s in spots if not any(lo <= s < hi for lo, hi in taken)]


def _doc_references(text: str, doc_type: str) -> list[int]:
    """Where "<doc type> <number or name>" starts ("Thông tư số 12/2019/TT-BNV")."""
    want = doc_type.split()
    words = [(m.start(), m.end(), word_key(m.group(0))) for m in re.finditer(r"[^\W_]+", text)]
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
    words = [(m.start(), word_key(m.group(0))) for m in re.finditer(r"[^\W_]+", text)]
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


def _locatives(text: str, topic: set[str]) -> list[int]:
    """Where "tại tỉnh Lai Châu", "ở Hà Nội" start: tại / ở with a capitalised word within three.
    A locative made of the question's own words (``topic``: its words other than place names) is
    the topic itself, not where it happens: "phát động tại Đại hội Thi đua…" does not say where
    the Đại hội Thi đua was held."""
    out = []
    words = list(re.finditer(r"[^\W_]+", text))
    for i, m in enumerate(words):
        if m.group(0).lower() in ("tại", "ở") and any(w.group(0)[:1].isupper() for w in words[i + 1:i + 4]):
            after = [word_key(w.group(0)) for w in words[i + 1:i + 3]]
            if len(after) == 2 and all(w in topic for w in after):
                continue
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
                and not (b.isdigit() and digits(b) in needs.numbers):
            return True
        if needs.counted and b == needs.counted and _is_numeral(a) and not (a.isdigit() and digits(a) in needs.numbers):
            return True
    return False


def person_names(text: str) -> list[str]:
    """Capitalised runs of 2-4 words that start with a common Vietnamese surname."""
    words = re.findall(r"[^\W\d_]+", text)
    out = []
    for i, word in enumerate(words):
        if word[:1].isupper() and word_key(word) in _SURNAMES:
            run = [w for w in words[i + 1:i + 4]]
            n = 0
            while n < len(run) and run[n][:1].isupper():
                n += 1
            if n >= 1:
                out.append(" ".join([word] + run[:n]))
    return out


def pair_weights(pairs: list[str], needs: Needs, idf: Callable[[str], float], known: Callable[[str], bool],
                 weight: float = PAIR_WEIGHT) -> list[tuple[str, float]]:
    """The question's word pairs the documents use ("quyết thắng"), weighted as the ranking weighs
    them. Most Vietnamese words are two syllables: a passage holding "quyết" only in "Nghị quyết"
    and "thắng" only in "thắng lợi" has the question's syllables but not its words."""
    skip = {needs.counted, needs.counted_after} | needs.kind_words | FRAME_WORDS
    return [(p, weight * idf(p)) for p in pairs if known(p) and not any(w in skip for w in p.split("_"))]


def words_covered(weights: list[tuple[str, float, str]], c: Cited, *, rare_idf: float, share: float,
                  pairs: Sequence[tuple[str, float]] = ()) -> bool:
    """The question's informative words in what is cited: every rare one, and most by weight;
    most of its words and word pairs (``pairs``) together too. Pairs only ever take away (no
    single pair is a must-have: "khích lệ" may answer "khuyến khích"), so a passage cannot pass
    on the pairs of a body's name ("Ban Thi đua - Khen thưởng") while the word asked about
    ("điện thoại") is missing.

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
    pair_total = sum(w for _, w in pairs)
    pair_got = sum(w for p, w in pairs if p in tokens)
    return got / total >= share and (got + pair_got) / (total + pair_total) >= share


# How many ranked passages an answer is looked for among, and how close a document must be to be
# named when declining (the answer itself is decided by the answerability model).
ANSWER_CANDIDATES = 30
TOPIC_CONFIDENCE = 0.3
