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
import logging
import random
import re
import statistics
import tempfile
import time
from pathlib import Path

from bot.services import build_services
from bot.settings import Settings
from handlers.ask import answer
from store.clock import FakeClock
from store.ingest import ingest_paths
from store.search import ensure_index

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "store" / "sample" / "directives"
DEV = REPO.parent / "shared" / "eval" / "questions-dev.tsv"
ORIGINAL_PLACES = ("Lai Châu", "Tuần Giáo", "Tam Đường", "Lào Cai", "Điện Biên")


def rss_mb() -> float:
    """Current resident set size (Linux /proc), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def place_pool() -> list[str]:
    import vietnam_provinces as vp

    names = [w.name.split(" ", 1)[1] for w in vp.Ward.iter_all() if w.name.startswith(("Xã ", "Phường "))]
    return [n for n in names if len(n.split()) == 2]


def vary(text: str, rng: random.Random, places: list[str], n: int) -> str:
    """One generated directive: new number, date, place names, a few sentences shuffled."""
    for old in ORIGINAL_PLACES:
        text = text.replace(old, rng.choice(places))
    text = re.sub(r"Số:\s*\d*/", lambda m: f"Số: {rng.randint(1, 250):02d}/" if rng.random() < 0.7 else m.group(0),
                  text, count=1)
    text = re.sub(r"ngày\s+(\d*)\s*tháng\s+(\d+)\s+năm\s+(\d{4})",
                  lambda m: f"ngày {rng.randint(1, 28):02d} tháng {rng.randint(1, 12)} năm {rng.randint(2019, 2026)}",
                  text, count=1)
    paragraphs = text.split("\n\n")
    for k, para in enumerate(paragraphs):
        sentences = re.split(r"(?<=\.)\s+(?=[A-ZĐ])", para)
        if len(sentences) > 2 and rng.random() < 0.3:
            head, tail = sentences[0], sentences[1:]
            rng.shuffle(tail)
            paragraphs[k] = " ".join([head] + tail)
    return "\n\n".join(paragraphs) + f"\n\n(Bản sinh số {n})\n"


def generate(folder: Path, count: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    samples = sorted(SAMPLES.glob("*.txt"))
    places = place_pool()
    for n in range(count):
        src = samples[n % len(samples)]
        text = src.read_text(encoding="utf-8")
        body = text if n < len(samples) else vary(text, rng, places, n)
        (folder / f"gen_{n:05d}_{src.name}").write_text(body, encoding="utf-8")


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--questions", type=Path, default=DEV)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    with open(args.questions, encoding="utf-8") as fh:
        questions = [row["question"] for row in csv.DictReader(fh, delimiter="\t")]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "corpus"
        folder.mkdir()
        generate(folder, args.docs)
        settings = Settings(_env_file=None, bot_token=None, database_url=f"sqlite:///{tmp}/lat.sqlite3",
                            data_dir=Path(tmp) / "data", load_samples=False)
        services = build_services(settings, FakeClock(), startup=False)
        started = time.perf_counter()
        result = ingest_paths(services.session_factory, [folder], services.clock)
        print(f"ingested {result.loaded} directives ({len(result.errors)} errors) in "
              f"{time.perf_counter() - started:.1f}s")
        rss_before = rss_mb()
        started = time.perf_counter()
        index = ensure_index(services)
        build = time.perf_counter() - started
        print(f"index: {len(index.index.units):,} passages from {len(index.index.docs):,} documents")
        print(f"index build (incl. save): {build:.2f}s; RSS {rss_mb():.0f} MB (before build {rss_before:.0f} MB)")

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


if __name__ == "__main__":
    main()
