"""Understanding a question: tokens (with Telex/typo repair), question words, intents.

Everything works on folded syllables so a question typed without diacritics, with old
tone placement, in NFD or with ``đ`` typed as ``d`` reads the same; the accented forms are
kept and used only when the user actually typed diacritics.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Optional

import numpy as np

from store.vn import text as vntext

# Question phrases (folded) removed before ranking; longest first.
QUESTION_PHRASES: tuple[tuple[str, ...], ...] = tuple(
    tuple(p.split()) for p in sorted([
        "nhu the nao", "the nao", "bao nhieu", "la gi", "la nhung gi", "nhung gi", "gi", "nao",
        "ai", "o dau", "den dau", "khi nao", "bao gio", "lan thu may", "thu may", "may",
        "nhu nao", "ra sao", "the nao", "hay khong", "khong", "chua", "vay", "a", "nhi",
        "cho biet", "cho hoi", "xin hoi", "hoi",
    ], key=lambda p: -len(p.split()))
)
# Function words (folded): dropped from single-token matching, kept inside bigrams.
STOPWORDS = frozenset(
    "la cua nhung cac va voi co duoc trong cho tu tai ve o nay do den khi ma se da "
    "mot hay hoac nhu the phai lam gi nao ai dau may nhieu sao de".split()
) - {"thi", "the"}  # "thi" (thi đua) and "the" (thể, thế) carry meaning here

# Intents answered from document fields, by folded trigger phrases.
INTENT_PATTERNS: dict[str, tuple[str, ...]] = {
    "signer": ("ai ky", "nguoi ky", "ky boi", "do ai ky", "ai la nguoi ky", "nguoi ky ten", "ky ten"),
    "date": ("ban hanh ngay nao", "ngay ban hanh", "ban hanh khi nao", "ban hanh vao ngay",
             "ngay nao", "khi nao ban hanh", "ngay thang nam nao", "ky ngay nao", "ky khi nao",
             "ban hanh thang may", "ban hanh vao thang", "ban hanh nam nao", "ban hanh thang nao"),
    "recipients": ("gui ai", "gui den", "gui cho", "gui toi", "noi nhan", "gui ubnd", "gui co quan", "gui ban",
                   "gui so", "gui nhung", "gui cac"),
    "number": ("so may", "so hieu", "so ky hieu", "so bao nhieu", "mang so"),
    "issuer": ("co quan nao ban hanh", "ai ban hanh", "do ai ban hanh", "don vi nao ban hanh",
               "cap nao ban hanh", "ban hanh boi"),
    "theme": ("chu de", "khau hieu"),
    "campaigns": ("nhung phong trao", "cac phong trao", "phong trao nao", "phong trao gi",
                  "nhung cuoc van dong", "cuoc van dong nao"),
    "duties": ("bao cao dinh ky", "che do bao cao", "phai bao cao", "bao cao khi nao",
               "bao cao gi", "bao cao ve dau", "nop bao cao", "han bao cao", "bao cao cho ai"),
}
# Words that only say "a document": they do not count as question content.
DOC_WORDS = frozenset(vntext.search_key("chi thi ke hoach van ban phat dong thi dua ban hanh ky so ngay nam").split())

NUMBER_RE = re.compile(r"\b\d{1,4}(?:/\d{4})?[/-][0-9A-Za-zĐđ]+(?:[-/][0-9A-Za-zĐđ]+)*")
YEAR_RE = re.compile(r"\b(19[5-9]\d|20\d\d)\b")


@dataclass
class Query:
    """A normalised question ready for ranking."""

    text: str  # normalised (NFC, tone placement)
    folded: list[str]  # corrected folded syllables, in order
    accented: list[str]  # corrected accented syllables (parallel to ``folded``)
    diacritics: bool  # the user typed marks: accented tokens count
    content: list[str] = field(default_factory=list)  # folded unigrams that carry meaning
    bigrams: list[str] = field(default_factory=list)  # "thi_dua"
    numbers: list[str] = field(default_factory=list)  # folded document numbers "02 ct ubnd"
    years: list[int] = field(default_factory=list)
    intents: set[str] = field(default_factory=set)
    selectors: set[str] = field(default_factory=set)  # place words used to pick documents
    repaired: set[str] = field(default_factory=set)  # folded words made by typo / Telex repair (accents unsure)
    # Filled by the ranker, once: (token, weight, accented token or ""), then the same as vocabulary-id arrays.
    weights: Optional[list[tuple[str, float, str]]] = field(default=None, repr=False)
    weight_ids: Optional[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = field(default=None, repr=False)

    def ranked_content(self) -> list[str]:
        return [t for t in self.content if t not in self.selectors]

    def content_bigrams(self) -> list[str]:
        """Bigrams of two meaningful words (the ones that show a passage is on topic)."""
        keep = set(self.ranked_content())
        return [b for b in self.ranked_bigrams() if all(p in keep for p in b.split("_"))]

    def ranked_bigrams(self) -> list[str]:
        return [b for b in self.bigrams if not all(p in self.selectors for p in b.split("_"))]

    def tokens(self, accented_vocab: Optional[Callable[[str], bool]] = None) -> list[str]:
        """The token list for BM25: content unigrams, bigrams, accented unigrams if typed."""
        toks = self.ranked_content() + self.ranked_bigrams()
        if self.diacritics:
            content = set(self.ranked_content())
            toks += ["@" + a for f, a in zip(self.folded, self.accented)
                     if f in content and a != f and (accented_vocab is None or accented_vocab("@" + a))]
        return toks


def _question_mask(folded: list[str]) -> list[bool]:
    """True for tokens that belong to a question phrase ("như thế nào", "bao nhiêu")."""
    mask = [False] * len(folded)
    i = 0
    while i < len(folded):
        for phrase in QUESTION_PHRASES:
            n = len(phrase)
            if tuple(folded[i:i + n]) == phrase:
                for k in range(i, i + n):
                    mask[k] = True
                i += n - 1
                break
        i += 1
    return mask


def has_phrase(folded: list[str], phrase: str) -> bool:
    """Does the folded token list contain ``phrase`` (folded, space separated)?"""
    words = phrase.split()
    n = len(words)
    return any(folded[i:i + n] == words for i in range(len(folded) - n + 1))


# The longest Vietnamese syllable has 7 letters and codes like "ubnd" are short: anything longer
# is noise ("aaaa…" typed 4,000 times). Cut before the repair, whose doubled-key pass is
# quadratic in the token's length (one such token cost ~0.7 s).
MAX_TOKEN_CHARS = 32


def analyze(text: str, repair: Callable[[str, str], tuple[str, str]]) -> Query:
    """Normalise ``text``; ``repair(folded, accented)`` fixes tokens unknown to the corpus."""
    norm = vntext.normalize(text)
    diacritics = vntext.has_diacritics(norm)
    accented: list[str] = []
    folded: list[str] = []
    repaired: set[str] = set()
    for syl in vntext.syllables(norm):
        f = vntext.search_key(syl)
        if not f:
            continue
        f, syl = f[:MAX_TOKEN_CHARS], syl[:MAX_TOKEN_CHARS]
        f2, a = repair(f, syl)
        if (f2, a) != (f, syl):
            repaired.update(f2.split())
        for part_f, part_a in zip(f2.split(), a.split()):
            folded.append(part_f)
            accented.append(part_a)
    q = Query(text=norm, folded=folded, accented=accented, diacritics=diacritics, repaired=repaired)
    qmask = _question_mask(folded)
    q.content = [f for f, m in zip(folded, qmask) if not m and f not in STOPWORDS]
    q.bigrams = [f"{a}_{b}" for a, b, ma, mb in zip(folded, folded[1:], qmask, qmask[1:])
                 if not (ma or mb)]
    q.numbers = [vntext.fold(m.group(0)) for m in NUMBER_RE.finditer(norm)]
    q.years = [int(y) for y in YEAR_RE.findall(norm)]
    for intent, phrases in _KEYED_INTENTS.items():
        if any(has_phrase(folded, p) for p in phrases):
            q.intents.add(intent)
    return q


_KEYED_INTENTS = {intent: tuple(vntext.search_key(p) for p in phrases) for intent, phrases in INTENT_PATTERNS.items()}
