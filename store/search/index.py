"""The passage index: sentences (long ones cut at clauses, store/search/passages.py) ranked by BM25
with section context."""

from __future__ import annotations

import hashlib
import itertools
import math
from dataclasses import dataclass
from typing import Iterable, Optional

import bm25s
import numpy as np

from store.search import copies as search_copies
from store.vn import text as vntext
from store.search.places import place_names
from store.search.passages import clean, heading_repeats, split_units
from store.search.passages import tokenize as tokenize  # re-exported with the index
from store.search.units import HEADING, UnitStore
from store.search.units import Hit as Hit  # re-exported with the index

SECTION_WEIGHT = 0.3  # how much the whole section's match lends to each of its sentences


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


def _csr(rows: list[np.ndarray], n_ids: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows of ids as (indptr, data): row i is data[indptr[i]:indptr[i + 1]]; 2-byte ids when
    the vocabulary fits (half the pages to read)."""
    dtype = np.uint16 if n_ids < 2 ** 16 else np.int32
    lengths = np.fromiter((len(r) for r in rows), dtype=np.int64, count=len(rows))
    indptr = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    data = np.concatenate(rows).astype(dtype) if rows else np.zeros(0, dtype=dtype)
    return indptr, data


class _Collector:
    """Rows gathered while building: token ids per passage (one row for all copies of a passage,
    store/search/copies.py), distinct ids per section."""

    def __init__(self, units: UnitStore) -> None:
        self.units = units
        self.vocab: dict[str, int] = {}
        self.unit_ids: list[np.ndarray] = []  # int32 rows: a Python list of ints would cost ~8x the memory
        self.row_units: list[int] = []  # the passage each row was first seen in
        self.row_copies: list[int] = []  # how many passages share each row
        self.row_of: dict[bytes, int] = {}  # a row's digest → its index
        self.original: list[int] = []  # per passage: the first passage with the same row
        self.near_rows: list[np.ndarray] = []  # each section's distinct tokens, with its document's name
        self.unit_secpos: list[int] = []
        self.n_sections = 0

    def ids(self, tokens: list[str]) -> list[int]:
        vocab = self.vocab
        return [vocab.setdefault(t, len(vocab)) for t in tokens]

    def new_section(self) -> int:
        self.n_sections += 1
        return self.n_sections - 1

    def add_unit(self, doc_id: int, section_id: Optional[int], text: str, secpos: int, extra: tuple[int, ...] = (),
                 flags: int = 0) -> np.ndarray:
        self.units.append(doc_id, section_id, text, flags)
        own = self.ids(tokenize(text))
        row = np.asarray(own + list(extra), dtype=np.int32)
        r = self.row_of.setdefault(hashlib.blake2b(row.tobytes(), digest_size=16).digest(), len(self.unit_ids))
        if r == len(self.unit_ids):
            self.unit_ids.append(row)
            self.row_units.append(len(self.original))
            self.row_copies.append(0)
        self.row_copies[r] += 1
        self.original.append(self.row_units[r])
        self.unit_secpos.append(secpos)
        return np.unique(np.asarray(own, dtype=np.int32))


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
        # Distinct token ids of each section with its document's title and fields (sorted, CSR):
        # what coverage is checked against, without re-tokenising whole sections per question.
        self.sec_tok_indptr = np.zeros(1, dtype=np.int64)
        self.sec_tok_ids = np.zeros(0, dtype=np.uint16)
        # Copies of a passage (store/search/copies.py): every passage that has one, group by group.
        self.copy_perm = np.zeros(0, dtype=np.int32)
        self.copy_starts = np.zeros(0, dtype=np.int32)
        self._copies: Optional[search_copies.Copies] = None
        self._section_starts = np.zeros(0, dtype=np.int64)  # first unit of each section
        self._unit_section_rank = np.zeros(0, dtype=np.int64)  # unit → index into _section_starts
        self.vocab_by_df: list[str] = []

    # -- build --------------------------------------------------------------------
    def build(self, docs: Iterable[DocInfo], sections: Iterable[SectionInput]) -> "PassageIndex":
        """``docs`` by id, ``sections`` in the same document order (streamed: one document's at a time)."""
        self.docs = {d.id: d for d in docs}
        c = _Collector(self.units)
        stream = itertools.groupby(sections, key=lambda s: s.document_id)
        pending = next(stream, None)
        for doc in self.docs.values():
            own: list[SectionInput] = []
            while pending is not None and pending[0] <= doc.id:  # sections of no known document are skipped
                if pending[0] == doc.id:
                    own = list(pending[1])
                pending = next(stream, None)
            self._add_document(c, doc, own)
        self.units.freeze()
        self.sec_tok_indptr, self.sec_tok_ids = _csr(c.near_rows, len(c.vocab))
        c.near_rows, c.row_of = [], {}  # not needed any more: free them before the postings' peak
        self.unit_doc = self.units.doc
        self.unit_secpos = np.asarray(c.unit_secpos, dtype=np.int64)
        self.copy_perm, self.copy_starts = search_copies.groups(np.asarray(c.original, dtype=np.int64))
        self._postings(c.unit_ids, c.row_copies, np.asarray(c.row_units, dtype=np.int32), c.vocab)
        change = np.r_[True, np.diff(self.unit_secpos) != 0] if len(self.unit_secpos) else np.zeros(0, bool)
        self._section_starts = np.flatnonzero(change)
        self._unit_section_rank = np.cumsum(change) - 1
        return self

    def _add_document(self, c: "_Collector", doc: DocInfo, sections: list[SectionInput]) -> None:
        """The document's title and fields (one pseudo-section), then its sections' sentences."""
        head = clean(f"{doc.kind} {doc.number or doc.number_suffix or ''} {doc.title}")
        meta = clean(f"{doc.issuer}. {doc.place}. {doc.signer_title or ''} {doc.signer or ''}")
        secpos = c.new_section()
        naming = np.unique(np.concatenate([c.add_unit(doc.id, None, text, secpos) for text in (head, meta)]))
        c.near_rows.append(naming)
        for sec in sections:
            self.section_labels[sec.id] = sec.label
            self.section_refs[sec.id] = sec.ref
            ref_ids = tuple(c.ids(tokenize(clean(sec.ref)))) if sec.ref else ()
            secpos = c.new_section()
            rows = [naming, np.asarray(ref_ids, dtype=np.int32)]
            if not heading_repeats(sec.heading, sec.text):
                rows += [c.add_unit(doc.id, sec.id, text, secpos, ref_ids, HEADING) for text in split_units(sec.heading)]
            rows += [c.add_unit(doc.id, sec.id, text, secpos, ref_ids) for text in split_units(sec.text)]
            c.near_rows.append(np.unique(np.concatenate(rows)))
        for phrase, weight in place_names(doc.place, doc.issuer).items():
            slot = self.places.setdefault(phrase, {})
            slot[doc.id] = max(weight, slot.get(doc.id, 0.0))
        if doc.number:
            self.numbers.setdefault(vntext.fold(doc.number), []).append(doc.id)

    def _postings(self, unit_ids: list[np.ndarray], copies: list[int], row_units: np.ndarray,
                  vocab: dict[str, int]) -> None:
        """Document frequencies (every copy counts), then BM25 weights (bm25s) of each distinct
        row as postings of the passage it was first seen in."""
        counts = np.zeros(len(vocab) + 1, dtype=np.int64)
        for row, n in zip(unit_ids, copies):
            counts[np.unique(row)] += n
        self.vocab, self.df = vocab, counts.astype(np.int32)
        self.vocab_by_df = sorted((t for t in vocab if "_" not in t and not t.startswith("@") and t.isalpha()),
                                  key=lambda t: -counts[vocab[t]])
        empty = vocab.setdefault("", len(vocab))  # bm25s wants an empty token for token-less passages
        # Accented tokens ("@đua") decide coverage and accents (store/search/rank.py), not ranking:
        # left out of the postings, they cost a quarter less memory.
        accented = np.zeros(len(vocab), dtype=bool)
        accented[[i for t, i in vocab.items() if t.startswith("@")]] = True
        for i, row in enumerate(unit_ids):  # in place: a second list of rows would double the peak
            kept = row[~accented[row]]
            unit_ids[i] = kept if len(kept) else np.asarray([empty], dtype=np.int32)
        bm25 = bm25s.BM25()
        bm25.index((unit_ids or [np.asarray([empty], dtype=np.int32)], vocab), show_progress=False)
        unit_ids.clear()
        self.post_data = bm25.scores["data"].astype(np.float16)
        rows = bm25.scores["indices"]
        self.post_indices = (row_units[rows] if len(row_units) else rows).astype(np.int32)
        self.post_indptr = bm25.scores["indptr"].astype(np.int64)

    @property
    def copies(self) -> search_copies.Copies:
        if self._copies is None:
            self._copies = search_copies.Copies(self.copy_perm, self.copy_starts)
        return self._copies

    # -- query helpers --------------------------------------------------------------
    def idf(self, token: str) -> float:
        n = max(len(self.units), 1)
        i = self.vocab.get(token)
        d = int(self.df[i]) if i is not None else 0
        return math.log(1 + (n - d + 0.5) / (d + 0.5))

    def own_ids(self, pos: int) -> np.ndarray:
        """Distinct token ids of one passage (a sentence: cheap to tokenise again)."""
        vocab = self.vocab
        ids = [i for i in (vocab.get(t) for t in tokenize(self.units.text(pos))) if i is not None]
        return np.unique(np.asarray(ids, dtype=np.int64))

    def near_ids(self, secpos: int) -> np.ndarray:
        return self.sec_tok_ids[self.sec_tok_indptr[secpos]:self.sec_tok_indptr[secpos + 1]]

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
        self.copies.spread(s)
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
