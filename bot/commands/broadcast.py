"""``python -m bot broadcast …``, ``python -m bot reminders plan|sweep`` and ``python -m bot outbox``.

- ``broadcast``: queue a notice to an audience (the serving process delivers it), or show
  the progress of broadcasts with ``--status``;
- ``reminders plan``: what the reminder schedule holds from now on; ``reminders sweep``:
  run one sweep now (what the minute job does);
- ``outbox``: a sender-only worker (Telegram transport): a second process may drain the
  outbox next to the one serving updates; ``--until-empty`` exits when nothing is left.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import mimetypes
import signal
import sys
from collections import Counter
from pathlib import Path
from typing import Any, Optional

from bot.cli import SUBCOMMANDS
from core.settings import Settings

log = logging.getLogger(__name__)


def _audience(args: argparse.Namespace) -> tuple[dict[str, Any], str]:
    provinces = sorted(set(args.province)) if args.province else None
    if args.communes:
        return ({"kind": "communes", "commune_codes": sorted(set(args.communes)), "province_codes": provinces},
                f"{len(set(args.communes))} xã/phường")
    if args.role:
        return {"kind": "role", "role": args.role, "province_codes": provinces}, f"vai trò {args.role}"
    if args.not_reported is not None:
        return ({"kind": "not_reported", "period_id": args.not_reported, "province_codes": provinces},
                f"xã chưa nộp kỳ #{args.not_reported}")
    if provinces:
        return {"kind": "province", "province_codes": provinces}, f"tỉnh {', '.join(map(str, provinces))}"
    raise SystemExit("choose an audience: --province, --communes, --role or --not-reported")


def _broadcast(args: argparse.Namespace, settings: Settings) -> int:
    from sqlalchemy import select

    from bot.services import build_services
    from core.broadcasts import create_broadcast, progress, progress_line, report_text, resolve_audience
    from core.reminder_policy import quiet_hours
    from store.db import transaction
    from store.models import Broadcast, User

    services = build_services(settings, startup=False)
    if args.status:
        with services.session_factory() as s:
            rows = list(s.scalars(select(Broadcast).order_by(Broadcast.id.desc()).limit(10)))
            for bc in rows:
                counts = progress(s, bc.id)
                print(report_text(bc, counts) if bc.state == "done" else progress_line(bc, counts))
            if not rows:
                print("Chưa có thông báo nào.")
        return 0
    text = args.text or (Path(args.text_file).read_text("utf-8") if args.text_file else "")
    text = text.strip()
    if not text:
        print("Thiếu nội dung: --text hoặc --text-file", file=sys.stderr)
        return 2
    attachment = None
    if args.attach:
        path = Path(args.attach).resolve()
        if not path.is_file():
            print(f"Không thấy tệp {path}", file=sys.stderr)
            return 2
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        attachment = {"kind": "image" if mime.startswith("image/") else "document", "path": str(path),
                      "file_name": path.name, "mime_type": mime}
    audience, label = _audience(args)
    now = services.clock.now()
    with transaction(services.session_factory) as s:
        count = len(resolve_audience(s, audience, exclude_officer=args.sender_officer))
        if args.dry_run or count == 0:
            print(f"{count} người nhận ({label}); chưa gửi" + (" (--dry-run)." if args.dry_run else "."))
            return 0 if args.dry_run else 1
        sender_user = None
        if args.sender_officer:
            sender_user = s.scalar(select(User.id).where(User.officer_id == args.sender_officer).limit(1))
        bc = create_broadcast(s, officer_id=args.sender_officer, sender_user_id=sender_user, text=text,
                              audience=audience, audience_label=label, now=now, quiet=quiet_hours(settings),
                              attachment=attachment)
        print(f"Đã xếp hàng thông báo #{bc.id} tới {bc.recipient_count} người ({label}).")
    return 0


def _reminders(args: argparse.Namespace, settings: Settings) -> int:
    from bot.services import build_services
    from reminders.sweep import plan_schedule, run_sweep

    services = build_services(settings, startup=False)
    if args.action == "policy":
        return _policy(args, services)
    if args.action == "sweep":
        result = run_sweep(services)
        print(f"Đã xếp {result.queued} lời nhắc, bỏ qua {result.skipped} {dict(result.reasons)}, "
              f"{result.digests} bản tổng hợp.")
        return 0
    with services.session_factory() as s:
        plan = plan_schedule(s, settings, services.clock.now())
    by_step = Counter(step for _, _, _, step, _ in plan)
    print(f"{len(plan)} lời nhắc đã lên lịch ({len({p for p, *_ in plan})} kỳ, "
          f"{len({(p, c) for p, c, *_ in plan})} lượt xã):")
    for step, n in sorted(by_step.items()):
        print(f"  {step}: {n}")
    return 0


def _policy(args: argparse.Namespace, services: Any) -> int:
    """Show or set one period's reminder policy (offsets down to minutes)."""
    from core.reminder_policy import policies_for, set_policy
    from core.timespec import PolicyError
    from store.db import transaction
    from store.models import Period

    if args.period is None:
        print("Cần --period MÃ_KỲ", file=sys.stderr)
        return 2
    with transaction(services.session_factory) as s:
        period = s.get(Period, args.period)
        if period is None:
            print(f"Không có kỳ báo cáo #{args.period}", file=sys.stderr)
            return 1
        if args.offsets is not None:
            try:
                set_policy(s, period.id, [o for o in args.offsets.split(",") if o.strip()],
                           args.overdue_time or None, args.overdue_limit, services.clock.now())
            except PolicyError as exc:
                print(f"Lỗi: {exc}", file=sys.stderr)
                return 2
        policy = policies_for(s, [period.id], services.settings)[period.id]
        print(f"Kỳ #{period.id} “{period.label}”: lịch nhắc")
        for step, at in policy.schedule(period.due_at):
            from store.clock import local

            print(f"  {step.key:>12}  {local(at):%H:%M %d/%m/%Y}")
    return 0


async def run_outbox_worker(settings: Settings, *, until_empty: bool = False, sweep: bool = True,
                            max_seconds: Optional[float] = None) -> int:
    """Sender (and sweep) with the Telegram transport, without polling updates. SIGTERM or
    SIGINT: sends in flight finish and are recorded, the roles are handed over, exit 0."""
    from bot.channels.telegram_send import TelegramTransport, sender_bot
    from bot.connect import connect_services
    from core import outbox
    from reminders.runtime import Background

    if not settings.bot_token:
        print("BOT_TOKEN chưa đặt: không có kênh nào để gửi.", file=sys.stderr)
        return 2
    services = connect_services(settings)
    bot = sender_bot(settings)
    await bot.initialize()
    background = Background(services, {"telegram": TelegramTransport(bot)}, sweep=sweep)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    task = asyncio.create_task(background.run(stop))
    started = loop.time()
    try:
        while not task.done() and not stop.is_set():
            await asyncio.wait([task, asyncio.ensure_future(stop.wait())], timeout=0.5,
                               return_when=asyncio.FIRST_COMPLETED)
            if max_seconds is not None and loop.time() - started > max_seconds:
                break
            if until_empty:
                with services.session_factory() as session:
                    left = outbox.pending_by_channel(session).get("telegram", (0, None))[0]
                if not left:
                    break
    finally:
        stop.set()
        await task
        await bot.shutdown()
    s = background.sender.stats
    print(f"outbox worker: sent {s.sent}, blocked {s.blocked}, failed {s.failed}, retried {s.retried}, "
          f"429 {s.rate_limited}", flush=True)
    return 0


def _outbox(args: argparse.Namespace, settings: Settings) -> int:
    return asyncio.run(run_outbox_worker(settings, until_empty=args.until_empty, sweep=not args.no_sweep))


def add(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("broadcast", help="queue a notice to many officers, or show broadcasts' progress")
    p.add_argument("--text", help="the notice (Vietnamese)")
    p.add_argument("--text-file", help="read the notice from a UTF-8 file")
    p.add_argument("--attach", help="a document or photo to attach")
    p.add_argument("--province", type=int, action="append", help="province code (repeatable); alone: all its communes")
    p.add_argument("--communes", type=int, nargs="+", help="commune codes")
    p.add_argument("--role", choices=("officer", "supervisor"), help="everyone with this role (within --province)")
    p.add_argument("--not-reported", type=int, metavar="PERIOD_ID", help="communes that have not reported")
    p.add_argument("--sender-officer", type=int, help="officer id that gets the delivery report")
    p.add_argument("--dry-run", action="store_true", help="count the recipients only")
    p.add_argument("--status", action="store_true", help="show the latest broadcasts and their progress")
    p.set_defaults(func=_broadcast)

    r = sub.add_parser("reminders", help="reminder plan, one sweep now, or a period's reminder policy")
    r.add_argument("action", choices=("plan", "sweep", "policy"))
    r.add_argument("--period", type=int, help="policy: the period id")
    r.add_argument("--offsets", help='policy: write --offsets=-7d@08:00,-3d@08:00,-1d@08:00,0d@08:00,-90m')
    r.add_argument("--overdue-time", default="08:00", help="policy: daily overdue reminder time ('' for none)")
    r.add_argument("--overdue-limit", type=int, default=5, help="policy: how many overdue reminders at most")
    r.set_defaults(func=_reminders)

    o = sub.add_parser("outbox", help="run the outbox sender (and reminder sweep) without serving updates")
    o.add_argument("--until-empty", action="store_true", help="exit once nothing is queued")
    o.add_argument("--no-sweep", action="store_true", help="do not run the minute reminder sweep")
    o.set_defaults(func=_outbox)


SUBCOMMANDS.append(add)
