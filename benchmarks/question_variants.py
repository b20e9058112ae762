"""How the variant rows of questions-answerable.tsv were made from its hand-written plain rows.

python -m benchmarks.question_variants benchmarks/questions-answerable.tsv > new.tsv

The hand-written rows (variant "plain", and "oldtone" rows whose id has no suffix, written
directly in the other tone style) are kept; the derived rows are made again from them.
Each plain question is kept; some also appear without diacritics (as typed on a phone with
no Vietnamese keyboard), with the other tone placement ("hoá", "uỷ", "khoẻ") and with
typing slips (a doubled key, two swapped letters, a word without marks, a Telex leftover).
Seeded, so the file is reproducible; the rows are written once and kept in the repository.
"""

from __future__ import annotations

import random
import re
import sys
import unicodedata

from store.vn import text as vntext

_TONES = "\u0301\u0300\u0309\u0303\u0323"
_OLD_PAIR = re.compile(r"(?<![qQ])([oO])([\u0301\u0300\u0309\u0303\u0323])([aeAE])(?![a-zA-Z\u0300-\u036f])"
                       r"|(?<![qQ])([uU])([\u0301\u0300\u0309\u0303\u0323])([yY])(?![a-zA-Z\u0300-\u036f])")
_TELEX = {"\u0301": "s", "\u0300": "f", "\u0309": "r", "\u0303": "x", "\u0323": "j"}


def old_tone(text: str) -> str:
    """hóa → hoá, ủy → uỷ, khỏe → khoẻ: the tone on the second vowel of an open oa/oe/uy."""
    nfd = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", _OLD_PAIR.sub(_move_tone, nfd))


def _move_tone(m: re.Match) -> str:
    first, tone, second = (m.group(1), m.group(2), m.group(3)) if m.group(1) else (m.group(4), m.group(5), m.group(6))
    return first + second + tone


def telex(word: str) -> str:
    """One word as Telex keystrokes left unconverted: "đua" → "ddua", "tháng" → "thangs"."""
    nfd = unicodedata.normalize("NFD", word.replace("đ", "dd").replace("Đ", "DD"))
    tone = next((_TELEX[c] for c in nfd if c in _TELEX), "")
    base = vntext.fold(word).replace("d", "dd", 1) if "đ" in word.lower() else vntext.fold(word)
    return base + tone


def typo(text: str, rng: random.Random) -> str:
    words = text.split()
    candidates = [i for i, w in enumerate(words) if len(w) >= 4 and w.isalpha()]
    for i in rng.sample(candidates, min(len(candidates), rng.choice((1, 2)))):
        w = words[i]
        kind = rng.choice(("double", "swap", "nomarks", "telex"))
        if kind == "double":
            keys = [k for k, c in enumerate(w) if c.isascii()] or [0]
            k = rng.choice(keys)
            w = w[:k + 1] + w[k] + w[k + 1:]
        elif kind == "swap":
            k = rng.randrange(1, len(w) - 2)
            w = w[:k] + w[k + 1] + w[k] + w[k + 2:]
        elif kind == "nomarks":
            w = vntext.fold(w) if w.islower() else vntext.fold(w).capitalize()
        else:
            w = telex(w.lower())
        words[i] = w
    return " ".join(words)


def main() -> None:
    rng = random.Random(11)
    with open(sys.argv[1], encoding="utf-8") as fh:
        lines = [line.rstrip("\n").split("\t") for line in fh if line.strip()][1:]
    plain = [r[:4] for r in lines if r[4] == "plain"]
    written_old = [r[:4] for r in lines if r[4] == "oldtone" and not r[0].endswith("o")]
    print("id\tquestion\texpect\tsource\tvariant")
    for qid, question, expect, source in plain:
        print(f"{qid}\t{question}\t{expect}\t{source}\tplain")
    for qid, question, expect, source in written_old:
        print(f"{qid}\t{question}\t{expect}\t{source}\toldtone")
    for qid, question, expect, source in plain:
        if rng.random() < 0.5:
            print(f"{qid}n\t{vntext.fold(question)}\t{expect}\t{source}\tnodiac")
        old = old_tone(question)
        if old != question and rng.random() < 0.6:
            print(f"{qid}o\t{old}\t{expect}\t{source}\toldtone")
        if rng.random() < 0.4:
            print(f"{qid}t\t{typo(question, rng)}\t{expect}\t{source}\ttypo")


if __name__ == "__main__":
    main()
