"""``python -m bot broadcast …`` and ``python -m bot outbox``.

- ``broadcast``: queue a notice to an audience (the serving process delivers it), or show
  the progress of broadcasts with ``--status``; an audience that reaches nobody says why;
- ``outbox``: a sender-only worker for every configured channel (Telegram, Zalo): a second
  process may drain the outbox next to the one serving updates; ``--until-empty`` exits when
  nothing is left.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import mimetypes
import signal
import sys
from pathlib import Path
from typing import Any, Optional

from bot.commands.common import CliError, commune_code, province_codes, units_of, with_import_hint
from core.settings import Settings
from store.roles import ROLE_LABELS, Role  # the enum alone: no database layer loaded at CLI start

log = logging.getLogger(__name__)


def _audience(args: argparse.Namespace, index: Any) -> tuple[dict[str, Any], str]:
    """The audience data and its label; provinces and communes by code or name."""
    provinces = province_codes(index, args.province) or None
    names = ", ".join(index.province_names[c] for c in provinces or ())
    if args.communes:
        communes = sorted({commune_code(index, c, provinces or ()) for c in args.communes})
        return ({"kind": "communes", "commune_codes": communes, "province_codes": provinces},
                f"{len(communes)} xã/phường")
    if args.role:
        label = f"vai trò {ROLE_LABELS[args.role]}" + (f", {names}" if names else "")
        return {"kind": "role", "role": args.role, "province_codes": provinces}, label
    if args.not_reported is not None:
        return ({"kind": "not_reported", "period_id": args.not_reported, "province_codes": provinces},
                f"xã chưa nộp kỳ #{args.not_reported}")
    if provinces:
        return {"kind": "province", "province_codes": provinces}, f"tỉnh {names}"
    raise CliError("chọn người nhận: --province, --communes, --role hoặc --not-reported", 2)


def _read_text(name: str) -> str:
    try:
        return Path(name).read_text("utf-8")
    except FileNotFoundError:
        raise CliError(f"không có tệp {name}", 2) from None
    except (OSError, UnicodeDecodeError):
        raise CliError(f"không đọc được {name} (cần tệp văn bản mã UTF-8)", 2) from None


def _print_status(services: Any) -> None:
    """The last ten broadcasts: progress, or the delivery report of finished ones."""
    from sqlalchemy import select

    from core.broadcasts import progress, progress_line, report_text
    from store.models import Broadcast

    with services.session_factory() as s:
        rows = list(s.scalars(select(Broadcast).order_by(Broadcast.id.desc()).limit(10)))
        for bc in rows:
            counts = progress(s, bc.id)
            print(report_text(bc, counts) if bc.state == "done" else progress_line(bc, counts))
        if not rows:
            print("Chưa có thông báo nào.")


def _attachment(name: str) -> dict[str, str]:
    """The attachment data of a local file (an image is sent as a photo)."""
    path = Path(name).resolve()
    if not path.is_file():
        raise CliError(f"không thấy tệp {path}", 2)
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return {"kind": "image" if mime.startswith("image/") else "document", "path": str(path),
            "file_name": path.name, "mime_type": mime}


def _broadcast(args: argparse.Namespace, settings: Settings) -> int:
    from sqlalchemy import select

    from bot.services import build_services
    from core.broadcasts import AudienceError, audience_filter, create_broadcast, resolve_audience, why_unreached
    from core.reminder_policy import quiet_hours
    from store.db import transaction
    from store.models import User

    services = build_services(settings, startup=False)
    if args.status:
        _print_status(services)
        return 0
    text = args.text or (_read_text(args.text_file) if args.text_file else "")
    text = text.strip()
    if not text:
        raise CliError("thiếu nội dung: --text hoặc --text-file", 2)
    attachment = _attachment(args.attach) if args.attach else None
    audience, label = _audience(args, units_of(services))
    now = services.clock.now()
    with transaction(services.session_factory) as s:
        try:
            count = len(resolve_audience(s, audience, exclude_officer=args.sender_officer))
        except AudienceError as exc:
            raise CliError(str(exc), 2) from None
        if args.dry_run or count == 0:
            why = "; ".join(with_import_hint(why_unreached(s, audience_filter(s, audience)))) if count == 0 else ""
            print(f"{count} người nhận ({label}); chưa gửi" + (" (--dry-run)" if args.dry_run else "")
                  + (f": {why}." if why else "."))
            return 0 if args.dry_run else 1
        sender_user = None
        if args.sender_officer:
            sender_user = s.scalar(select(User.id).where(User.officer_id == args.sender_officer).limit(1))
        bc = create_broadcast(s, officer_id=args.sender_officer, sender_user_id=sender_user, text=text,
                              audience=audience, audience_label=label, now=now, quiet=quiet_hours(settings),
                              attachment=attachment)
        print(f"Đã xếp hàng thông báo #{bc.id} tới {bc.recipient_count} người ({label}).")
    return 0


async def run_outbox_worker(settings: Settings, *, until_empty: bool = False, sweep: bool = True,
                            max_seconds: Optional[float] = None) -> int:
    """Sender (and sweep) for every configured channel — Telegram with BOT_TOKEN, Zalo with
    ZALO_BOT_TOKEN, each at its own pace as in ``python -m bot`` — without taking updates.
    SIGTERM or SIGINT: sends in flight finish and are recorded, the roles are handed over, exit 0."""
    from bot.connect import connect_services
    from bot.serve import sender_transports
    from core import outbox
    from bot.delivery.background import Background

    if not settings.bot_token and not settings.zalo_bot_token:
        print("BOT_TOKEN và ZALO_BOT_TOKEN đều chưa đặt: không có kênh nào để gửi.", file=sys.stderr)
        return 2
    services = connect_services(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with sender_transports(settings, services) as transports:
        background = Background(services, transports, sweep=sweep)
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
                        pending = outbox.pending_by_channel(session)
                    if not any(pending.get(name, (0, None))[0] for name in transports):
                        break
        finally:
            stop.set()
            await task
    s = background.sender.stats
    print(f"Bộ gửi ({', '.join(transports)}): đã gửi {s.sent}, bị chặn {s.blocked}, lỗi {s.failed}, "
          f"gửi lại {s.retried}, bị giới hạn tốc độ (429) {s.rate_limited}", flush=True)
    return 0


def _outbox(args: argparse.Namespace, settings: Settings) -> int:
    return asyncio.run(run_outbox_worker(settings, until_empty=args.until_empty, sweep=not args.no_sweep))


def add(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("broadcast", help="gửi thông báo tới nhiều cán bộ, hoặc xem tiến độ các thông báo",
                       description="Xếp hàng một thông báo (tiến trình bot đang chạy sẽ gửi), hoặc --status "
                                   "để xem tiến độ. Tỉnh và xã ghi bằng mã hoặc tên.")
    p.add_argument("--text", metavar="NỘI_DUNG", help="nội dung thông báo")
    p.add_argument("--text-file", metavar="TỆP", help="đọc nội dung từ một tệp văn bản UTF-8")
    p.add_argument("--attach", metavar="TỆP", help="tệp hoặc ảnh gửi kèm")
    p.add_argument("--province", action="append", metavar="TỈNH",
                   help="tên hoặc mã tỉnh (lặp lại cho nhiều tỉnh); dùng một mình: mọi xã của tỉnh")
    p.add_argument("--communes", nargs="+", metavar="XÃ", help="mã hoặc tên các xã")
    p.add_argument("--role", choices=(Role.OFFICER.value, Role.SUPERVISOR.value), metavar="VAI_TRÒ",
                   help="mọi người có vai trò này (officer: cán bộ xã, supervisor: giám sát), trong --province")
    p.add_argument("--not-reported", type=int, metavar="MÃ_KỲ", help="các xã chưa nộp báo cáo kỳ này")
    p.add_argument("--sender-officer", type=int, metavar="ID", help="mã cán bộ nhận báo cáo kết quả gửi")
    p.add_argument("--dry-run", action="store_true", help="chỉ đếm người nhận, không gửi")
    p.add_argument("--status", action="store_true", help="xem các thông báo gần đây và tiến độ gửi")
    p.set_defaults(func=_broadcast)

    o = sub.add_parser("outbox", help="chạy riêng bộ gửi tin (và lượt nhắc hạn), không nhận tin",
                       description="Bộ gửi tin chạy cạnh tiến trình bot: Telegram (BOT_TOKEN) và/hoặc Zalo "
                                   "(ZALO_BOT_TOKEN), mỗi kênh theo nhịp gửi riêng.")
    o.add_argument("--until-empty", action="store_true", help="dừng khi không còn tin chờ gửi")
    o.add_argument("--no-sweep", action="store_true", help="không chạy lượt nhắc hạn mỗi phút")
    o.set_defaults(func=_outbox)
