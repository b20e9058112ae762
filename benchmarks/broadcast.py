"""Broadcast to N officers through the real outbox sender against a rate-limiting fake Bot API.

The fake API (tests/e2e/fakebotapi.py) answers 429 past 30 sends/s overall or more than
one per second to a chat, and 403 for chats that blocked the bot. The senders run as
separate processes (``python -m bot outbox --until-empty``) with python-telegram-bot's Bot;
with ``--kill`` the sending one is SIGKILLed halfway and started again at once; with
``--workers 2 --postgres`` two workers share one PostgreSQL (a throwaway server).

    .venv/bin/python -m benchmarks.broadcast [--officers 20000] [--blocked 0.01] [--kill | --both]
                                             [--workers 2 --postgres]

Figures: rate over the whole run (sends answered 200 or 403 per second from the first to the
last, kill and restart included, as Telegram's ceiling counts calls), the most sends in any
1-second window overall and to one chat, lost (reachable recipients that got nothing),
duplicated (extra copies), 429 share of all send attempts, blocked users marked unreachable.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator, Optional

from sqlalchemy import func, insert, select

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.services import build_services  # noqa: E402
from core.settings import Settings  # noqa: E402
from core.broadcasts import create_broadcast  # noqa: E402
from core.timespec import QuietHours  # noqa: E402
from store.db import transaction  # noqa: E402
from store.models import Commune, Officer, OutboxMessage, User  # noqa: E402
from store.people.units import sync_units  # noqa: E402
from tests.e2e.fakebotapi import FakeBotAPI  # noqa: E402
from tests.pgserver import fresh_database, postgres_url  # noqa: E402

TOKEN = "123456:BENCH-TOKEN"
CHAT_BASE = 10_000_000


@dataclass
class Result:
    officers: int
    blocked: int
    accepted: int
    rate: float  # answered sends (200 or 403) per second, whole run: what Telegram's 30/s ceiling counts
    accepted_rate: float  # 200 answers per second, whole run
    max_window: int  # most answered sends in any 1-second window
    max_chat_window: int  # most accepted sends to one chat in any 1-second window
    workers: int
    lost: int
    duplicated: int
    answers_429: int
    attempts: int
    marked_unreachable: int
    states: dict[str, int]
    kills: int
    elapsed: float
    downtime: float

    @property
    def share_429(self) -> float:
        return self.answers_429 / self.attempts if self.attempts else 0.0

    @property
    def ok(self) -> bool:
        return (self.rate >= 27.0 and self.lost == 0 and self.duplicated <= 2 * self.kills
                and self.share_429 < 0.01 and self.max_window <= 30 and self.max_chat_window <= 1
                and self.marked_unreachable == self.blocked)

    def lines(self) -> list[str]:
        return [
            f"recipients: {self.officers:,} ({self.blocked:,} blocked the bot); {self.workers} worker(s); "
            f"sender killed {self.kills}×",
            f"accepted by the API: {self.accepted:,} in {self.elapsed:.1f} s "
            f"(pauses over 0.5 s between sends: {self.downtime:.1f} s in total, included in the rate)",
            f"rate over the whole run: {self.rate:.2f} messages/s answered 200 or 403 (target ≥ 27, "
            f"Telegram's ceiling 30); {self.accepted_rate:.2f}/s accepted (200 only)",
            f"most sends in any 1-s window: {self.max_window} (limit 30); most to one chat in any 1 s: "
            f"{self.max_chat_window} (limit 1)",
            f"lost: {self.lost}   duplicated: {self.duplicated} (target 0, at most 2 per kill)",
            f"429 answers: {self.answers_429} of {self.attempts:,} send attempts ({self.share_429:.3%})",
            f"blocked users marked unreachable: {self.marked_unreachable:,}/{self.blocked:,}",
            f"outbox states: {dict(sorted(self.states.items()))}",
            f"RESULT: {'PASS' if self.ok else 'FAIL'}",
        ]


def seed(settings: Settings, officers: int) -> list[int]:
    """Units, ``officers`` officers spread over the communes, each with a Telegram chat; one broadcast."""
    services = build_services(settings, startup=False)
    now = datetime.now(timezone.utc)
    with transaction(services.session_factory) as s:
        sync_units(s)
        codes = list(s.scalars(select(Commune.code).order_by(Commune.code)))
        s.execute(insert(Officer), [{"full_name": f"Cán bộ {i}", "role": "officer", "commune_code": codes[i % len(codes)],
                                     "active": True, "created_at": now} for i in range(officers)])
        ids = list(s.scalars(select(Officer.id).order_by(Officer.id)))
        s.execute(insert(User), [{"channel": "telegram", "external_id": str(CHAT_BASE + oid),
                                  "chat_id": str(CHAT_BASE + oid), "officer_id": oid, "reachable": True,
                                  "display_name": "", "created_at": now, "last_seen_at": now} for oid in ids])
    with transaction(services.session_factory) as s:
        create_broadcast(s, officer_id=None, sender_user_id=None,
                         text="Kính gửi các đồng chí: hạn nộp báo cáo 6 tháng là 15/6/2026. Trân trọng.",
                         audience={"kind": "role", "role": "officer", "province_codes": None},
                         audience_label="toàn quốc", now=now, quiet=QuietHours(None, None))
    services.session_factory.kw["bind"].dispose()
    return [CHAT_BASE + oid for oid in ids]


def worker_env(settings: Settings, api_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("BOT_FAKE_NOW",)}
    env.update(BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=api_url, DATABASE_URL=settings.database_url,
               DATA_DIR=str(settings.data_dir), LOG_LEVEL="WARNING",
               LOAD_SAMPLES="false", QUIET_HOURS="", PYTHONPATH=str(REPO))
    return env


def start_worker(env: dict[str, str], log_path: Path) -> subprocess.Popen:
    log = open(log_path, "ab")
    return subprocess.Popen([sys.executable, "-m", "bot", "outbox", "--until-empty", "--no-sweep"], cwd=REPO,
                            env=env, stdout=log, stderr=subprocess.STDOUT)


async def run(officers: int, blocked_share: float, *, kill: bool, workdir: Path, workers: int = 1,
              progress: bool = True, database_url: Optional[str] = None) -> Result:
    settings = Settings(_env_file=None, database_url=database_url or f"sqlite:///{workdir / 'bench.sqlite3'}",
                        data_dir=workdir / "data", load_samples=False)
    chats = seed(settings, officers)
    rng = random.Random(42)
    blocked = set(rng.sample(chats, int(len(chats) * blocked_share)))
    async with FakeBotAPI(TOKEN, enforce_limits=True) as api:
        api.blocked_chats = set(blocked)
        env = worker_env(settings, api.url)
        log_path = workdir / "worker.log"
        procs = [start_worker(env, log_path) for _ in range(workers)]
        t0 = time.monotonic()
        kills = await drive(api, procs, env, log_path, kill=kill, target=officers - len(blocked), progress=progress)
        elapsed = time.monotonic() - t0
        if any(p.returncode != 0 for p in procs):
            print(log_path.read_text(errors="replace")[-3000:], file=sys.stderr)
        sends = [c for c in api.calls if c.method == "sendMessage" and c.status is not None]
        ok_times = sorted(c.time for c in sends if c.status == 200)
        # Telegram's ceiling counts calls: a 403 answer to a blocked chat uses a slot like a 200.
        call_times = sorted(c.time for c in sends if c.status in (200, 403))
        chat_times: dict[int, list[float]] = {}
        for c in sends:
            if c.status == 200:
                chat_times.setdefault(c.chat_id or 0, []).append(c.time)
        per_chat = {chat: c for chat, c in api.counts.items()}
        totals = api.status_totals()
    gaps = [b - a for a, b in zip(call_times, call_times[1:]) if b - a > 0.5]  # sends are ~36 ms apart
    lost = sum(1 for chat in chats if chat not in blocked and per_chat.get(chat, Counter())[200] == 0)
    dup = sum(max(0, c[200] - 1) for c in per_chat.values())
    services = build_services(settings, startup=False)
    with services.session_factory() as s:
        states = {st: n for st, n in s.execute(select(OutboxMessage.state, func.count()).group_by(OutboxMessage.state))}
        unreachable = s.scalar(select(func.count()).select_from(User).where(User.reachable.is_(False)))
    services.session_factory.kw["bind"].dispose()
    return Result(officers=officers, blocked=len(blocked), accepted=totals[200], rate=per_second(call_times),
                  accepted_rate=per_second(ok_times), max_window=max_in_window(call_times),
                  max_chat_window=max((max_in_window(sorted(t)) for t in chat_times.values()), default=0),
                  workers=workers, lost=lost, duplicated=dup, answers_429=totals[429], attempts=sum(totals.values()),
                  marked_unreachable=unreachable, states=states, kills=kills, elapsed=elapsed, downtime=sum(gaps))


async def drive(api: FakeBotAPI, procs: list[subprocess.Popen], env: dict[str, str], log_path: Path, *,
                kill: bool, target: int, progress: bool) -> int:
    """Wait for the workers to finish; with ``kill``, SIGKILL the first halfway and restart it
    at once (as a supervisor would). Returns the number of kills."""
    kills, t0, last_print = 0, time.monotonic(), 0.0
    done, seen_calls = 0, 0
    while True:
        await asyncio.sleep(0.2)
        # Count new answers only: the fake API shares this event loop, so keep this cheap.
        calls = api.calls
        while seen_calls < len(calls) and calls[seen_calls].status is not None:
            done += calls[seen_calls].status == 200 and calls[seen_calls].method == "sendMessage"
            seen_calls += 1
        if progress and time.monotonic() - last_print > 15:
            last_print = time.monotonic()
            print(f"  … {done:,}/{target:,} accepted, {time.monotonic() - t0:.0f} s", flush=True)
        if kill and kills == 0 and done >= target // 2:
            procs[0].send_signal(signal.SIGKILL)  # with one worker, the sender; else whichever
            procs[0].wait()
            kills += 1
            print(f"  SIGKILL at {done:,} accepted; restarting the worker at once", flush=True)
            procs[0] = start_worker(env, log_path)
        if all(p.poll() is not None for p in procs):
            return kills


def per_second(times: list[float]) -> float:
    """Sends per second from the first to the last, nothing excluded."""
    return (len(times) - 1) / max(1e-9, times[-1] - times[0]) if len(times) > 1 else 0.0


def max_in_window(times: list[float], window: float = 1.0) -> int:
    """The most events in any half-open window of ``window`` seconds (sorted input)."""
    best, lo = 0, 0
    for hi, t in enumerate(times):
        while t - times[lo] >= window:
            lo += 1
        best = max(best, hi - lo + 1)
    return best


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--officers", type=int, default=20_000)
    ap.add_argument("--blocked", type=float, default=0.01, help="share of recipients who blocked the bot")
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--kill", action="store_true", help="SIGKILL the sender halfway, then restart it")
    mode.add_argument("--both", action="store_true", help="a clean run, then a run with the kill")
    ap.add_argument("--workers", type=int, default=1, help="sender processes sharing the database")
    ap.add_argument("--postgres", action="store_true", help="a throwaway PostgreSQL server (tests/pgserver.py)")
    ap.add_argument("--database-url", help="default: a SQLite file in a temp dir (must be empty)")
    args = ap.parse_args(argv)
    runs = [False, True] if args.both else [args.kill]
    ok = True
    for kill in runs:
        print(f"== broadcast to {args.officers:,} officers, {args.workers} worker(s)"
              f"{' on PostgreSQL' if args.postgres else ''}{' with SIGKILL halfway' if kill else ''} ==", flush=True)
        with tempfile.TemporaryDirectory() as tmp, database(args) as url:
            result = asyncio.run(run(args.officers, args.blocked, kill=kill, workdir=Path(tmp),
                                     workers=args.workers, database_url=url))
        for line in result.lines():
            print(line, flush=True)
        ok = ok and result.ok
    return 0 if ok else 1


@contextlib.contextmanager
def database(args: argparse.Namespace) -> Iterator[Optional[str]]:
    if not args.postgres:
        yield args.database_url
        return
    base = postgres_url()
    if base is None:
        raise SystemExit("no PostgreSQL binaries found for --postgres")
    with fresh_database(base) as url:
        yield url


if __name__ == "__main__":
    raise SystemExit(main())
