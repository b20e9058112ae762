"""The answerability weights file: it loads, gives probabilities, and refuses a stale file."""

from __future__ import annotations

import pytest

from store.search.answerability import model, parse
from store.search.features import NAMES


def test_committed_weights_load_for_every_feature() -> None:
    m = model()
    assert len(m.coef) == len(NAMES) and 0.0 < m.threshold < 1.0
    p = m.probability([0.0] * len(NAMES))
    assert 0.0 <= p <= 1.0


def test_more_coverage_with_every_check_passing_is_more_likely_an_answer() -> None:
    m = model()
    weak = dict.fromkeys(NAMES, 0.0)
    strong = dict(weak, bias_free_confidence=1.0, own_share=1.0, context_share=1.0, pair_share=1.0,
                  specific_terms=1.0, kind_fits=1.0, covered=1.0, all_checks=1.0, share_x_kind=1.0,
                  share_x_specific=1.0, share_x_pairs=1.0, own_x_kind=1.0, share_squared=1.0)
    assert m.probability([strong[n] for n in NAMES]) > m.probability([weak[n] for n in NAMES])


def test_a_weights_file_missing_a_feature_is_refused() -> None:
    with pytest.raises(ValueError):
        parse("threshold 0.5\nintercept 0\nown_share 0 1 1\n")
