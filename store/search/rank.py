"""Ranking: BM25 over passages, document hints (place, number, kind, year, home province),
coverage re-ranking and the confidence that decides between an answer and "not found"."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable, Optional

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

from store.vn import text as vntext
from store.vn.provinces import province_names
from store.search.index import PassageIndex
from store.search.passages import tokenize
from store.search.places import expand_abbreviations, place_words, unknown_place
from store.search.query import DOC_WORDS, Query, analyze, has_phrase
from store.search.units import Hit


# Below this share of the question's (IDF-weighted) words found around a passage, the
# bot says it found nothing rather than show an unrelated passage.
MIN_CONFIDENCE = 0.42
COVERAGE_POWER = 2.0
NEAR_CREDIT = 0.5  # a question word found in the passage's section (not the passage itself)
BIGRAM_WEIGHT = 0.6  # word pairs, relative to single words
ACCENT_MISMATCH = 0.5  # credit for a word whose typed accents differ from the passage's
PLACE_BOOST = 0.6
NUMBER_BOOST = 1.5
KIND_BOOST = 0.15
YEAR_BOOST = 0.1
HOME_BOOST = 0.15  # the officer's own province, when the question names no place
OWN_CACHE = 4096  # passages whose token ids are kept (~1 KB each)
NO_TOKEN = -1  # a question token the corpus does not have
UNKNOWN_WORD_WEIGHT = 3.0
GENERIC_WORDS = DOC_WORDS | frozenset("hien nay tai bay gio van de viec noi dung".split())
KINDS = {"ke hoach": "Kế hoạch", "chi thi": "Chỉ thị", "thong bao": "Thông báo", "nghi quyet": "Nghị quyết"}


@dataclass
class SearchResult:
    query: Query
    hits: list[Hit]
    doc_hints: dict[int, float] = field(default_factory=dict)  # documents the question names
    unknown_place: Optional[str] = None  # a place the question names that no document covers

    @property
    def best(self) -> Optional[Hit]:
        return self.hits[0] if self.hits else None


class SearchIndex:
    """The ranked passage search the handlers use (``services.search``)."""

    def __init__(self, index: PassageIndex, fingerprint: str) -> None:
        self.index = index
        self.fingerprint = fingerprint
        self.loaded_from_disk = False
        self.seconds = 0.0  # build or load time
        self._doc_ranges: dict[int, tuple[int, int]] = {}
        self._sec_ranges: dict[int, tuple[int, int]] = {}
        self._own_cache: dict[int, np.ndarray] = {}  # passage → its distinct token ids
        self._prepare()

    def _prepare(self) -> None:
        """Unit ranges of each document and section (units are stored in runs of both)."""
        for keys, ranges in ((self.index.units.doc, self._doc_ranges), (self.index.unit_secpos, self._sec_ranges)):
            if not len(keys):
                continue
            starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
            ends = np.r_[starts[1:], len(keys)]
            for start, end in zip(starts.tolist(), ends.tolist()):
                ranges[int(keys[start])] = (start, end)
        self._repair = lru_cache(maxsize=16384)(self._repair_token)

    # -- query repair ---------------------------------------------------------------
    def _repair_token(self, folded: str, accented: str) -> tuple[str, str]:
        """Fix a token the corpus does not know: Telex leftovers, then small typos."""
        idx = self.index
        if idx.known(folded) or not folded.isalpha():
            if accented != folded and not idx.known("@" + accented) and accented.startswith("d") \
                    and idx.known("@đ" + accented[1:]):
                accented = "đ" + accented[1:]  # đ typed as d among other accents
            return folded, accented
        if vntext.is_syllable(folded):
            return folded, accented  # a real word the corpus lacks: never "correct" it
        decoded = vntext.telex_decode(accented)
        if decoded and (idx.known(vntext.search_key(decoded)) or vntext.is_syllable(decoded)):
            return vntext.search_key(decoded), decoded
        for k in range(len(folded) - 1):  # a key pressed twice: "kyy", "chongg"
            if folded[k] == folded[k + 1]:
                single = vntext.search_key(folded[:k] + folded[k + 1:])
                if idx.known(single):
                    return single, single
        if len(folded) >= 4:  # "thidua" → "thi dua" when both halves and the pair are known
            for cut in range(1, len(folded)):
                a, b = folded[:cut], folded[cut:]
                if idx.known(a) and idx.known(b) and idx.known(f"{a}_{b}"):
                    return f"{a} {b}", f"{a} {b}"
        if len(folded) >= 3:
            cutoff = 2 if len(folded) >= 7 else 1
            match = process.extractOne(folded, idx.vocab_by_df, scorer=OSA.distance, score_cutoff=cutoff)
            if match is not None:
                return match[0], match[0]
        return folded, accented

    # -- ranking --------------------------------------------------------------------
    def search(self, question: str, *, home_provinces: Iterable[int] = (), limit: int = 30,
               only: frozenset[int] = frozenset()) -> SearchResult:
        """Rank passages for a question; hits carry a confidence in [0, 1]. ``only``: the
        documents the asker picked (the question is about them alone)."""
        idx = self.index
        q = analyze(question, self._repair)
        boosts = self._doc_boosts(q, set(home_provinces))
        if only:
            boosts = {d: boosts.get(d, 0.0) + NUMBER_BOOST for d in only}
        hints = {d: b for d, b in boosts.items() if b > HOME_BOOST + 1e-9}
        result = SearchResult(query=q, hits=[], doc_hints=hints, unknown_place=unknown_place(q.folded, q.accented, idx.known))
        tokens = q.tokens(idx.known)
        if not idx.units or not tokens:
            return result
        scores = idx.scores(tokens).astype(np.float64)
        for doc_id, boost in boosts.items():
            start, end = self._doc_ranges.get(doc_id, (0, 0))
            scores[start:end] *= 1.0 + boost
        named = set(only) or self.named_docs(q)
        home_docs = {d for d, doc in idx.docs.items() if doc.province_code in set(home_provinces)} if not named else set()
        first = self._mask(named or home_docs)
        idx.copies.keep_one(scores, first)  # copies of a passage: one offered
        seen_text: set[str] = set()
        own = self._top(scores, limit, first) if first is not None else []
        for pos in own + ([] if only else self._top(scores, limit, None)):
            unit = idx.units[int(pos)]
            if unit.text in seen_text:  # the same sentence in look-alike directives: the best one only
                continue
            seen_text.add(unit.text)
            result.hits.append(Hit(int(pos), float(scores[pos]), unit.doc_id, unit.section_id, unit.text))
        # Re-rank by coverage: a passage answering all of the question beats one that
        # repeats a few of its words.
        for hit in result.hits:
            hit.confidence = self.confidence(q, hit.unit)
            hit.score *= hit.confidence ** COVERAGE_POWER
        result.hits.sort(key=lambda h: -h.score)
        if named and any(h.doc_id in named and h.confidence >= MIN_CONFIDENCE for h in result.hits):
            # The question names a place: its documents answer first (stable order otherwise).
            result.hits.sort(key=lambda h: h.doc_id not in named)
        return result

    def _mask(self, docs: set[int]) -> Optional[np.ndarray]:
        """The passages of ``docs`` (None for none)."""
        if not docs:
            return None
        mask = np.zeros(len(self.index.units), dtype=bool)
        for doc_id in docs:
            start, end = self._doc_ranges.get(doc_id, (0, 0))
            mask[start:end] = True
        return mask

    def _top(self, scores: np.ndarray, k: int, mask: Optional[np.ndarray]) -> list[int]:
        """Positions of the ``k`` best-scoring units (of ``mask`` only, when given), best first.

        Among hundreds of look-alike directives, the documents the question names (or the
        asker's province) would be crowded out of a global top-k: they get their own."""
        positions = np.flatnonzero(scores > 0 if mask is None else mask & (scores > 0))
        if not len(positions):
            return []
        k = min(k, len(positions))
        best = positions[np.argpartition(-scores[positions], k - 1)[:k]]
        return [int(p) for p in best[np.argsort(-scores[best])]]

    def named_docs(self, q: Query) -> set[int]:
        """Documents of every place the question names, matched loosely ("tỉnh Lai Châu" → "Lai Châu");
        "tỉnh X" also names every document within province X (a district's plan is in its province)."""
        words = place_words(q.folded)
        _, phrases = self.index.place_hits(words)
        docs: set[int] = set()
        for phrase in phrases:
            for k in range(len(phrase)):
                docs.update(self.index.places.get(phrase[k:], {}))
        provinces = province_names()
        named = {provinces[" ".join(words[i + 1:i + n])] for i, w in enumerate(words) if w == "tinh"
                 for n in (2, 3, 4) if " ".join(words[i + 1:i + n]) in provinces}
        if named:
            docs.update(d for d, doc in self.index.docs.items() if doc.province_code in named)
        return docs

    def _doc_boosts(self, q: Query, home: set[int]) -> dict[int, float]:
        idx = self.index
        boosts: dict[int, float] = {}
        places, phrases = idx.place_hits(place_words(q.folded))
        q.selectors = {w for phrase in phrases for w in phrase}
        for doc_id, w in places.items():
            boosts[doc_id] = boosts.get(doc_id, 0.0) + PLACE_BOOST * w
        for number in q.numbers:
            for doc_id in idx.numbers.get(number, []):
                boosts[doc_id] = boosts.get(doc_id, 0.0) + NUMBER_BOOST
        if boosts or q.years:
            kinds = {kind for key, kind in KINDS.items() if has_phrase(q.folded, key)}
            for doc_id, doc in idx.docs.items():
                extra = 0.0
                if doc.kind in kinds and doc_id in boosts:
                    extra += KIND_BOOST
                if doc.issued_year in q.years and (doc_id in boosts or not places):
                    extra += YEAR_BOOST
                if extra:
                    boosts[doc_id] = boosts.get(doc_id, 0.0) + extra
        if home and not places:  # "02/CT-UBND" is issued by many provinces: the asker's own first
            for doc_id, doc in idx.docs.items():
                if doc.province_code in home:
                    boosts[doc_id] = boosts.get(doc_id, 0.0) + HOME_BOOST
        return boosts

    def confidence(self, q: Query, pos: int) -> float:
        """IDF-weighted share of the question's words and word pairs found around a passage."""
        idx = self.index
        ids, weights, marked, has_mark = self._weight_ids(q)
        total = float(weights.sum())
        if not total:
            return 0.0
        own, near = self._own_ids(pos), idx.near_ids(int(idx.unit_secpos[pos]))
        in_own, in_near = _member(own, ids), _member(near, ids)
        place = np.where(in_own, 1.0, np.where(in_near, NEAR_CREDIT, 0.0))
        # With diacritics typed, "sổ đỏ" is not "số đó": a word matched only by its folded
        # form earns part of its weight (part, because typed accents are sometimes wrong).
        mismatch = (place > 0) & has_mark & ~_member(own, marked) & ~_member(near, marked)
        place = np.where(mismatch, place * ACCENT_MISMATCH, place)
        return float((weights * place).sum()) / total

    def _own_ids(self, pos: int) -> np.ndarray:
        cached = self._own_cache.get(pos)
        if cached is None:
            if len(self._own_cache) >= OWN_CACHE:
                self._own_cache.clear()
            cached = self._own_cache[pos] = self.index.own_ids(pos)
        return cached

    def _weight_ids(self, q: Query) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The question's weighted tokens as vocabulary ids (computed once per question)."""
        cached = q.weight_ids
        if cached is None:
            vocab = self.index.vocab
            weights = self._weights(q)
            cached = (np.asarray([vocab.get(t, NO_TOKEN) for t, _, _ in weights], dtype=np.int64),
                      np.asarray([w for _, w, _ in weights], dtype=np.float64),
                      np.asarray([vocab.get(m, NO_TOKEN) if m else NO_TOKEN for _, _, m in weights], dtype=np.int64),
                      np.asarray([bool(m) for _, _, m in weights], dtype=bool))
            q.weight_ids = cached
        return cached

    def _weights(self, q: Query) -> list[tuple[str, float, str]]:
        """(token, weight, accented token to check or "") for the question, computed once."""
        cached = q.weights
        if cached is None:
            idx = self.index
            accents = dict(zip(q.folded, q.accented)) if q.diacritics else {}
            cached = [(t, idx.idf(t), "@" + accents[t] if accents.get(t, t) != t else "")
                      for t in q.ranked_content()]
            cached += [(t, BIGRAM_WEIGHT * idx.idf(t), "") for t in q.content_bigrams()]
            q.weights = cached
        return cached

    def word_weights(self, q: Query) -> list[tuple[str, float, str]]:
        """(word, IDF, accented token or "") of the question's meaningful single words, minus those
        that only say "a document" or "now". With diacritics typed the accented form's IDF counts:
        "lương" is rare even though "lượng" is everywhere."""
        idf = self.index.idf
        out = []
        for t, w, m in self._weights(q):
            if "_" in t or t in GENERIC_WORDS:
                continue
            # The accents count only for a word the corpus never writes ("lương"): a word it does
            # write ("sắp") may be misspelt in a passage ("sáp", OCR); a repaired word's are a guess.
            m = "" if t in q.repaired or self.index.known(m) else m
            w = max(w, idf(m)) if m else w
            if not self.index.known(t) or m:
                # A word no passage uses is a typo, a synonym or a topic the documents lack: it
                # counts, but as any informative word, not as a must-have.
                w = min(w, UNKNOWN_WORD_WEIGHT)
            out.append((t, w, m))
        return out

    def doc_tokens(self, doc_id: int) -> frozenset[str]:
        """Tokens that name a document: kind, number, title, issuer, place, signer ("UBND" also
        as "ủy ban nhân dân")."""
        start, _ = self._doc_ranges.get(doc_id, (0, 0))
        units = self.index.units[start:start + 2]
        text = " ".join(u.text for u in units if u.doc_id == doc_id and u.section_id is None)
        return frozenset(tokenize(text) + tokenize(expand_abbreviations(text)))

def _member(sorted_ids: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Which of ``ids`` are in ``sorted_ids`` (sorted, distinct)."""
    if not len(sorted_ids):
        return np.zeros(len(ids), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_ids, ids), len(sorted_ids) - 1)
    found: np.ndarray = sorted_ids[at] == ids
    return found
