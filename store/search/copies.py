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

from typing import Optional

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


class Copies:
    """The groups of one index, with what every question needs of them computed once."""

    def __init__(self, perm: np.ndarray, starts: np.ndarray) -> None:
        self.perm, self.starts = perm, starts
        sizes = np.diff(np.r_[starts, len(perm)]).astype(np.int64)
        self.group = np.repeat(np.arange(len(starts)), sizes)  # each entry's group
        self.firsts = perm[starts][self.group] if len(perm) else perm  # each entry's original
        self.entries = np.arange(len(perm))

    def spread(self, scores: np.ndarray) -> None:
        """Give every copy its original's score (postings exist for originals only)."""
        if len(self.perm):
            scores[self.perm] = scores[self.firsts]

    def keep_one(self, scores: np.ndarray, preferred: Optional[np.ndarray] = None) -> None:
        """Zero all copies but one per group: the best score, a ``preferred`` passage (a named
        document's, the asker's province's; a flag per passage) before others, the first loaded
        on a tie. A dozen vector operations over the copies: no Python loop per group."""
        perm, starts = self.perm, self.starts
        if not len(perm):
            return
        kept = scores[perm]
        rank = kept
        if preferred is not None:
            flags = preferred[perm]
            if flags.any():
                rank = kept + flags * (float(kept.max()) * 4 + 1.0)  # a preferred one always wins
        best = np.maximum.reduceat(rank, starts)
        top = rank >= (best * (1 - TIE))[self.group]  # scores are never negative
        winners = np.minimum.reduceat(np.where(top, self.entries, len(perm)), starts)
        scores[perm] = 0.0
        scores[perm[winners]] = kept[winners]
