"""Q&A accuracy through the real bot: python -m benchmarks.qa [--dev PATH] [--extra PATH] [--holdout PATH].

Each question goes through BotCore and the handlers with the sample corpus ingested into a
temporary SQLite database. A question counts as answered when its expected phrase appears
in the first 1,000 characters of the reply (both sides NFC, consistent tone placement,
casefolded — not folded). Off-topic rows (empty expectation) must get the "not found" reply.
Also prints a plain BM25 baseline (bm25s over paragraphs, default tokenizer) raw and folded.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import logging
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import bm25s

from bot.services import build_services
from core.settings import Settings
from handlers.app import build_router
from handlers.ask import NOT_FOUND, UNKNOWN_PLACE
from core.dispatch import BotCore
from core.types import Incoming, UserRef
from store import vntext
from store.clock import FakeClock

REPO = Path(__file__).resolve().parent.parent
DEV = REPO.parent / "shared" / "eval" / "questions-dev.tsv"
EXTRA = REPO / "benchmarks" / "questions-extra.tsv"
HOLDOUT = REPO / "benchmarks" / "questions-holdout.tsv"  # written by others from the directives alone
SAMPLES = REPO / "store" / "sample" / "directives"
WINDOW = 1000
REFUSALS = (NOT_FOUND.split("\n")[0], UNKNOWN_PLACE.split("{")[0])


def load(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def canon(text: str) -> str:
    return vntext.normalize(text).casefold()


def passed(row: dict[str, str], reply: str) -> bool:
    if not row["expect"].strip():
        return any(reply.startswith(r) for r in REFUSALS)
    return canon(row["expect"]) in canon(reply[:WINDOW])


async def run_bot(rows: list[dict[str, str]], core: BotCore) -> list[tuple[dict[str, str], str]]:
    out = []
    user = UserRef("bench", "1", "1", "Bench")
    for n, row in enumerate(rows):
        replies = await core.handle(Incoming(user=user, update_key=f"{row['id']}-{n}-{time.monotonic_ns()}",
                                             text=row["question"]))
        out.append((row, "\n".join(r.reply.text for r in replies)))
    return out


def report(title: str, results: list[tuple[dict[str, str], str]]) -> float:
    by_variant: dict[str, list[bool]] = defaultdict(list)
    failures = []
    for row, reply in results:
        ok = passed(row, reply)
        by_variant[row["variant"]].append(ok)
        if not ok:
            failures.append((row, reply))
    total = sum(sum(v) for v in by_variant.values())
    n = sum(len(v) for v in by_variant.values())
    print(f"\n== {title}: {total}/{n} = {100 * total / max(n, 1):.1f}%")
    for variant, oks in sorted(by_variant.items()):
        print(f"   {variant:<9} {sum(oks):>3}/{len(oks):<3} {100 * sum(oks) / len(oks):5.1f}%")
    for row, reply in failures:
        print(f"   FAIL {row['id']} [{row['variant']}] {row['question']!r} expect={row['expect']!r}")
        print(f"        got: {reply[:160]!r}")
    return total / max(n, 1)


def baseline(rows: list[dict[str, str]]) -> tuple[float, float]:
    """Plain BM25 over blank-line paragraphs, bm25s default tokenizer: raw, then folded."""
    paragraphs = [p.strip() for f in sorted(SAMPLES.glob("*.txt"))
                  for p in f.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    scored = [r for r in rows if r["expect"].strip()]
    figures = []
    for prep in (lambda s: s, vntext.fold):
        retriever = bm25s.BM25()
        retriever.index(bm25s.tokenize([prep(p) for p in paragraphs], stopwords=None, show_progress=False),
                        show_progress=False)
        hits = 0
        for row in scored:
            toks = bm25s.tokenize([prep(row["question"])], stopwords=None, show_progress=False)
            docs, _ = retriever.retrieve(toks, k=1, show_progress=False)
            hits += canon(row["expect"]) in canon(paragraphs[int(docs[0][0])])
        figures.append(hits / max(len(scored), 1))
    return figures[0], figures[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dev", type=Path, default=DEV)
    parser.add_argument("--extra", type=Path, default=EXTRA)
    parser.add_argument("--holdout", type=Path, default=HOLDOUT)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(_env_file=None, bot_token=None, database_url=f"sqlite:///{tmp}/qa.sqlite3",
                            data_dir=Path(tmp) / "data")
        started = time.perf_counter()
        services = build_services(settings, FakeClock())
        print(f"start-up with samples ingested and index built: {time.perf_counter() - started:.2f}s")
        core = BotCore(services, build_router())
        for title, path in (("dev set", args.dev), ("extra set", args.extra), ("holdout set", args.holdout)):
            if not path.exists():
                print(f"\n== {title}: {path} not found, skipped")
                continue
            rows = load(path)
            report(f"{title} ({path.name}) through the bot", asyncio.run(run_bot(rows, core)))
            raw, folded = baseline(rows)
            print(f"   baseline plain BM25 over paragraphs (answerable rows): raw {100 * raw:.1f}%, "
                  f"folded {100 * folded:.1f}%")


if __name__ == "__main__":
    main()
