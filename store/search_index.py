"""The passage index: sentences (long ones cut at clauses) ranked by BM25 with section context.

Tokens are made here, never by bm25s's default pattern (it drops one-letter syllables and
breaks NFD): folded unigrams, folded adjacent-syllable bigrams (``thi_dua``) and accented
unigrams (``@đua``, queried only when the user typed diacritics).
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from dataclasses import dataclass
from typing import Iterable, Optional

import bm25s
import numpy as np

from store import vntext
from store.search_units import HEADING, Unit, UnitStore  # noqa: F401  (Unit re-exported)

MAX_UNIT = 420  # characters: a longer sentence is cut at "; " into clause groups
MIN_CLAUSE = 140
SECTION_WEIGHT = 0.3  # how much the whole section's match lends to each of its sentences
ADMIN_PREFIXES = vntext.UNIT_PREFIXES
_ISSUER_NOISE = ("uy ban nhan dan", "ubnd", "ban thuong vu", "ban chap hanh", "hoi dong nhan dan",
                 "hdnd", "so noi vu", "chu tich")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[A-ZĐÀ-Ỹ“\"(])|(?<=\.)\s+(?=\d+\.)")
_MARKUP = re.compile(r"\*+|^#+\s*|\s*/✓$|\./\.$", re.M)


@dataclass
class DocInfo:
    """The document fields the search needs (a copy: no ORM objects in the index)."""

    id: int
    kind: str
    number: Optional[str]
    number_suffix: Optional[str]
    issuer: str
    place: str
    province_code: Optional[int]
    issued_year: Optional[int]
    issued_month: Optional[int]
    issued_day: Optional[int]
    title: str
    signer: Optional[str]
    signer_title: Optional[str]
    content_hash: str = ""
    theme: Optional[str] = None


@dataclass
class SectionInput:
    id: int
    document_id: int
    label: str  # how the section is cited ("Mục II.1 – Tổ chức thực hiện")
    heading: str
    text: str
    ref: str = ""  # how the document numbers it: "II.1", "I.2.1, thứ hai"


def clean(text: str) -> str:
    """Display text: normalised, markdown marks removed, whitespace tidied."""
    text = _MARKUP.sub("", vntext.normalize(text))
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return "\n".join(line for line in lines if line)


def split_units(text: str) -> list[str]:
    """Sentences of a section; a long sentence is cut at clause boundaries."""
    out: list[str] = []
    for para in clean(text).split("\n"):
        for sent in _SENTENCE_END.split(para):
            sent = sent.strip()
            if not sent:
                continue
            if len(sent) <= MAX_UNIT:
                out.append(sent)
                continue
            buf = ""
            for clause in re.split(r"(?<=;)\s+|(?<=\.)\s+", sent):
                buf = f"{buf} {clause}".strip()
                if len(buf) >= MIN_CLAUSE:
                    out.append(buf)
                    buf = ""
            if buf:
                if out and len(buf) < 60:
                    out[-1] = f"{out[-1]} {buf}"
                else:
                    out.append(buf)
    return out


def _repeats(heading: str, text: str) -> bool:
    """A heading that is only the opening words of the text adds nothing."""
    head = vntext.fold(heading.rstrip("…. "))
    return not head or vntext.fold(text[:len(heading) + 40]).startswith(head)


_key = lru_cache(maxsize=16384)(vntext.search_key)


def tokenize(text: str) -> list[str]:
    """Index tokens of a normalised text: folded unigrams, folded bigrams, accented unigrams."""
    syl = vntext.syllables(text, normalized=True)
    folded = [_key(s) for s in syl]
    toks = list(folded)
    toks += [f"{a}_{b}" for a, b in zip(folded, folded[1:])]
    toks += ["@" + s for s, f in zip(syl, folded) if s != f]
    return toks


def place_names(doc: DocInfo) -> dict[tuple[str, ...], float]:
    """Folded place phrases that point at this document, with how specific they are."""
    names: dict[tuple[str, ...], float] = {}

    def add(phrase: str, weight: float) -> None:
        toks = tuple(phrase.split())
        if toks and weight > names.get(toks, 0.0):
            names[toks] = weight

    sources = [(doc.place, 1.0), (doc.issuer, 0.9)]
    for raw, weight in sources:
        if not raw:
            continue
        inner = re.findall(r"\(([^)]*)\)", raw)
        outer = re.sub(r"\([^)]*\)", " ", raw)
        for text, w in [(outer, weight)] + [(t, 0.5) for t in inner]:
            f = vntext.search_key(text)
            for noise in _ISSUER_NOISE:
                f = f.replace(noise, " ")
            f = " ".join(f.split())
            if not f:
                continue
            add(f, w * 1.2)  # with its unit word: "thanh pho lai chau", "tinh uy lao cai"
            core = f
            for prefix in sorted(ADMIN_PREFIXES + ("tinh uy", "huyen uy", "thanh uy"), key=len, reverse=True):
                if core.startswith(prefix + " "):
                    core = core[len(prefix) + 1:]
                    break
            if core and core != f:
                add(core, w)
    return names


class PassageIndex:
    """Units, their BM25 index (plus section totals for context) and the hints the ranking uses."""

    def __init__(self) -> None:
        self.docs: dict[int, DocInfo] = {}
        self.section_labels: dict[int, str] = {}
        self.section_refs: dict[int, str] = {}
        self.units = UnitStore()
        self.unit_doc = np.zeros(0, dtype=np.int64)
        self.unit_secpos = np.zeros(0, dtype=np.int64)
        self.vocab: dict[str, int] = {}  # token → id (shared with both bm25s indexes)
        self.df = np.zeros(0, dtype=np.int32)  # passages containing each token id
        self.places: dict[tuple[str, ...], dict[int, float]] = {}
        self.numbers: dict[str, list[int]] = {}
        # BM25 weights as postings (bm25s computes them at build): for token id t, the passages
        # indices[indptr[t]:indptr[t+1]] and their weights data[...] (float16: ranking needs no more).
        self.post_data = np.zeros(0, dtype=np.float16)
        self.post_indices = np.zeros(0, dtype=np.int32)
        self.post_indptr = np.zeros(1, dtype=np.int64)
        self._section_starts = np.zeros(0, dtype=np.int64)  # first unit of each section
        self._unit_section_rank = np.zeros(0, dtype=np.int64)  # unit → index into _section_starts
        self.vocab_by_df: list[str] = []

    # -- build --------------------------------------------------------------------
    def build(self, docs: Iterable[DocInfo], sections: Iterable[SectionInput]) -> "PassageIndex":
        self.docs = {d.id: d for d in docs}
        by_doc: dict[int, list[SectionInput]] = {}
        for s in sections:
            by_doc.setdefault(s.document_id, []).append(s)
        vocab: dict[str, int] = {}

        def ids(tokens: list[str]) -> list[int]:
            return [vocab.setdefault(t, len(vocab)) for t in tokens]

        unit_ids: list[np.ndarray] = []  # int32 rows: a Python list of ints would cost ~8x the memory
        n_sections = 0
        unit_secpos: list[int] = []

        def add_unit(doc_id: int, section_id: Optional[int], text: str, secpos: int, extra: tuple = (),
                     flags: int = 0) -> None:
            self.units.append(doc_id, section_id, text, flags)
            unit_ids.append(np.asarray(ids(tokenize(text)) + list(extra), dtype=np.int32))
            unit_secpos.append(secpos)

        for doc in self.docs.values():
            head = clean(f"{doc.kind} {doc.number or doc.number_suffix or ''} {doc.title}")
            meta = clean(f"{doc.issuer}. {doc.place}. {doc.signer_title or ''} {doc.signer or ''}")
            secpos, n_sections = n_sections, n_sections + 1
            for text in (head, meta):
                add_unit(doc.id, None, text, secpos)
            for sec in by_doc.get(doc.id, []):
                self.section_labels[sec.id] = sec.label
                self.section_refs[sec.id] = sec.ref
                ref_ids = tuple(ids(tokenize(clean(sec.ref)))) if sec.ref else ()
                secpos, n_sections = n_sections, n_sections + 1
                if not _repeats(sec.heading, sec.text):
                    for text in split_units(sec.heading):
                        add_unit(doc.id, sec.id, text, secpos, ref_ids, HEADING)
                for text in split_units(sec.text):
                    add_unit(doc.id, sec.id, text, secpos, ref_ids)
            for phrase, weight in place_names(doc).items():
                slot = self.places.setdefault(phrase, {})
                slot[doc.id] = max(weight, slot.get(doc.id, 0.0))
            if doc.number:
                self.numbers.setdefault(vntext.fold(doc.number), []).append(doc.id)
        self.units.freeze()
        self.unit_doc = self.units.doc
        self.unit_secpos = np.asarray(unit_secpos, dtype=np.int64)
        counts = np.zeros(len(vocab) + 1, dtype=np.int64)
        for row in unit_ids:
            counts[np.unique(row)] += 1
        self.vocab, self.df = vocab, counts.astype(np.int32)
        self.vocab_by_df = sorted((t for t in vocab if "_" not in t and not t.startswith("@") and t.isalpha()),
                                  key=lambda t: -counts[vocab[t]])
        empty = vocab.setdefault("", len(vocab))  # bm25s wants an empty token for token-less passages
        # Accented tokens ("@đua") decide coverage and accents (store/search_rank.py), not ranking:
        # left out of the postings, they cost a quarter less memory.
        accented = np.zeros(len(vocab), dtype=bool)
        accented[[i for t, i in vocab.items() if t.startswith("@")]] = True
        rows = [row[~accented[row]] for row in unit_ids]
        rows = [row if len(row) else np.asarray([empty], dtype=np.int32) for row in rows]
        del unit_ids
        bm25 = bm25s.BM25()
        bm25.index((rows or [np.asarray([empty], dtype=np.int32)], vocab), show_progress=False)
        self.post_data = bm25.scores["data"].astype(np.float16)
        self.post_indices = bm25.scores["indices"].astype(np.int32)
        self.post_indptr = bm25.scores["indptr"].astype(np.int64)
        change = np.r_[True, np.diff(self.unit_secpos) != 0] if len(self.unit_secpos) else np.zeros(0, bool)
        self._section_starts = np.flatnonzero(change)
        self._unit_section_rank = np.cumsum(change) - 1
        return self

    # -- query helpers --------------------------------------------------------------
    def idf(self, token: str) -> float:
        n = max(len(self.units), 1)
        i = self.vocab.get(token)
        d = int(self.df[i]) if i is not None else 0
        return math.log(1 + (n - d + 0.5) / (d + 0.5))

    def known(self, token: str) -> bool:
        i = self.vocab.get(token)
        return i is not None and self.df[i] > 0

    def scores(self, tokens: list[str]) -> np.ndarray:
        """Unit scores: the sentence's own BM25 plus a share of its section's total."""
        s = np.zeros(len(self.units), dtype=np.float32)
        indptr, indices, data = self.post_indptr, self.post_indices, self.post_data
        for tok in tokens:
            t = self.vocab.get(tok)
            if t is None or t + 1 >= len(indptr):
                continue
            start, end = int(indptr[t]), int(indptr[t + 1])
            s[indices[start:end]] += data[start:end]  # a token's passages are distinct: no lost adds
        # Units are stored section by section, so a section's total is one reduceat away.
        starts = self._section_starts
        totals = np.add.reduceat(s, starts) if len(starts) else np.zeros(0, dtype=s.dtype)
        return s + SECTION_WEIGHT * totals[self._unit_section_rank]

    def place_hits(self, folded: list[str]) -> tuple[dict[int, float], list[tuple[str, ...]]]:
        """Documents named by place in the question (longest phrase wins its words)."""
        used = [False] * len(folded)
        hits: dict[int, float] = {}
        phrases: list[tuple[str, ...]] = []
        for n in (5, 4, 3, 2, 1):
            for i in range(len(folded) - n + 1):
                if any(used[i:i + n]):
                    continue
                key = tuple(folded[i:i + n])
                docs = self.places.get(key)
                if not docs:
                    continue
                phrases.append(key)
                for k in range(i, i + n):
                    used[k] = True
                for doc_id, w in docs.items():
                    hits[doc_id] = max(hits.get(doc_id, 0.0), w)
        return hits, phrases


@dataclass
class Hit:
    """One ranked unit."""

    unit: int
    score: float
    doc_id: int
    section_id: Optional[int]
    text: str
    confidence: float = 0.0
