"""Passages and tokens of the search: sentences (long ones cut at clauses) and their tokens.

Tokens are made here, never by bm25s's default pattern (it drops one-letter syllables and
breaks NFD): folded unigrams, folded adjacent-syllable bigrams (``thi_dua``) and accented
unigrams (``@đua``, queried only when the user typed diacritics).
"""

from __future__ import annotations

import re
from functools import lru_cache

from store.vn import text as vntext

MAX_UNIT = 420  # characters: a longer sentence is cut at "; " into clause groups
MIN_CLAUSE = 140
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[A-ZĐÀ-Ỹ“\"(])|(?<=\.)\s+(?=\d+\.)")
_MARKUP = re.compile(r"\*+|^#+\s*|\s*/✓$|\./\.$", re.M)


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


def heading_repeats(heading: str, text: str) -> bool:
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
