"""Deadline-morning burst: N officers ask Q questions each at once, against a fake Bot API that
enforces Telegram's limits (30 messages/s overall, 1/s per chat, 429 otherwise).

The real bot runs as a subprocess (``python -m bot``: polling, core, outbox sender) with the
bundled sample directives, so the answers are real. With ``--broadcast N`` a broadcast to N
other officers is already running when the questions arrive: replies go first, the
broadcast must still finish.

    .venv/bin/python -m benchmarks.burst [--officers 300] [--questions 2] [--broadcast 0|300]

Figures: 429 share of all send attempts (target < 1%); time from the burst to the last reply
against the ceiling's floor (reply messages / 30 per second; target ≤ 1.2×); questions left
unanswered (target 0); with a broadcast, when its last message went out.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import sys
import tempfile
import time
from pathlib import Path
from typing import Optional

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks import broadcast as bench  # noqa: E402
from core.settings import Settings  # noqa: E402
from tests.e2e.fakebotapi import FakeBotAPI, FakeUser  # noqa: E402
from tests.e2e.harness import BotProcess  # noqa: E402

QUESTIONS = REPO.parent / "shared" / "eval" / "questions-dev.tsv"
USER_BASE = 900_000_000
CEILING = 30.0


def questions() -> list[str]:
    with open(QUESTIONS, encoding="utf-8") as fh:
        return [row["question"] for row in csv.DictReader(fh, delimiter="\t")]


async def scenario(workdir: Path, officers: int, per_user: int, broadcast: int,
                   database_url: Optional[str] = None) -> list[str]:
    url = database_url or f"sqlite:///{workdir / 'bot.sqlite3'}"
    settings = Settings(_env_file=None, database_url=url, data_dir=workdir / "data", load_samples=False)
    bc_chats = bench.seed(settings, broadcast) if broadcast else []
    asked = questions()
    # Telegram: "avoid more than one message per second in a chat; short bursts are allowed".
    async with FakeBotAPI(bench.TOKEN, enforce_limits=True, per_chat_burst=3) as api:
        proc = BotProcess(api, workdir, env={"OUTBOX_PER_CHAT_INTERVAL_SECONDS": "1.0", "LOG_LEVEL": "WARNING",
                                             "QUIET_HOURS": "", "DATABASE_URL": url})
        await proc.start(timeout=300)
        try:
            if broadcast:  # the broadcast is under way when the questions come
                await api.wait_until(lambda: api.status_totals()[200] >= 30, timeout=120)
            users = [FakeUser(id=USER_BASE + i, first_name=f"Cán bộ {i}") for i in range(officers)]
            calls_before = len(api.calls)
            t0 = time.monotonic()
            for user in users:
                for q in range(per_user):
                    api.push_message(user, asked[(user.id + q) % len(asked)])
            api.wake_pollers()
            want = {u.id for u in users}

            def answered() -> bool:
                return all(api.counts[u][200] >= per_user for u in want)

            try:
                await api.wait_until(answered, timeout=600)
            except AssertionError:
                pass
            if broadcast:
                bc_set = set(bc_chats)
                await api.wait_until(lambda: all(api.counts[c][200] >= 1 for c in bc_set), timeout=600)
            await asyncio.sleep(1.0)  # late duplicates or stragglers would show now
        finally:
            await proc.stop()
        sends = [c for c in api.calls[calls_before:] if c.method == "sendMessage" and c.status is not None]
    return figures(sends, t0, want, per_user, officers, bc_chats, api)


def figures(sends: list, t0: float, want: set[int], per_user: int, officers: int, bc_chats: list[int],
            api: FakeBotAPI) -> list[str]:
    reply_ok = [c for c in sends if c.status == 200 and c.chat_id in want]
    last_reply = max(c.time for c in reply_ok) - t0 if reply_ok else float("nan")
    floor = len(reply_ok) / CEILING
    n429 = sum(1 for c in sends if c.status == 429)
    unanswered = sum(max(0, per_user - api.counts[u][200]) for u in want)
    lines = [f"questions: {officers * per_user} from {officers} officers at once; reply messages accepted: "
             f"{len(reply_ok)}",
             f"429 answers: {n429} of {len(sends)} send attempts ({n429 / max(1, len(sends)):.2%}) (target < 1%)",
             f"last reply after {last_reply:.1f} s; ceiling's floor {floor:.1f} s ({len(reply_ok)} at 30/s); "
             f"ratio {last_reply / floor:.2f}x (target <= 1.2x)",
             f"questions unanswered (lost): {unanswered}"]
    if bc_chats:
        bc_set = set(bc_chats)
        bc_ok = [c for c in sends if c.status == 200 and c.chat_id in bc_set]
        got = sum(1 for c in bc_chats if api.counts[c][200] >= 1)
        last_bc = max(c.time for c in bc_ok) - t0 if bc_ok else float("nan")
        lines.append(f"broadcast running alongside: {got}/{len(bc_chats)} delivered, its last message "
                     f"{last_bc:.1f} s after the burst began")
    return lines


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--officers", type=int, default=300)
    ap.add_argument("--questions", type=int, default=2, help="questions per officer")
    ap.add_argument("--broadcast", type=int, nargs="*", default=[0, 300],
                    help="recipients of a broadcast running alongside (0: none); one run per value")
    ap.add_argument("--postgres", action="store_true", help="a throwaway PostgreSQL server (tests/pgserver.py)")
    args = ap.parse_args(argv)
    args.database_url = None
    for n in args.broadcast:
        title = f" with a broadcast to {n:,} running" if n else ""
        where = "PostgreSQL" if args.postgres else "SQLite"
        print(f"== burst on {where}: {args.officers} officers x {args.questions} questions{title} ==", flush=True)
        with tempfile.TemporaryDirectory() as tmp, bench.database(args) as url:
            for line in asyncio.run(scenario(Path(tmp), args.officers, args.questions, n, url)):
                print(line, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
