"""Commune-search accuracy: 200 real names typed without diacritics and with one typo.

Run: ``.venv/bin/python -m benchmarks.communes [--n 200] [--seed 7]``. Prints top-1 accuracy
within the right province and top-3 accuracy nationwide (targets: ≥ 98% and ≥ 90%).
"""

from __future__ import annotations

import argparse
import random
import string
import time

from store.people.unit_names import strip_prefix
from store.people.units import UnitIndex, package_units
from store.vn.text import fold

PREFIXES = {"xã": ["xa ", "x. ", "X.", "Xa ", ""], "phường": ["phuong ", "P.", "p. ", "P ", ""],
            "đặc khu": ["dac khu ", ""]}


def typo(word: str, rng: random.Random) -> str:
    """Exactly one edit: insert, delete, substitute or transpose a letter."""
    letters = [i for i, ch in enumerate(word) if ch.isalpha()]
    kind = rng.choice(["insert", "delete", "substitute", "transpose"])
    i = rng.choice(letters)
    if kind == "insert":
        return word[:i] + rng.choice(string.ascii_lowercase) + word[i:]
    if kind == "delete" and len(letters) > 4:
        return word[:i] + word[i + 1:]
    if kind == "transpose" and i + 1 < len(word) and word[i + 1].isalpha() and word[i + 1] != word[i]:
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    choices = [c for c in string.ascii_lowercase if c != word[i]]
    return word[:i] + rng.choice(choices) + word[i + 1:]


def make_queries(communes: list[dict], n: int, seed: int) -> list[tuple[str, dict]]:
    rng = random.Random(seed)
    picked = rng.sample(communes, n)
    out = []
    for c in picked:
        core = strip_prefix(fold(c["name"]))
        query = rng.choice(PREFIXES[c["division_type"]]) + typo(core, rng)
        if rng.random() < 0.3:
            query = query.title()
        out.append((query, c))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args()
    provinces, communes = package_units()
    t0 = time.perf_counter()
    index = UnitIndex.from_rows(provinces, communes)
    build_ms = (time.perf_counter() - t0) * 1000
    queries = make_queries(communes, args.n, args.seed)
    top1_prov = top3_nat = top1_nat = 0
    misses = []
    t0 = time.perf_counter()
    for query, c in queries:
        in_prov = index.find_communes(query, c["province_code"], limit=1, within_province=True)
        nationwide = index.find_communes(query, limit=3)
        ok1 = bool(in_prov) and in_prov[0].code == c["code"]
        ok3 = c["code"] in [m.code for m in nationwide]
        top1_prov += ok1
        top3_nat += ok3
        top1_nat += bool(nationwide) and nationwide[0].code == c["code"]
        if not (ok1 and ok3):
            misses.append((query, c["name"], c["province_code"], [m.label for m in nationwide], ok1, ok3))
    per_query_ms = (time.perf_counter() - t0) * 1000 / (2 * len(queries))
    n = len(queries)
    print(f"Commune search benchmark: {n} real names, no diacritics, exactly one typo, random prefixes "
          f"(seed {args.seed}; {len(communes)} communes, {len(provinces)} provinces)")
    print(f"  top-1 within the right province: {top1_prov}/{n} = {100 * top1_prov / n:.1f}%  (target ≥ 98%)")
    print(f"  top-3 nationwide:                {top3_nat}/{n} = {100 * top3_nat / n:.1f}%  (target ≥ 90%)")
    print(f"  top-1 nationwide (for reference): {top1_nat}/{n} = {100 * top1_nat / n:.1f}%")
    print(f"  index build {build_ms:.0f} ms; {per_query_ms:.2f} ms per search")
    if args.show_misses:
        for miss in misses:
            print("  miss:", miss)


if __name__ == "__main__":
    main()
