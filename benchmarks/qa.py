"""Q&A through the real bot: python -m benchmarks.qa [--lookalikes 200] [--sets NAME ...].

Each question goes through BotCore and the handlers, asked by a registered commune officer
of Lai Châu, with the five samples ingested into a temporary SQLite database; then again
with look-alike directives loaded beside them (benchmarks/lookalikes.py).

- Answerable rows: answered when the expected phrase appears in the first 1,000 characters
  of the reply (both sides NFC, one tone placement, casefolded — not folded). With
  look-alikes, an answer whose "Xem văn bản" button is not the sample the row was written
  from is counted as "from another document".
- Unanswerable, small-talk and off-topic rows (empty expectation): declined when the reply
  cites nothing (no "Nguồn:" line).
- The fresh set mixes both kinds; its answerable and unanswerable rows are reported apart.
- Baseline: plain BM25 (bm25s, default tokenizer) over blank-line paragraphs, top paragraph;
  raw and folded. It always shows a paragraph, so it declines nothing.
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
from sqlalchemy import select

from benchmarks.lookalikes import add_lookalikes
from bot.services import build_services
from core.settings import Settings
from handlers.app import build_router
from core.dispatch import BotCore
from core.types import Incoming, Reply, UserRef
from store.vn import text as vntext
from store.clock import FakeClock
from store.db import transaction
from store.models import Commune, Document, Officer
from store.search.service import ensure_index

REPO = Path(__file__).resolve().parent.parent
HERE = REPO / "benchmarks"
SETS = {
    "answerable": HERE / "questions-answerable.tsv",
    "unanswerable": HERE / "questions-unanswerable.tsv",
    "smalltalk": HERE / "questions-smalltalk.tsv",
    "dev": REPO.parent / "shared" / "eval" / "questions-dev.tsv",
    "extra": HERE / "questions-extra.tsv",
    "holdout": HERE / "questions-holdout.tsv",  # written by others from the directives alone
    "fresh": HERE / "questions-fresh.tsv",  # written before the answer checks' last changes: never tuned on
}
SAMPLES = REPO / "store" / "sample" / "directives"
WINDOW = 1000
ASKER = UserRef("telegram", "9001", "9001", "Cán bộ xã")
ASKER_PROVINCE = 12  # Lai Châu


def load(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def canon(text: str) -> str:
    return vntext.normalize(text).casefold()


def declined(reply: str) -> bool:
    return "Nguồn:" not in reply


def passed(row: dict[str, str], reply: str) -> bool:
    if not row["expect"].strip() or row["variant"] in ("offtopic",):
        return declined(reply)
    return canon(row["expect"]) in canon(reply[:WINDOW])


def register_asker(services) -> None:
    """A commune officer of Lai Châu, linked to the benchmark's chat user."""
    from store.models import User

    now = services.clock.now()
    with transaction(services.session_factory) as s:
        commune = s.scalars(select(Commune).where(Commune.province_code == ASKER_PROVINCE).order_by(Commune.code)).first()
        officer = Officer(full_name="Cán bộ thử", phone="0900000001", telegram_id=ASKER.external_id, role="officer",
                          commune_code=commune.code, position="Văn phòng", active=True, created_at=now)
        s.add(officer)
        s.flush()
        s.add(User(channel=ASKER.channel, external_id=ASKER.external_id, chat_id=ASKER.chat_id,
                   display_name=ASKER.display_name, reachable=True, created_at=now, last_seen_at=now,
                   officer_id=officer.id))


async def run_bot(rows: list[dict[str, str]], core: BotCore) -> list[tuple[dict[str, str], Reply]]:
    out = []
    for n, row in enumerate(rows):
        replies = await core.handle(Incoming(user=ASKER, update_key=f"{row['id']}-{n}-{time.monotonic_ns()}",
                                             text=row["question"]))
        out.append((row, Reply(text="\n".join(r.reply.text for r in replies),
                               buttons=[row_ for r in replies for row_ in r.reply.buttons])))
    return out


def report(title: str, results: list[tuple[dict[str, str], Reply]], sample_ids: dict[str, int],
           show_failures: bool) -> None:
    by_variant: dict[str, list[bool]] = defaultdict(list)
    failures, elsewhere = [], 0
    for row, reply in results:
        ok = passed(row, reply.text)
        by_variant[row["variant"]].append(ok)
        if not ok:
            failures.append((row, reply.text))
        elif row["expect"].strip() and row["source"] in sample_ids:
            docs = [b.data for line in reply.buttons for b in line if b.data.startswith("doc:")]
            if docs and f"doc:{sample_ids[row['source']]}" not in docs:
                elsewhere += 1
                if show_failures:
                    failures.append((row, "(from another document) " + reply.text))
    total = sum(sum(v) for v in by_variant.values())
    n = sum(len(v) for v in by_variant.values())
    what = "declined" if all(not r["expect"].strip() for r, _ in results) else "answered on first screen"
    print(f"\n== {title}: {what} {total}/{n} = {100 * total / max(n, 1):.1f}%"
          + (f" (answers from another document: {elsewhere})" if sample_ids and what != "declined" else ""))
    for variant, oks in sorted(by_variant.items()):
        print(f"   {variant:<9} {sum(oks):>3}/{len(oks):<3} {100 * sum(oks) / len(oks):5.1f}%")
    if show_failures:
        for row, reply in failures:
            print(f"   FAIL {row['id']} [{row['variant']}] {row['question']!r} expect={row['expect']!r}")
            print(f"        got: {reply[:160]!r}")


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


def run_sets(core: BotCore, names: list[str], sample_ids: dict[str, int], label: str, failures: bool) -> None:
    for name in names:
        path = SETS[name]
        if not path.exists():
            print(f"\n== {name}: {path} not found, skipped")
            continue
        rows = load(path)
        results = asyncio.run(run_bot(rows, core))
        answerable = [(r, reply) for r, reply in results if r["expect"].strip()]
        unanswerable = [(r, reply) for r, reply in results if not r["expect"].strip()]
        if answerable and unanswerable and name == "fresh":  # a mixed set: each kind on its own line
            report(f"{name} set ({path.name}), answerable rows{label}", answerable, sample_ids, failures)
            report(f"{name} set ({path.name}), unanswerable rows{label}", unanswerable, sample_ids, failures)
        else:
            report(f"{name} set ({path.name}){label}", results, sample_ids, failures)
        if any(r["expect"].strip() for r in rows) and not label:
            raw, folded = baseline(rows)
            print(f"   baseline plain BM25 over paragraphs (answerable rows): raw {100 * raw:.1f}%, "
                  f"folded {100 * folded:.1f}%")
        elif not label:
            print("   baseline plain BM25: declines 0.0% (it always shows its top paragraph)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lookalikes", type=int, default=200)
    parser.add_argument("--sets", nargs="*", default=list(SETS))
    parser.add_argument("--failures", action="store_true", help="list every failed question")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(_env_file=None, bot_token=None, database_url=f"sqlite:///{tmp}/qa.sqlite3",
                            data_dir=Path(tmp) / "data",
                            rate_limit_messages=10 ** 9)  # one asker sends hundreds of questions
        started = time.perf_counter()
        services = build_services(settings, FakeClock())
        print(f"start-up with samples ingested and index built: {time.perf_counter() - started:.2f}s")
        register_asker(services)
        with services.session_factory() as s:
            sample_ids = {d.source_key[:3]: d.id for d in s.scalars(select(Document))}
        core = BotCore(services, build_router())
        run_sets(core, args.sets, sample_ids, "", args.failures)
        if args.lookalikes:
            add_lookalikes(services.session_factory, args.lookalikes, services.clock.now())
            index = ensure_index(services)
            print(f"\n-- with {args.lookalikes} look-alike directives loaded "
                  f"({len(index.index.docs)} documents, {len(index.index.units):,} passages) --")
            run_sets(core, [n for n in args.sets if n in ("answerable", "unanswerable", "smalltalk", "fresh")],
                     sample_ids, f" + {args.lookalikes} look-alikes", args.failures)


if __name__ == "__main__":
    main()
