"""A flooding user against the real bot (sample directives, real search, SQLite).

Prints: search time of one 4,000-letter question of repeated letters (the issue measured
~0.7 s before the fix); then one user sending 300 such questions back to back followed by
another user's ordinary question, through the core as a channel feeds it (one update at a
time): how many of the flood reached the search, the wall time of the whole flood, and how
long the other user's question waited behind it.
"""

from __future__ import annotations

import asyncio
import logging
import statistics
import tempfile
import time
from pathlib import Path

from bot.services import build_services
from core.dispatch import BotCore
from core.settings import Settings
from core.types import Incoming, UserRef
from handlers.app import build_router
from store.clock import FakeClock

LONG = "a" * 4000
QUESTION = "Chỉ thị 02/CT-UBND ban hành ngày nào?"
FLOOD = 300


async def flood(core: BotCore) -> None:
    flooder, other = UserRef("bench", "1", "1", "Flooder"), UserRef("bench", "2", "2", "Other")
    started = time.perf_counter()
    answered = 0
    for n in range(FLOOD):
        out = await core.handle(Incoming(user=flooder, update_key=f"f{n}", text=LONG))
        answered += bool(out) and "nhanh quá" not in out[0].reply.text
    flood_done = time.perf_counter()
    out = await core.handle(Incoming(user=other, update_key="o", text=QUESTION))
    other_done = time.perf_counter()
    print(f"flood of {FLOOD} x 4,000 letters: {answered} handled (limit "
          f"{core.services.settings.rate_limit_messages}/{core.services.settings.rate_limit_window_seconds:.0f} s), "
          f"rest refused; flood took {flood_done - started:.2f} s")
    print(f"other user's reply after the flood: waited {other_done - started:.2f} s in all, "
          f"own handling {1000 * (other_done - flood_done):.0f} ms; answered: {bool(out)}")


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(_env_file=None, bot_token=None, database_url=f"sqlite:///{tmp}/flood.sqlite3",
                            data_dir=Path(tmp) / "data")
        services = build_services(settings, FakeClock())
        search = services.search
        search.search(QUESTION)  # warm-up: first-call caches are not what a flood costs
        # Five different letters: nothing is served from a cache.
        for label, texts in (("4,000 repeated letters", [ch * 4000 for ch in "bcdgh"]),
                             ("ordinary question", [f"{QUESTION} {n}" for n in range(5)])):
            times = []
            for text in texts:
                started = time.perf_counter()
                search.search(text)
                times.append(time.perf_counter() - started)
            print(f"search time, {label}: median of 5 {1000 * statistics.median(times):.1f} ms, "
                  f"max {1000 * max(times):.1f} ms")
        asyncio.run(flood(BotCore(services, build_router())))


if __name__ == "__main__":
    main()
