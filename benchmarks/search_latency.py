"""Search at scale: python -m benchmarks.search_latency [--docs 2000] [--rounds 20].

Generates directives from the five samples with varied metadata (numbers, dates, places,
issuers, some sentences shuffled), ingests them into a temporary SQLite database, builds the
index, and prints build time, resident memory, and p50/p95/p99 latency of the answer
function on the dev questions. Then shows that a restart loads the persisted index instead
of rebuilding it.
"""

from __future__ import annotations

import argparse
import csv
import functools
import logging
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bot.services import build_services
from core.settings import Settings
from handlers.ask.answer import answer
from store.clock import FakeClock
from store.directives.ingest import ingest_paths
from store.search.service import ensure_index

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "store" / "sample" / "directives"
DEV = REPO.parent / "shared" / "eval" / "questions-dev.tsv"
ORIGINAL_PLACES = ("Lai Châu", "Tuần Giáo", "Tam Đường", "Lào Cai", "Điện Biên")


def rss_mb(field: str = "VmRSS") -> float:
    """Current resident set size (or, with "VmHWM", its peak) from Linux /proc, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def place_pool() -> list[str]:
    import vietnam_provinces as vp

    names = [w.name.split(" ", 1)[1] for w in vp.Ward.iter_all() if w.name.startswith(("Xã ", "Phường "))]
    return [n for n in names if len(n.split()) == 2]


def _shuffle(text: str, rng: random.Random) -> str:
    """Shuffle the sentences after the first in some paragraphs."""
    paragraphs = text.split("\n\n")
    for k, para in enumerate(paragraphs):
        sentences = re.split(r"(?<=\.)\s+(?=[A-ZĐ])", para)
        if len(sentences) > 2 and rng.random() < 0.3:
            tail = sentences[1:]
            rng.shuffle(tail)
            paragraphs[k] = " ".join(sentences[:1] + tail)
    return "\n\n".join(paragraphs)


def generate(services, count: int, seed: int = 7) -> int:
    """Ingest the samples, then add generated variants of them (row copies with varied metadata).

    Copies are written straight to the database (parsing 2,000 files would measure the parser,
    not the search): each gets a new number, date, place and issuer, and some shuffled sentences.
    """
    from sqlalchemy import select

    from store.db import transaction
    from store.models import Document, Section

    ingest_paths(services.session_factory, [SAMPLES], services.clock)
    rng = random.Random(seed)
    places = place_pool()
    now = services.clock.now()
    with services.session_factory() as session:
        originals = session.scalars(select(Document).order_by(Document.id)).all()
        templates = [(d, [(s.level, s.label, s.path, s.heading, s.text) for s in d.sections]) for d in originals]
    made = len(templates)
    while made < count:
        with transaction(services.session_factory) as session:
            for _ in range(min(200, count - made)):
                doc, sections = templates[made % len(templates)]
                place = rng.choice(places)

                def swap(t: str, place: str = place) -> str:  # bound now, not at call time (B023)
                    return _shuffle(functools.reduce(lambda acc, old: acc.replace(old, place), ORIGINAL_PLACES, t), rng)

                kind_code = (doc.number or doc.number_suffix or "/CT-UBND").split("/", 1)[-1]
                copy = Document(
                    source_key=f"gen_{made:05d}", content_hash=f"gen{made}-{rng.random()}", kind=doc.kind,
                    number=f"{rng.randint(1, 250):02d}/{kind_code}" if rng.random() < 0.7 else None,
                    number_suffix=f"/{kind_code}", issuer=f"UBND xã {place}", place=place,
                    province_code=rng.choice([1, 4, 8, 11, 12, 15, 19, 20, 22, 24]),
                    issued_year=rng.randint(2019, 2026), issued_month=rng.randint(1, 12),
                    issued_day=rng.choice([None, rng.randint(1, 28)]), title=swap(doc.title or ""),
                    theme=doc.theme, signer=rng.choice(["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường",
                                                        "Phạm Thị Dung", doc.signer or ""]),
                    signer_title=doc.signer_title, recipients=[], body="", ingested_at=now, updated_at=now)
                copy.sections = [Section(ordinal=i, level=lv, label=lb, path=pa, heading=swap(he), text=swap(tx))
                                 for i, (lv, lb, pa, he, tx) in enumerate(sections)]
                session.add(copy)
                made += 1
    return made


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--questions", type=Path, default=DEV)
    parser.add_argument("--load-only", metavar="DIR", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load_only:
        return load_only(args.load_only, args.questions, args.rounds)
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    with open(args.questions, encoding="utf-8") as fh:
        questions = [row["question"] for row in csv.DictReader(fh, delimiter="\t")]
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(_env_file=None, bot_token=None, database_url=f"sqlite:///{tmp}/lat.sqlite3",
                            data_dir=Path(tmp) / "data", load_samples=False)
        services = build_services(settings, FakeClock(), startup=False)
        started = time.perf_counter()
        made = generate(services, args.docs)
        print(f"corpus: {made} directives (5 samples ingested + generated variants) in "
              f"{time.perf_counter() - started:.1f}s")
        rss_before = rss_mb()
        started = time.perf_counter()
        index = ensure_index(services)
        build = time.perf_counter() - started
        print(f"index: {len(index.index.units):,} passages from {len(index.index.docs):,} documents")
        print(f"index build (incl. save): {build:.2f}s; RSS {rss_mb():.0f} MB (before build {rss_before:.0f} MB, "
              f"peak {rss_mb('VmHWM'):.0f} MB)")

        for q in questions:  # warm caches once
            answer(services, q)
        times: list[float] = []
        for _ in range(args.rounds):
            for q in questions:
                t0 = time.perf_counter()
                answer(services, q)
                times.append((time.perf_counter() - t0) * 1000)
        print(f"answer latency over {len(times)} questions ({len(questions)} dev questions x {args.rounds}): "
              f"p50 {pct(times, 50):.1f} ms, p95 {pct(times, 95):.1f} ms, p99 {pct(times, 99):.1f} ms, "
              f"mean {statistics.mean(times):.1f} ms")

        # A restart with nothing changed loads the persisted index.
        restarted = build_services(settings, FakeClock(), startup=False)
        started = time.perf_counter()
        again = ensure_index(restarted)
        load = time.perf_counter() - started
        print(f"restart: index {'LOADED from disk' if again.loaded_from_disk else 'REBUILT'} in {load:.2f}s "
              f"(build was {build:.2f}s)")
        fresh = subprocess.run([sys.executable, "-m", "benchmarks.search_latency", "--load-only", tmp,
                                "--questions", str(args.questions), "--rounds", str(args.rounds)],
                               capture_output=True, text=True, cwd=REPO)
        print(fresh.stdout.strip() or fresh.stderr.strip()[-500:])


def load_only(tmp: str, questions_path: Path, rounds: int) -> None:
    """In a fresh process (as the bot runs): load the index, answer the questions, report memory."""
    settings = Settings(_env_file=None, bot_token=None, database_url=f"sqlite:///{tmp}/lat.sqlite3",
                        data_dir=Path(tmp) / "data", load_samples=False)
    services = build_services(settings, FakeClock(), startup=False)
    before = rss_mb()
    started = time.perf_counter()
    index = ensure_index(services)
    print(f"fresh process: index {'loaded' if index.loaded_from_disk else 'REBUILT'} in "
          f"{time.perf_counter() - started:.2f}s; RSS {rss_mb():.0f} MB (before loading {before:.0f} MB)")
    with open(questions_path, encoding="utf-8") as fh:
        questions = [row["question"] for row in csv.DictReader(fh, delimiter="\t")]
    times: list[float] = []
    for _ in range(rounds):
        for q in questions:
            t0 = time.perf_counter()
            answer(services, q)
            times.append((time.perf_counter() - t0) * 1000)
    print(f"fresh process after {len(times)} answers: p50 {pct(times, 50):.1f} ms, p95 {pct(times, 95):.1f} ms; "
          f"RSS {rss_mb():.0f} MB (peak {rss_mb('VmHWM'):.0f} MB; private {rss_mb('RssAnon'):.0f} MB, "
          f"index file pages {rss_mb('RssFile'):.0f} MB)")


if __name__ == "__main__":
    main()
