"""Directive parsing and ingest throughput: ``.venv/bin/python -m benchmarks.ingest``.

Parses the five samples repeatedly, then ingests N distinct copies (each with a changed
number so none is skipped) into a fresh SQLite file, re-ingests them unchanged (the start-up
path), and re-ingests after every file changed (the update path).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from store.clock import FakeClock
from store.db import make_engine, make_session_factory
from store.directives.parser import parse_bytes
from store.directives.ingest import ingest_paths
from store.migrate import upgrade

SAMPLES = Path(__file__).resolve().parents[1] / "store" / "sample" / "directives"
COPIES = 300


def main() -> None:
    raws = [p.read_bytes() for p in sorted(SAMPLES.glob("*.txt"))]
    times = []
    for _ in range(20):
        for raw in raws:
            t = time.perf_counter()
            parse_bytes(raw)
            times.append(time.perf_counter() - t)
    print(f"parse: {len(times)} parses of the 5 samples, median {statistics.median(times) * 1000:.1f} ms, "
          f"max {max(times) * 1000:.1f} ms per document")

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "docs"
        folder.mkdir()
        for i in range(COPIES):
            raw = raws[i % len(raws)].decode("utf-8").replace("Số: ", f"Số: {i + 1}", 1)
            (folder / f"doc_{i:04d}.txt").write_text(raw, encoding="utf-8")
        engine = make_engine(f"sqlite:///{tmp}/bench.sqlite3")
        upgrade(engine)
        factory = make_session_factory(engine)
        clock = FakeClock()
        for label, mutate in (("first ingest", False), ("unchanged re-ingest", False), ("all changed", True)):
            if mutate:
                for path in folder.iterdir():
                    path.write_text(path.read_text(encoding="utf-8") + "\nThêm một dòng.\n", encoding="utf-8")
            t = time.perf_counter()
            result = ingest_paths(factory, [folder], clock)
            took = time.perf_counter() - t
            print(f"{label}: {COPIES} files in {took:.2f} s ({COPIES / took:.0f} files/s) -> "
                  f"loaded {result.loaded}, updated {result.updated}, unchanged {result.unchanged}, "
                  f"errors {len(result.errors)}")
        engine.dispose()


if __name__ == "__main__":
    main()
