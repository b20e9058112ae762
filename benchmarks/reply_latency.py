"""Reply latency in a dialog: from the update reaching the fake Bot API to the bot's sendMessage.

The real bot (python-telegram-bot polling, the durable inbox, the core, the outbox sender and its
pacer) runs in this process against the fake Bot API, which enforces Telegram's limits with a
per-chat burst of 3 (``FakeBotAPI(per_chat_burst=3)``). A few officers chat at once, each at
one pace: the next message comes ``gap`` seconds after the bot's previous reply. Paces:

- a lone question every 1.6 s; a dialog answered 0.8 s after each question (six in a row);
- quick taps in a multi-select: three 0.3 s apart, then a 2 s pause, twice;
- for comparison, a pace over the sustained limit: four taps within a second (the fourth has
  no token left, as it would have none at Telegram: it waits for one; no target).

Each pace runs with the per-chat token bucket (``OUTBOX_PER_CHAT_BURST=3``: the default) and,
for comparison, with the strict pace of one message a second (``OUTBOX_PER_CHAT_BURST=1``).
The message is small talk, so the figures are the delivery path, not the search.

    .venv/bin/python -m benchmarks.reply_latency [--users 4] [--postgres]

Figures: p50 / p95 / max latency per pace, and 429 answers (target: p95 <= 50 ms with the
bucket at every pace under the sustained limit, 0 answers 429).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks import broadcast as bench  # noqa: E402
from benchmarks.stages import StageTrace  # noqa: E402
from tests.e2e.fakebotapi import FakeBotAPI, FakeUser  # noqa: E402
from bot.channels.telegram.channel import TelegramChannel  # noqa: E402
from bot.services import build_services  # noqa: E402
from tests.e2e.harness import bot_settings  # noqa: E402

P95_TARGET_MS = 50.0
USER_BASE = 700_000_000
TEXT = "cảm ơn"


@dataclass(frozen=True)
class Pace:
    name: str
    gaps: tuple[float, ...]  # seconds after the previous reply before each message
    target: bool = True  # False: over the chat's sustained limit, printed for comparison only


PACES = (
    Pace("lone question every 1.6 s", (1.6,) * 6),
    Pace("dialog, 0.8 s after each question", (0.8,) * 6),
    Pace("multi-select taps 0.3 s apart", (0.3, 0.3, 2.0, 0.3, 0.3, 2.0)),
    Pace("over the limit: four taps within a second", (0.3, 0.3, 0.3, 2.0), target=False),
)


async def chat(api: FakeBotAPI, user: FakeUser, pace: Pace, start_gap: float,
               trace: Optional[StageTrace] = None) -> list[float]:
    """One officer at one pace: the latency of each reply, in seconds."""
    out: list[float] = []
    await asyncio.sleep(start_gap)
    for gap in pace.gaps:
        before = len(api.sent(user.id, "sendMessage"))
        if trace is not None:
            trace.start(user.id)
        t0 = time.monotonic()
        api.push_message(user, TEXT)
        api.wake_pollers()
        await api.wait_until(lambda n=before: len(api.sent(user.id, "sendMessage")) > n, timeout=30)
        sent_at = api.sent(user.id, "sendMessage")[before].time
        out.append(sent_at - t0)
        if trace is not None:
            trace.finish(user.id, sent_at)
        await asyncio.sleep(gap)
    return out


async def run(workdir: Path, url: Optional[str], users: int, burst: int, stages: bool) -> list[str]:
    lines = []
    async with FakeBotAPI(bench.TOKEN, enforce_limits=True, per_chat_burst=3) as api:
        overrides = {"database_url": url} if url else {}
        settings = bot_settings(api, workdir, load_samples=False, outbox_per_chat_interval_seconds=1.0,
                                outbox_per_chat_burst=burst, quiet_hours="", log_level="WARNING", **overrides)
        # Long polling as in production (the test harness polls every instant, which costs CPU).
        async with TelegramChannel(settings, build_services(settings)).running(poll_timeout=10.0):
            await chat(api, FakeUser(id=USER_BASE - 1, first_name="Khởi động"), Pace("warm-up", (0.0,)), 0.0)
            for n, pace in enumerate(PACES):
                people = [FakeUser(id=USER_BASE + 100 * n + i, first_name=f"Cán bộ {i}") for i in range(users)]
                trace = StageTrace().install() if stages else None
                try:
                    runs = await asyncio.gather(*(chat(api, u, pace, i * 0.37, trace) for i, u in enumerate(people)))
                finally:
                    if trace is not None:
                        trace.uninstall()
                lines.append(_line(pace, [x for r in runs for x in r]))
                lines += trace.lines() if trace is not None else []
            n429 = sum(1 for c in api.calls if c.status == 429)
            lines.append(f"  429 answers: {n429} of {sum(1 for c in api.calls if c.method == 'sendMessage')}")
    return lines


def _line(pace: Pace, latencies: list[float]) -> str:
    ms = sorted(x * 1000 for x in latencies)
    p95 = ms[max(0, int(round(0.95 * len(ms))) - 1)]
    mark = "ok" if p95 <= P95_TARGET_MS else "over"
    verdict = f"{mark}: target p95 <= {P95_TARGET_MS:.0f} ms" if pace.target else "no target: over the limit"
    return (f"  {pace.name}: n={len(ms)} p50 {statistics.median(ms):.0f} ms, p95 {p95:.0f} ms, "
            f"max {ms[-1]:.0f} ms ({verdict})")


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--users", type=int, default=4, help="officers chatting at once, per pace")
    ap.add_argument("--postgres", action="store_true", help="a throwaway PostgreSQL server (tests/pgserver.py)")
    ap.add_argument("--stages", action="store_true", help="print where the time goes (benchmarks/stages.py)")
    ap.add_argument("--strict", action=argparse.BooleanOptionalAction, default=True,
                    help="also run the strict pace of one a second, for comparison")
    args = ap.parse_args(argv)
    args.database_url = None
    where = "PostgreSQL" if args.postgres else "SQLite"
    modes = ((3, "per-chat token bucket, burst 3"), (1, "strict pace, one a second"))
    for burst, label in modes if args.strict else modes[:1]:
        print(f"== reply latency on {where}, {label} ==", flush=True)
        with tempfile.TemporaryDirectory() as tmp, bench.database(args) as url:
            for line in asyncio.run(run(Path(tmp), url, args.users, burst, args.stages)):
                print(line, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
