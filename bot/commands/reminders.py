"""``python -m bot reminders plan|sweep|policy``: the reminder schedule, one sweep now, a period's policy."""

from __future__ import annotations

import argparse
from collections import Counter
from datetime import datetime
from typing import Any

from bot.commands.common import CliError, Subparsers, warn, with_import_hint
from core.settings import Settings
from store.roles import Role  # the enum alone: no database layer loaded at CLI start

SKIP_REASONS = {"superseded": "có lời nhắc mới hơn thay thế", "stale": "đã quá muộn để gửi"}


def _reminders(args: argparse.Namespace, settings: Settings) -> int:
    from bot.services import build_services

    services = build_services(settings, startup=False)
    if args.action == "policy":
        return _policy(args, services)
    if args.action == "sweep":
        return _sweep(services)
    return _plan(services)


def _sweep(services: Any) -> int:
    from reminders.sweep import run_sweep

    result = run_sweep(services)
    skipped = f"bỏ qua {result.skipped}"
    if result.reasons:
        skipped += " (" + ", ".join(f"{n}: {SKIP_REASONS.get(r, r)}" for r, n in sorted(result.reasons.items())) + ")"
    print(f"Đã xếp {result.queued} lời nhắc, {skipped}, {result.digests} bản tổng hợp.")
    return 0


def _plan(services: Any) -> int:
    """The remaining plan, one line per step and period in time order, with its date."""
    from sqlalchemy import select

    from reminders.sweep import plan_schedule
    from store.clock import vn_datetime
    from store.models import Period

    now = services.clock.now()
    with services.session_factory() as s:
        plan = plan_schedule(s, services.settings, now)
        labels = dict(s.execute(select(Period.id, Period.label).where(Period.id.in_({p for p, *_ in plan}))).all())
        if not plan:
            print("0 lời nhắc đã lên lịch: " + "; ".join(_why_no_plan(s, now)) + ".")
            return 0
    print(f"{len(plan)} lời nhắc đã lên lịch ({len({p for p, *_ in plan})} kỳ, "
          f"{len({(p, c) for p, c, *_ in plan})} lượt xã):")
    steps = Counter((at, period, step) for period, _, _, step, at in plan)
    for (at, period, step), n in sorted(steps.items()):
        print(f"  {vn_datetime(at):<16}  {_step_label(step)}  kỳ #{period} “{labels.get(period, '')}”: {n} người")
    return 0


def _step_label(key: str) -> str:
    """``-7d@08:00`` as words: 7 ngày trước hạn, ngày hạn, quá hạn 1 ngày, 90 phút trước hạn."""
    if key.endswith("m"):
        return f"{key.lstrip('-')[:-1]} phút trước hạn"
    days = int(key.split("d", 1)[0])
    if days < 0:
        return f"{-days} ngày trước hạn"
    return "ngày hạn" if days == 0 else f"quá hạn {days} ngày"


def _why_no_plan(session: Any, now: datetime) -> list[str]:
    from sqlalchemy import select

    from core.broadcasts import why_unreached
    from store.models import Officer, Period
    from store.reporting.periods import owing_communes

    periods = list(session.scalars(select(Period).where(Period.close_at > now)))
    if not periods:
        return ["không có kỳ báo cáo nào đang mở hoặc sắp mở (tạo bằng: python -m bot periods add …)"]
    owing = set().union(*owing_communes(session, periods).values())
    if not owing:
        return ["mọi xã phải báo cáo đã nộp"]
    owing_officers = (Officer.role == Role.OFFICER) & Officer.commune_code.in_(sorted(owing))
    return with_import_hint(why_unreached(session, owing_officers))


def _policy(args: argparse.Namespace, services: Any) -> int:
    """Show or set one period's reminder policy (offsets down to minutes), with warnings."""
    from core.reminder_policy import policies_for, set_policy
    from core.timespec import PolicyError
    from store.db import transaction
    from store.models import Period

    if args.period is None:
        raise CliError("cần --period MÃ_KỲ (xem: python -m bot periods list)", 2)
    with transaction(services.session_factory) as s:
        period = s.get(Period, args.period)
        if period is None:
            raise CliError(f"không có kỳ báo cáo #{args.period} (xem: python -m bot periods list)")
        if args.offsets is not None:
            try:
                set_policy(s, period.id, [o for o in args.offsets.split(",") if o.strip()],
                           args.overdue_time or None, args.overdue_limit, services.clock.now())
            except PolicyError as exc:
                raise CliError(str(exc), 2) from None
        policy = policies_for(s, [period.id], services.settings)[period.id]
        _print_policy(period, policy, services.settings)
    return 0


def _print_policy(period: Any, policy: Any, settings: Settings) -> None:
    from core.reminder_policy import quiet_hours
    from store.clock import as_utc, vn_datetime

    due = as_utc(period.due_at)
    quiet = quiet_hours(settings)
    print(f"Kỳ #{period.id} “{period.label}”, hạn {vn_datetime(due)}: lịch nhắc")
    for step, at in policy.schedule(due):
        print(f"  {vn_datetime(at):<16}  {_step_label(step.key)} ({step.key})")
        if quiet.contains(at):
            later = quiet.next_allowed(at)
            outcome = (f"tin sẽ gửi lúc {vn_datetime(later)}" if step.overdue or later < due
                       else "hết giờ yên lặng thì đã quá hạn, nên sẽ không gửi")
            window = f"{quiet.start:%H:%M}-{quiet.end:%H:%M}"
            warn(f"mốc {step.key} ({vn_datetime(at)}) rơi vào giờ yên lặng {window}: {outcome}")
    for step in policy.steps:
        if step.moment(due) > due:
            warn(f"mốc {step.key} ({vn_datetime(step.moment(due))}) rơi sau hạn nộp nên sẽ không gửi")


def add(sub: Subparsers) -> None:
    r = sub.add_parser("reminders", help="lịch nhắc hạn, chạy một lượt nhắc, chính sách nhắc của một kỳ",
                       description="plan: các lời nhắc sắp gửi theo thứ tự thời gian; sweep: chạy một lượt "
                                   "nhắc ngay; policy: xem hoặc đặt lịch nhắc của một kỳ.")
    r.add_argument("action", choices=("plan", "sweep", "policy"), metavar="plan|sweep|policy",
                   help="plan: lịch sắp tới; sweep: nhắc ngay; policy: lịch nhắc của một kỳ")
    r.add_argument("--period", type=int, metavar="MÃ_KỲ", help="policy: mã kỳ báo cáo")
    r.add_argument("--offsets", metavar="MỐC,…",
                   help="policy: các mốc trước hạn, viết --offsets=-7d@08:00,-3d@08:00,-1d@08:00,0d@08:00,-90m")
    r.add_argument("--overdue-time", default="08:00", metavar="HH:MM",
                   help="policy: giờ nhắc quá hạn mỗi ngày ('' để tắt)")
    r.add_argument("--overdue-limit", type=int, default=5, metavar="SỐ",
                   help="policy: số lần nhắc quá hạn tối đa")
    r.set_defaults(func=_reminders)
