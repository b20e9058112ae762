"""Reminder planning at national scale: 3,321 communes × 4 periods.

Seeds the real unit list (vietnam-provinces), N officers per commune with a chat, four
nationwide periods, a few submissions; then times (a) the whole remaining reminder plan,
(b) deciding what is due at a moment when every officer's reminder falls due at once, and
(c) the full sweep that also writes the log and outbox rows.

    .venv/bin/python -m benchmarks.reminder_planning [--officers-per-commune 2] [--database-url URL]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import func, insert, select

from bot.services import build_services
from core.settings import Settings
from reminders.sweep import plan_due, plan_schedule, run_sweep
from store.clock import VN_TZ, FakeClock
from store.db import transaction
from store.models import Commune, Form, Officer, OutboxMessage, Period, PeriodUnit, Report, User
from store.people.units import sync_units


def seed(services, officers_per_commune: int, now: datetime) -> tuple[int, list[int]]:
    with transaction(services.session_factory) as s:
        sync_units(s)
        codes = list(s.scalars(select(Commune.code).order_by(Commune.code)))
        form = Form(form_id="bench", version=1, title="Bench", definition={}, content_hash="x", created_at=now)
        s.add(form)
        s.flush()
        officers = [{"full_name": f"Cán bộ {i}", "role": "officer", "commune_code": code, "active": True,
                     "created_at": now} for code in codes for i in range(officers_per_commune)]
        s.execute(insert(Officer), officers)
        ids = list(s.scalars(select(Officer.id).order_by(Officer.id)))
        s.execute(insert(User), [{"channel": "telegram", "external_id": str(10_000_000 + oid),
                                  "chat_id": str(10_000_000 + oid), "officer_id": oid, "reachable": True,
                                  "display_name": "", "created_at": now, "last_seen_at": now} for oid in ids])
        period_ids = []
        for k in range(4):
            due = datetime(2026, 7 + k, 15, 17, tzinfo=VN_TZ)
            p = Period(label=f"Kỳ {k + 1}", form_pk=form.id, province_code=None, open_at=due - timedelta(days=40),
                       due_at=due, close_at=due + timedelta(days=30), created_at=now)
            s.add(p)
            s.flush()
            s.execute(insert(PeriodUnit), [{"period_id": p.id, "commune_code": c} for c in codes])
            period_ids.append(p.id)
        # A tenth of the communes already reported for the first period.
        s.execute(insert(Report), [{"period_id": period_ids[0], "commune_code": c, "form_pk": form.id, "revision": 1,
                                    "answers": {}, "submitted_at": now, "updated_at": now} for c in codes[::10]])
    return len(codes), period_ids


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--officers-per-commune", type=int, default=2)
    ap.add_argument("--database-url", help="default: a SQLite file in a temp dir")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        clock = FakeClock(datetime(2026, 6, 1, 1, 0, tzinfo=timezone.utc))
        settings = Settings(_env_file=None, database_url=url, data_dir=Path(tmp) / "data", load_samples=False)
        services = build_services(settings, clock, startup=False)
        t = time.perf_counter()
        communes, periods = seed(services, args.officers_per_commune, clock.now())
        print(f"seeded {communes:,} communes, {communes * args.officers_per_commune:,} officers, "
              f"{len(periods)} periods in {time.perf_counter() - t:.1f} s ({url.split(':')[0]})")

        t = time.perf_counter()
        with services.session_factory() as s:
            plan = plan_schedule(s, settings, clock.now())
        plan_s = time.perf_counter() - t
        print(f"whole reminder plan: {len(plan):,} reminders for {communes:,} communes × {len(periods)} periods "
              f"in {plan_s:.3f} s")

        # The first period's "-7d@08:00" moment: every officer of an owing commune is due at once.
        clock.set(datetime(2026, 7, 8, 8, 0, tzinfo=VN_TZ).astimezone(timezone.utc))
        t = time.perf_counter()
        with services.session_factory() as s:
            due = plan_due(s, clock.now(), settings)
        due_s = time.perf_counter() - t
        print(f"what is due now (peak minute): {len(due):,} reminders decided in {due_s:.3f} s")
        t = time.perf_counter()
        result = run_sweep(services)
        sweep_s = time.perf_counter() - t
        with services.session_factory() as s:
            queued = s.scalar(select(func.count()).select_from(OutboxMessage))
        print(f"full sweep (decide + log + queue): {result.queued:,} queued, {result.skipped:,} skipped "
              f"in {sweep_s:.3f} s; outbox rows {queued:,}")
        t = time.perf_counter()
        again = run_sweep(services)
        print(f"next minute's sweep (nothing new): {again.total} in {time.perf_counter() - t:.3f} s")
        ok = plan_s < 1.0 and due_s < 1.0 and again.total == 0 and queued == result.queued
        print(f"RESULT: planning {'under' if plan_s < 1.0 else 'OVER'} 1 s "
              f"({plan_s:.3f} s plan, {due_s:.3f} s due-now) – {'PASS' if ok else 'FAIL'}")
        services.session_factory.kw["bind"].dispose()
        return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
