"""Copies of one passage: the same sentence in several documents, indexed and cited once.

The same directive loaded twice (under two names, or as .txt and .docx), and the boilerplate
every province repeats word for word, give passages whose folded words (and section number)
are identical. They share one BM25 row: the index stores the postings of the first copy only
(a corpus of 2,000 look-alike directives holds each sentence hundreds of times), and a question
scores every copy the same. Among copies only one is offered: the best-scoring one — the
documents the question names, or the asker's own province, first — and, when nothing tells them
apart, the one loaded first, so an answer never flips to another copy as more documents load.

Groups are kept as two arrays: ``perm``, the positions of every passage that has copies,
group by group in ascending order (the first of a group is the original), and ``starts``,
where each group begins in ``perm``.
"""

from __future__ import annotations

import numpy as np

TIE = 1e-6  # relative: scores this close are equal (float16 weights, summed in another order)


def groups(original: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(perm, starts) from ``original[i]``, the position of the first passage identical to passage i."""
    if not len(original):
        return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int32)
    counts = np.bincount(original, minlength=len(original))
    shared = np.flatnonzero(counts[original] > 1)  # passages whose group has more than one member
    perm = shared[np.lexsort((shared, original[shared]))].astype(np.int32)
    change = np.r_[True, original[perm[1:]] != original[perm[:-1]]] if len(perm) else np.zeros(0, dtype=bool)
    return perm, np.flatnonzero(change).astype(np.int32)


def _firsts(perm: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """For each entry of ``perm``, the original of its group."""
    sizes = np.diff(np.r_[starts, len(perm)])
    return np.repeat(perm[starts], sizes)


def spread(scores: np.ndarray, perm: np.ndarray, starts: np.ndarray) -> None:
    """Give every copy its original's score (postings exist for originals only)."""
    if len(perm):
        scores[perm] = scores[_firsts(perm, starts)]


def keep_one(scores: np.ndarray, perm: np.ndarray, starts: np.ndarray, preferred: np.ndarray) -> None:
    """Zero all copies but one per group: the best score, a ``preferred`` passage (a named
    document's, the asker's province's; one flag per entry of ``perm``) before others, the first
    loaded on a tie."""
    if not len(perm):
        return
    g = scores[perm].astype(np.float64)
    live = g > 0
    if not live.any():
        return
    rank = g + np.where(preferred & live, np.abs(g).max() * 4 + 1.0, 0.0)  # preferred always wins
    best = np.maximum.reduceat(rank, starts)
    sizes = np.diff(np.r_[starts, len(perm)])
    top = rank >= np.repeat(best, sizes) - TIE * np.abs(np.repeat(best, sizes))
    # The first of the top ones in each group (perm is in loading order within a group).
    seen = np.cumsum(top)
    before = np.repeat(seen[starts] - top[starts], sizes)
    winner = top & (seen - before == 1)
    scores[perm[~winner & live]] = 0.0
