"""Features of a (question, candidate passage) pair, for the answerability model.

Each is general: how much of the question's informative words and word pairs the cited
text covers (passage alone, and with its section and document fields), how rare the rarest
missing word is, whether the question's specific terms (numbers, codes, ordinals, names) are
there, whether the kind of answer asked for sits next to the topic, whether the place, year
and number the question names agree with the document, how much of the question the corpus
knows at all, and where the passage ranks. The model (store/search/answerability.py)
weighs them; no threshold lives here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Optional

from store.search.answer_fit import (Cited, Needs, _has_word, kind_fits, share_needed, specific_terms_present,
                                     words_covered)
from store.search.units import Hit

NAMES = (
    "bias_free_confidence", "own_share", "context_share", "pair_share", "rare_missing_idf", "missing_rare",
    "specific_terms", "kind_fits", "has_kind", "strong_structure", "place_agrees", "place_disagrees",
    "year_agrees", "year_disagrees", "number_agrees", "unknown_share", "known_pairs_share", "rank",
    "score_margin", "n_words", "doc_named", "doc_hinted", "hinted_other", "share_x_kind", "share_x_specific",
    "share_x_pairs", "own_x_kind", "share_squared", "covered", "all_checks",
)
# The earlier hand checks, kept as two features the model weighs: most of the question's words
# by weight (less when the answer is pinned by structure), every rare one, enough around the passage.
RARE_IDF, WORD_SHARE, STRONG_SHARE, NEAR_CONFIDENCE = 4.5, 0.6, 0.4, 0.4


@dataclass
class QuestionView:
    """What the features need from the question, computed once per question."""

    weights: list[tuple[str, float, str]]  # (folded word, IDF, accented token or "")
    pairs: list[tuple[str, float]]  # (bigram, weight), only bigrams the corpus knows
    all_pairs: int  # the question's content bigrams
    focus: set[str]
    asked: set[str]
    needs: Needs
    named_docs: set[int]
    years: list[int]
    unknown_share: float  # share of IDF weight on words the corpus never uses
    top_score: float
    hinted: set[int]  # documents the question points at (place, number, kind, year)


def _shares(view: QuestionView, own: frozenset[str], context: frozenset[str]) -> tuple[float, float, float, float]:
    total = sum(w for _, w, _ in view.weights) or 1.0
    got_own = got_ctx = 0.0
    rare_missing = 0.0
    for tok, w, marked in view.weights:
        ok_ctx = _has_word(tok, context) and (not marked or marked in context)
        if ok_ctx:
            got_ctx += w
            if _has_word(tok, own):
                got_own += w
        else:
            rare_missing = max(rare_missing, w)
    pair_total = sum(w for _, w in view.pairs)
    pair_share = (sum(w for p, w in view.pairs if p in context) / pair_total) if pair_total else 1.0
    return got_own / total, got_ctx / total, pair_share, rare_missing


def features(view: QuestionView, c: Cited, own_tokens: frozenset[str], hit: Hit, rank: int,
             doc_year: Optional[int], passage_years: Callable[[], set[int]]) -> list[float]:
    """The feature vector of one candidate (order: ``NAMES``)."""
    own_share, ctx_share, pair_share, rare_missing = _shares(view, own_tokens, c.context_tokens)
    needs = view.needs
    named = bool(view.named_docs)
    in_named = hit.doc_id in view.named_docs
    years = set(view.years)
    year_ok = bool(years) and (doc_year in years or bool(years & passage_years()))
    strong = bool(needs.counted_after or needs.ordinals)
    specific = specific_terms_present(needs, c)
    fits = kind_fits(needs, c, view.focus, view.asked)
    covered = words_covered(view.weights, c, rare_idf=RARE_IDF, share=share_needed(needs, WORD_SHARE, STRONG_SHARE),
                            pairs=view.pairs)
    checks = specific and fits and covered and hit.confidence >= NEAR_CONFIDENCE and not (named and not in_named)
    return [
        hit.confidence, own_share, ctx_share, pair_share, rare_missing / 10.0, float(rare_missing >= 4.5),
        float(specific), float(fits), float(needs.kind is not None), float(strong),
        float(named and in_named), float(named and not in_named),
        float(year_ok), float(bool(years) and not year_ok),
        float(bool(needs.numbers) and specific), view.unknown_share,
        (len(view.pairs) / view.all_pairs) if view.all_pairs else 1.0,
        math.log1p(rank), (hit.score / view.top_score) if view.top_score > 0 else 0.0,
        min(len(view.weights), 12) / 12.0, float(named),
        float(hit.doc_id in view.hinted), float(bool(view.hinted) and hit.doc_id not in view.hinted),
        ctx_share * fits, ctx_share * specific, ctx_share * pair_share, own_share * fits, ctx_share ** 2,
        float(covered), float(checks),
    ]
