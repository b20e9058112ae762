"""Ranking: BM25 over passages, document hints (place, number, kind, year, home province),
coverage re-ranking and the confidence that decides between an answer and "not found"."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable, Optional

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

from store import vntext
from store.search_index import ADMIN_PREFIXES, Hit, PassageIndex, clean, tokenize
from store.search_query import Query, analyze, has_phrase


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
        self._near_cache: dict[int, frozenset[str]] = {}
        self._own_cache: dict[int, frozenset[str]] = {}
        self._prepare()

    def _prepare(self) -> None:
        for pos, unit in enumerate(self.index.units):
            start, _ = self._doc_ranges.get(unit.doc_id, (pos, pos))
            self._doc_ranges[unit.doc_id] = (start, pos + 1)
            secpos = int(self.index.unit_secpos[pos])
            start, _ = self._sec_ranges.get(secpos, (pos, pos))
            self._sec_ranges[secpos] = (start, pos + 1)
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
    def search(self, question: str, *, home_provinces: Iterable[int] = (), limit: int = 30) -> SearchResult:
        """Rank passages for a question; hits carry a confidence in [0, 1]."""
        idx = self.index
        q = analyze(question, self._repair)
        boosts = self._doc_boosts(q, set(home_provinces))
        hints = {d: b for d, b in boosts.items() if b > HOME_BOOST + 1e-9}
        result = SearchResult(query=q, hits=[], doc_hints=hints, unknown_place=self._unknown_place(q))
        tokens = q.tokens(idx.known)
        if not idx.units or not tokens:
            return result
        scores = idx.scores(tokens).astype(np.float64)
        for doc_id, boost in boosts.items():
            start, end = self._doc_ranges.get(doc_id, (0, 0))
            scores[start:end] *= 1.0 + boost
        k = min(limit, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        for pos in top:
            if scores[pos] <= 0:
                break
            unit = idx.units[int(pos)]
            result.hits.append(Hit(int(pos), float(scores[pos]), unit.doc_id, unit.section_id, unit.text))
        # Re-rank by coverage: a passage answering all of the question beats one that
        # repeats a few of its words.
        for hit in result.hits:
            hit.confidence = self.confidence(q, hit.unit)
            hit.score *= hit.confidence ** COVERAGE_POWER
        result.hits.sort(key=lambda h: -h.score)
        named = self._named_docs(q)
        if named and any(h.doc_id in named and h.confidence >= MIN_CONFIDENCE for h in result.hits):
            # The question names a place: its documents answer first (stable order otherwise).
            result.hits.sort(key=lambda h: h.doc_id not in named)
        return result

    def _named_docs(self, q: Query) -> set[int]:
        """Documents of every place the question names, matched loosely ("tỉnh Lai Châu" → "Lai Châu")."""
        _, phrases = self.index.place_hits(q.folded)
        docs: set[int] = set()
        for phrase in phrases:
            for k in range(len(phrase)):
                docs.update(self.index.places.get(phrase[k:], {}))
        return docs

    def _doc_boosts(self, q: Query, home: set[int]) -> dict[int, float]:
        idx = self.index
        boosts: dict[int, float] = {}
        places, phrases = idx.place_hits(q.folded)
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
        if home and not places and not q.numbers:
            for doc_id, doc in idx.docs.items():
                if doc.province_code in home:
                    boosts[doc_id] = boosts.get(doc_id, 0.0) + HOME_BOOST
        return boosts

    def confidence(self, q: Query, pos: int) -> float:
        """IDF-weighted share of the question's words and word pairs found around a passage."""
        idx = self.index
        near = self._near_tokens(int(idx.unit_secpos[pos]))
        own = self._own_tokens(pos)
        total = got = 0.0
        for tok, w, marked in self._weights(q):
            total += w
            place = 1.0 if tok in own else NEAR_CREDIT if tok in near else 0.0
            # With diacritics typed, "sổ đỏ" is not "số đó": a word matched only by its folded
            # form earns part of its weight (part, because typed accents are sometimes wrong).
            if place and marked and marked not in own and marked not in near:
                place *= ACCENT_MISMATCH
            got += w * place
        return got / total if total else 0.0

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

    def _own_tokens(self, pos: int) -> frozenset[str]:
        cached = self._own_cache.get(pos)
        if cached is None:
            if len(self._own_cache) > 65536:
                self._own_cache.clear()
            cached = self._own_cache[pos] = frozenset(tokenize(self.index.units[pos].text))
        return cached

    def doc_tokens(self, doc_id: int) -> frozenset[str]:
        """Tokens that name a document: kind, number, title, issuer, place, signer."""
        start, _ = self._doc_ranges.get(doc_id, (0, 0))
        units = self.index.units[start:start + 2]
        return frozenset(tokenize(" ".join(u.text for u in units if u.doc_id == doc_id and u.section_id is None)))

    def _near_tokens(self, secpos: int) -> frozenset[str]:
        """Tokens of a section and of its document's title and fields (cached)."""
        cached = self._near_cache.get(secpos)
        if cached is None:
            idx = self.index
            start, end = self._sec_ranges.get(secpos, (0, 0))
            doc_id = idx.units[start].doc_id if end > start else None
            dstart, _ = self._doc_ranges.get(doc_id, (start, start))
            texts = [u.text for u in idx.units[start:end]] + [u.text for u in idx.units[dstart:dstart + 2]]
            section_id = idx.units[start].section_id if end > start else None
            if section_id is not None:  # "Mục II.3", "thứ hai": how people point at a section
                texts.append(clean(idx.section_refs.get(section_id, "")))
            cached = frozenset(tokenize(" ".join(texts)))
            if len(self._near_cache) > 4096:
                self._near_cache.clear()
            self._near_cache[secpos] = cached
        return cached

    def _unknown_place(self, q: Query) -> Optional[str]:
        """A commune/province the question names that appears nowhere in the corpus."""
        names, provinces = _gazetteer()
        folded, idx = q.folded, self.index
        for i, tok in enumerate(folded):
            for prefix in ADMIN_PREFIXES:
                pw = prefix.split()
                if folded[i:i + len(pw)] != pw:
                    continue
                j = i + len(pw)
                for n in (4, 3, 2, 1):
                    cand = tuple(folded[j:j + n])
                    if len(cand) == n and cand in names and not self._in_corpus(cand):
                        return " ".join(q.accented[j:j + n]).title()
        for n in (4, 3, 2):
            for i in range(len(folded) - n + 1):
                cand = tuple(folded[i:i + n])
                if cand in provinces and not self._in_corpus(cand):
                    return " ".join(q.accented[i:i + n]).title()
        return None

    def _in_corpus(self, words: tuple[str, ...]) -> bool:
        idx = self.index
        if len(words) == 1:
            return idx.known(words[0])
        return all(idx.known(f"{a}_{b}") for a, b in zip(words, words[1:]))


@lru_cache(maxsize=1)
def _gazetteer() -> tuple[frozenset[tuple[str, ...]], frozenset[tuple[str, ...]]]:
    """Folded names of Vietnam's communes and provinces, unit words stripped."""
    import vietnam_provinces as vp

    def strip(name: str) -> tuple[str, ...]:
        f = vntext.search_key(name)
        for prefix in sorted(ADMIN_PREFIXES, key=len, reverse=True):
            if f.startswith(prefix + " "):
                f = f[len(prefix) + 1:]
                break
        words = f.split()
        while words and words[-1].isdigit():  # "Phường Hà Giang 1"
            words.pop()
        return tuple(words)

    names = [p.name for p in vp.Province.iter_all()] + list(vntext.FORMER_PROVINCES)
    provinces = frozenset(strip(n) for n in names)
    wards = frozenset(strip(w.name) for w in vp.Ward.iter_all())
    return wards | provinces, frozenset(p for p in provinces if len(p) >= 2)
