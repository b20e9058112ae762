"""Candidate passages of a question with their features, and the choice among them.

``candidate_rows`` gives the ranked passages' features, the ones the answerability model
(store/search/answerability.py) is trained and measured on (benchmarks/qa_train.py, qa.py
--generated). ``fitting_passage`` picks the answer: the first ranked passage that passes the
answer checks (the ``all_checks`` feature in store/search/features.py); none is a decline.
The trained model is measured, not used: on the human-written sets and the unseen set it
answered fewer questions than the checks (README, "Answerability"), so it decides only once
better training data says otherwise.
"""

from __future__ import annotations

import re
from functools import partial
from typing import Iterator, Optional

from handlers.ask.passages import passage_text
from store.search.answer_fit import Cited, Needs, answer_weights, cited, pair_weights
from store.search.service import SearchIndex, SearchResult
from store.search.index import Hit, tokenize
from store.search.features import NAMES, QuestionView, features

CANDIDATES = 10  # ranked passages a question's answer is looked for in
ALL_CHECKS = NAMES.index("all_checks")
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")


def _years(text: str) -> set[int]:
    return {int(y) for y in _YEAR.findall(text)}


def context_text(index: SearchIndex, hit: Hit) -> str:
    """What is cited besides the passage: section heading and number, the document's fields."""
    idx = index.index
    doc = idx.docs[hit.doc_id]
    parts = [doc.kind, doc.number or "", doc.title, doc.issuer, doc.place, doc.signer_title or "", doc.signer or "",
             f"năm {doc.issued_year}" if doc.issued_year else ""]
    if hit.section_id is not None:
        parts += [idx.section_labels.get(hit.section_id, ""), idx.section_refs.get(hit.section_id, "")]
    return "\n".join(p for p in parts if p)


def question_view(index: SearchIndex, result: SearchResult, needs: Needs) -> QuestionView:
    q = result.query
    idx = index.index
    word_weights = index.word_weights(q)
    weights, focus = answer_weights(word_weights, q.content_bigrams(), needs)
    pairs = pair_weights(q.content_bigrams(), needs, idx.idf, idx.known)
    total = sum(w for _, w, _ in word_weights) or 1.0
    unknown = sum(w for t, w, _ in word_weights if not idx.known(t)) / total
    named = index.named_docs(q) if q.selectors else set()
    top = max((h.score for h in result.hits), default=0.0)
    return QuestionView(weights, pairs, len(q.content_bigrams()), focus, set(q.folded), needs, named,
                        list(q.years), unknown, top, set(result.doc_hints))


def candidates(index: SearchIndex, result: SearchResult, needs: Needs) -> Iterator[tuple[Hit, str, list[float]]]:
    """(hit, display text, features) for the ranked passages, best first, computed as they are
    asked for (a passage's features depend on the question and its rank, never on the others)."""
    view = question_view(index, result, needs)
    for rank, hit in enumerate(result.hits[:CANDIDATES]):
        if hit.section_id is None:
            continue  # the title and fields answer field questions, not content ones
        text, c, own = _read(index, hit.unit)
        doc_year = index.index.docs[hit.doc_id].issued_year
        yield hit, text, features(view, c, own, hit, rank, doc_year, partial(_years, text))


Read = tuple[str, Cited, frozenset[str]]
READ_KEEP = 64  # passages kept read (~70 KB each: 256 cost 17 MB of RSS): the same documents' passages come back question after question
_read_cache: dict[tuple[str, int], Read] = {}


def _read(index: SearchIndex, unit: int) -> Read:
    """A candidate passage as shown and read, whatever the question; kept for the next questions
    (by index build and position: a rebuilt index never gets an older build's passages)."""
    key = (index.fingerprint, unit)
    found = _read_cache.get(key)
    if found is None:
        u = index.index.units[unit]
        hit = Hit(unit, 0.0, u.doc_id, u.section_id, u.text)
        text = passage_text(index, hit)
        found = (text, cited(text, context_text(index, hit), tokenize), frozenset(tokenize(text)))
        if len(_read_cache) >= READ_KEEP:
            del _read_cache[next(iter(_read_cache))]  # the oldest
        _read_cache[key] = found
    return found


def candidate_rows(index: SearchIndex, result: SearchResult, needs: Needs) -> list[tuple[Hit, str, list[float]]]:
    """Every ranked passage's features (training and measuring the model)."""
    return list(candidates(index, result, needs))


def fitting_passage(index: SearchIndex, result: SearchResult, needs: Needs) -> Optional[tuple[Hit, str]]:
    """The best-ranked passage that passes the answer checks, with its display text; None: decline."""
    for hit, text, x in candidates(index, result, needs):  # the first that answers: the rest never computed
        if x[ALL_CHECKS]:
            return hit, text
    return None
