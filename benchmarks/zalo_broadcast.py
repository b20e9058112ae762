"""Broadcast to N Zalo officers through the real bot (``python -m bot`` serving Zalo: its
outbox sender at ZALO_RATE_PER_SECOND) against the fake Zalo API, SIGKILLed halfway.

    .venv/bin/python -m benchmarks.zalo_broadcast [--officers 2000] [--rate 10] [--no-kill]

The fake answers 429 past ``rate + 2`` sends per second overall or more than one send per
second to a chat. Figures: lost (recipients that got nothing), duplicated (extra copies),
rate-limit answers, and the delivery rate in msg/s with the restart gap left out.

A duplicate can only be a send in flight at the kill: claimed (the attempt recorded), accepted
by the platform, its outcome not yet recorded; the restarted sender puts the claim back and
sends it again (Zalo has no idempotency key). So the benchmark reads the database right after
the kill and prints those sends: claimed rows without an outcome, and how many of them the
fake had already accepted — the duplicates to expect.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional

from sqlalchemy import insert, select

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.services import build_services  # noqa: E402
from core.settings import Settings  # noqa: E402
from core.broadcasts import create_broadcast  # noqa: E402
from core.timespec import QuietHours  # noqa: E402
from store.db import transaction  # noqa: E402
from store.models import Commune, OutboxMessage, Officer, User  # noqa: E402
from store.people.units import sync_units  # noqa: E402
from tests.e2e.fakezaloapi import FakeZaloAPI  # noqa: E402

TEXT = "Kính gửi các đồng chí: hạn nộp báo cáo 6 tháng là 15/6/2026. Trân trọng."


def seed(settings: Settings, officers: int) -> list[str]:
    """``officers`` officers, each with a Zalo chat, and one broadcast to all of them."""
    services = build_services(settings, startup=False)
    now = datetime.now(timezone.utc)
    with transaction(services.session_factory) as s:
        sync_units(s)
        codes = list(s.scalars(select(Commune.code).order_by(Commune.code)))
        s.execute(insert(Officer), [{"full_name": f"Cán bộ {i}", "role": "officer", "commune_code": codes[i % len(codes)],
                                     "active": True, "created_at": now} for i in range(officers)])
        ids = list(s.scalars(select(Officer.id).order_by(Officer.id)))
        s.execute(insert(User), [{"channel": "zalo", "external_id": f"z{oid}", "chat_id": f"z{oid}", "officer_id": oid,
                                  "reachable": True, "display_name": "", "created_at": now, "last_seen_at": now}
                                 for oid in ids])
    with transaction(services.session_factory) as s:
        create_broadcast(s, officer_id=None, sender_user_id=None, text=TEXT,
                         audience={"kind": "role", "role": "officer", "province_codes": None},
                         audience_label="toàn quốc", now=now, quiet=QuietHours(None, None))
    services.session_factory.kw["bind"].dispose()
    return [f"z{oid}" for oid in ids]


def start_bot(api: FakeZaloAPI, settings: Settings, rate: float, log_path: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k not in ("BOT_TOKEN", "BOT_FAKE_NOW")}
    env.update(ZALO_BOT_TOKEN=api.token, ZALO_API_BASE_URL=api.url, ZALO_POLL_TIMEOUT_SECONDS="1",
               ZALO_RATE_PER_SECOND=str(rate), DATABASE_URL=settings.database_url, DATA_DIR=str(settings.data_dir),
               OUTBOX_LEASE_SECONDS="5", LOG_LEVEL="WARNING", LOAD_SAMPLES="false", QUIET_HOURS="",
               PYTHONPATH=str(REPO))
    log = open(log_path, "ab")
    return subprocess.Popen([sys.executable, "-m", "bot"], cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)


def claimed_without_outcome(settings: Settings) -> list[str]:
    """Chats of the rows a sender claimed and never finished (read after the kill)."""
    services = build_services(settings, startup=False)
    try:
        with services.session_factory() as s:
            return list(s.scalars(select(OutboxMessage.chat_id).where(OutboxMessage.state == "sending")))
    finally:
        services.session_factory.kw["bind"].dispose()


def delivered(api: FakeZaloAPI) -> Counter[str]:
    return Counter(c.chat_id for c in api.calls if c.method == "sendMessage" and c.status == 200 and TEXT in c.text)


async def run(officers: int, rate: float, *, kill: bool, workdir: Path, timeout: float) -> dict[str, float]:
    settings = Settings(_env_file=None, database_url=f"sqlite:///{workdir / 'bench.sqlite3'}",
                        data_dir=workdir / "data", load_samples=False)
    chats = seed(settings, officers)
    async with FakeZaloAPI(enforce_limits=True, overall_rate=int(rate) + 2) as api:
        proc = start_bot(api, settings, rate, workdir / "bot.log")
        killed_at, in_flight, accepted, t0 = None, 0, 0, time.monotonic()
        try:
            while True:
                await asyncio.sleep(0.2)
                got = delivered(api)
                if kill and killed_at is None and len(got) >= officers // 2:
                    proc.send_signal(signal.SIGKILL)
                    proc.wait()
                    await asyncio.sleep(0.2)  # the fake answers a request that reached it before the kill
                    got = delivered(api)
                    killed_at = len(got)
                    claimed = await asyncio.to_thread(claimed_without_outcome, settings)
                    in_flight, accepted = len(claimed), sum(1 for chat in claimed if got[chat] > 0)
                    print(f"  SIGKILL after {killed_at:,} delivered; in flight at the kill: {in_flight} claimed "
                          f"without a recorded outcome, {accepted} of them already accepted by the platform "
                          f"(sent again after the restart); restarting", flush=True)
                    proc = start_bot(api, settings, rate, workdir / "bot.log")
                if len(got) >= officers:
                    await asyncio.sleep(6.0)  # the lease of rows in flight at the kill runs out: any duplicate shows
                    break
                if proc.poll() is not None or time.monotonic() - t0 > timeout:
                    print((workdir / "bot.log").read_text(errors="replace")[-3000:], file=sys.stderr)
                    break
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                api.wake_pollers()
                await asyncio.to_thread(proc.wait, 30)
        got = delivered(api)
        times = sorted(c.time for c in api.calls if c.method == "sendMessage" and c.status == 200 and TEXT in c.text)
        gaps = sum(b - a for a, b in zip(times, times[1:]) if b - a > 2.0)  # the restart
        limited = sum(1 for c in api.calls if c.status == 429)
    span = (times[-1] - times[0] - gaps) if len(times) > 1 else 0.0
    return {"officers": officers, "lost": sum(1 for c in chats if got[c] == 0),
            "duplicated": sum(max(0, n - 1) for n in got.values()), "rate_limited": limited,
            "rate": (len(times) - 1) / span if span > 0 else 0.0, "killed_at": killed_at or 0, "downtime": gaps,
            "in_flight": in_flight, "accepted_in_flight": accepted}


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--officers", type=int, default=2000)
    ap.add_argument("--rate", type=float, default=Settings(_env_file=None).zalo_rate_per_second,
                    help="ZALO_RATE_PER_SECOND for the bot (default: the setting's default)")
    ap.add_argument("--no-kill", action="store_true")
    ap.add_argument("--timeout", type=float, default=1800.0)
    args = ap.parse_args(argv)
    print(f"== Zalo broadcast to {args.officers:,} officers at {args.rate:g} msg/s"
          f"{'' if args.no_kill else ', SIGKILL halfway'} ==", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        r = asyncio.run(run(args.officers, args.rate, kill=not args.no_kill, workdir=Path(tmp), timeout=args.timeout))
    print(f"lost: {r['lost']}   duplicated: {r['duplicated']}   (targets 0 / 0)")
    if not args.no_kill:
        print(f"in flight at the kill: {r['in_flight']} claimed, {r['accepted_in_flight']} accepted by the platform "
              f"with no recorded outcome (the duplicates to expect: Zalo has no idempotency key)")
    print(f"delivery rate: {r['rate']:.2f} msg/s (configured {args.rate:g}; restart gap of {r['downtime']:.1f} s "
          f"left out); 429 answers: {r['rate_limited']}")
    ok = r["lost"] == 0 and r["duplicated"] == 0
    print(f"RESULT: {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
