"""A province's scoring round through ``python -m bot`` and the fake Telegram Bot API.

130 communes in 12 blocs (the official units of a province that has that many), a 40-criterion
table, an open scoring period. Self-scoring communes each run the whole /chamdiem dialog as a
phone would: ``/chamdiem``, 40 × (the score, “Tiếp »”), the review's “Nộp”; then each bloc's
leader runs /khoicham, opens a sheet, changes a score and gives the reason. Every step is timed
from the update pushed to the fake API until the bot's answer reaches it (polling, the core,
the outbox sender: what the officer waits for). Officers pause between steps (``--think``), as
on a phone, so the bot serves a steady deadline-day load under Telegram's 30 messages/s.

    .venv/bin/python -m benchmarks.emulation_dialog [--scorers 36] [--think 2.0] [--database-url URL]

Figures: p50 / p95 / max per kind of step and over all steps (target p95 ≤ 100 ms); every
scoring commune must end with exactly one submitted sheet.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Optional

from sqlalchemy import func, insert, select

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.services import build_services  # noqa: E402
from core.settings import Settings  # noqa: E402
from store.db import transaction  # noqa: E402
from store.emulation.blocs import create_bloc  # noqa: E402
from store.emulation.periods import create_scoring_period  # noqa: E402
from store.emulation.tables import load_table, parse_table_text, publish_table  # noqa: E402
from store.models import Commune, Officer, Sheet, User  # noqa: E402
from store.people.units import sync_units  # noqa: E402
from tests.e2e.fakebotapi import FakeBotAPI, FakeUser  # noqa: E402
from tests.e2e.harness import BotProcess  # noqa: E402

P95_TARGET_MS = 100.0
COMMUNES, BLOCS, CRITERIA = 130, 12, 40
USER_BASE = 700_000_000


def table_yaml() -> str:
    """Four groups of ten criteria (points and yes/no), 2,5 points each: 100 in all."""
    lines = ["id: bench-40", "version: 1", "title: Bảng tiêu chí 40 mục (benchmark)", "total: 100", "groups:"]
    for g in range(4):
        lines += [f"  - code: G{g + 1}", f"    title: Nhóm {g + 1}", "    max: 25", "    criteria:"]
        for i in range(10):
            kind = "yesno" if i % 5 == 4 else "points"
            lines.append(f"      - {{code: \"{g + 1}.{i + 1}\", text: Tiêu chí {g + 1}.{i + 1} của khối xã, "
                         f"max: 2.5, kind: {kind}}}")
    return "\n".join(lines) + "\n"


def seed(settings: Settings) -> list[list[int]]:
    """Officers of 130 communes of one province in 12 blocs; the blocs' commune codes, leader first."""
    services = build_services(settings, startup=False)
    now = datetime.now(timezone.utc)
    with transaction(services.session_factory) as s:
        sync_units(s)
        province = s.execute(select(Commune.province_code).group_by(Commune.province_code)
                             .having(func.count() >= COMMUNES).order_by(Commune.province_code)).scalars().first()
        codes = list(s.scalars(select(Commune.code).where(Commune.province_code == province)
                               .order_by(Commune.code).limit(COMMUNES)))
        s.execute(insert(Officer), [{"full_name": f"Cán bộ {c}", "role": "officer", "commune_code": c, "active": True,
                                     "created_at": now} for c in codes])
        officers = {code: oid for code, oid in s.execute(select(Officer.commune_code, Officer.id))}
        s.execute(insert(User), [{"channel": "telegram", "external_id": str(USER_BASE + c), "chat_id": str(USER_BASE + c),
                                  "officer_id": officers[c], "reachable": True, "display_name": "", "created_at": now,
                                  "last_seen_at": now} for c in codes])
        blocs = [codes[i::BLOCS] for i in range(BLOCS)]
        for n, members in enumerate(blocs, 1):
            create_bloc(s, province_code=province, year=2026, name=f"Khối thi đua số {n}", leader_code=members[0],
                        members=members[1:], now=now)
        load_table(s, parse_table_text(table_yaml()), now)
        publish_table(s, "bench-40", None, None, now)
        create_scoring_period(s, province_code=province, year=2026, label="Chấm điểm thi đua năm 2026",
                              table_id="bench-40", as_of=date(2026, 12, 31), open_at=now - timedelta(days=30),
                              due_at=now + timedelta(days=400), close_at=now + timedelta(days=500), now=now)
    services.session_factory.kw["bind"].dispose()
    return blocs


class Phone:
    """One officer's Telegram chat: push, wait for the answer, time it."""

    def __init__(self, api: FakeBotAPI, code: int, times: dict[str, list[float]], think: float) -> None:
        self.api, self.user, self.times, self.think = api, FakeUser(id=USER_BASE + code), times, think
        self.last = None

    async def step(self, kind: str, push, replies: int = 1) -> None:
        await asyncio.sleep(random.uniform(0.5, 1.5) * self.think)
        before = len(self.api.sent(self.user.id))
        t0 = time.perf_counter()
        push()
        calls = await self.api.wait_for(self.user.id, count=before + replies, timeout=120)
        self.times[kind].append((time.perf_counter() - t0) * 1000)
        self.last = calls[-1]

    def button(self, label: str) -> str:
        assert self.last is not None
        for b in self.last.inline_buttons:
            if b["text"].startswith(label):
                return str(b["callback_data"])
        raise AssertionError(f"no button {label!r} in {self.last.text[:200]!r}")

    async def press(self, kind: str, label: str) -> None:
        data = self.button(label)
        await self.step(kind, lambda: self.api.push_callback(self.user, data))

    async def text(self, kind: str, text: str) -> None:
        await self.step(kind, lambda: self.api.push_message(self.user, text))


async def self_score(phone: Phone) -> None:
    await phone.step("/chamdiem", lambda: phone.api.push_command(phone.user, "chamdiem"))
    for i in range(CRITERIA):
        if i % 5 == 4:
            await phone.press("điểm (nút Đạt)", "Đạt")
        else:
            await phone.text("điểm (gõ số)", random.choice(["2", "2,5", "1,5"]))
        await phone.press("Tiếp »", "Tiếp »")
    await phone.press("Nộp", "📤 Nộp")
    assert "Đã nộp" in phone.last.text


async def review(phone: Phone) -> None:
    await phone.step("/khoicham", lambda: phone.api.push_command(phone.user, "khoicham"))
    await phone.press("xem bảng điểm", "Xem ")
    await phone.press("sửa điểm", "1.1 ·")
    await phone.text("điểm khối chấm", "1")
    await phone.text("lý do", "Minh chứng chưa đủ")


async def scenario(workdir: Path, scorers: int, think: float, database_url: Optional[str]) -> dict[str, list[float]]:
    url = database_url or f"sqlite:///{workdir / 'bot.sqlite3'}"
    settings = Settings(_env_file=None, database_url=url, data_dir=workdir / "data", load_samples=False)
    blocs = seed(settings)
    members = [c for b in zip(*(b[1:] for b in blocs)) for c in b]  # one per bloc in turn
    active = members[:scorers]
    leaders = [b[0] for b in blocs if set(b[1:]) & set(active)]  # blocs with a sheet to review
    times: dict[str, list[float]] = defaultdict(list)
    async with FakeBotAPI() as api:
        # The real clock (the period spans it): the per-user rate limit counts real minutes.
        proc = BotProcess(api, workdir, env={"LOG_LEVEL": "WARNING", "QUIET_HOURS": "",
                                                           "LOAD_SAMPLES": "false", "DATABASE_URL": url,
                                                           "REMINDER_OFFSETS": "", "REMINDER_OVERDUE_TIME": ""})
        await proc.start(timeout=300)
        try:
            await asyncio.gather(*(self_score(Phone(api, c, times, think)) for c in active))
            await asyncio.gather(*(review(Phone(api, c, times, think)) for c in leaders))
        finally:
            await proc.stop()
    services = build_services(settings, startup=False)
    with services.session_factory() as s:
        submitted = s.scalar(select(func.count()).select_from(Sheet).where(Sheet.submitted_at.is_not(None)))
    assert submitted == len(active), f"{submitted} sheets submitted, {len(active)} expected"
    return times


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def report(times: dict[str, list[float]], label: str) -> bool:
    every = [v for vs in times.values() for v in vs]
    print(f"{label}: {len(every):,} dialog steps")
    for kind, vs in sorted(times.items()):
        print(f"  {kind:<22} n={len(vs):>5}  p50 {statistics.median(vs):6.1f} ms  p95 {pct(vs, 95):6.1f} ms  "
              f"max {max(vs):6.1f} ms")
    p95 = pct(every, 95)
    ok = p95 <= P95_TARGET_MS
    print(f"  all steps               p50 {statistics.median(every):6.1f} ms  p95 {p95:6.1f} ms  max {max(every):6.1f} ms"
          f"  (target p95 ≤ {P95_TARGET_MS:.0f} ms) {'PASS' if ok else 'FAIL'}")
    return ok


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scorers", type=int, default=36, help="communes self-scoring at once (the rest only exist)")
    parser.add_argument("--think", type=float, default=2.0, help="mean seconds an officer takes between steps")
    parser.add_argument("--database-url", default=None, help="default: a SQLite file in a temp dir")
    args = parser.parse_args(argv)
    random.seed(15)
    with tempfile.TemporaryDirectory() as tmp:
        times = asyncio.run(scenario(Path(tmp), args.scorers, args.think, args.database_url))
    print(f"{COMMUNES} communes in {BLOCS} blocs, {CRITERIA}-criterion table; {args.scorers} communes scoring at once, "
          f"{args.think:g} s between steps; then the {BLOCS} leaders review")
    return 0 if report(times, "SQLite" if args.database_url is None else "database") else 1


if __name__ == "__main__":
    sys.exit(main())
