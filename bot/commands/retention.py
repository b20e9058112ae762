"""``python -m bot retention [--dry-run]``: prune old delivered messages, update keys, exports
and charts, and erase removed officers that are due (the daily job does the same)."""

from __future__ import annotations

import argparse

from core.settings import Settings
from bot.commands.common import Subparsers


def _retention(args: argparse.Namespace, settings: Settings) -> int:
    from bot.services import build_services
    from reminders.retention_job import run_retention

    services = build_services(settings, startup=False)
    report = run_retention(services, dry_run=args.dry_run)
    for path in report.files[:20]:
        print(f"tệp: {path}")
    if len(report.files) > 20:
        print(f"… và {len(report.files) - 20} tệp khác")
    print(report.summary())
    return 0


def add(sub: Subparsers) -> None:
    cmd = sub.add_parser("retention", help="dọn dữ liệu cũ hơn RETENTION_DAYS, xóa thông tin cán bộ đã nghỉ đến hạn",
                         description="Dọn tin đã gửi, khóa cập nhật, tệp xuất và biểu đồ cũ; xóa thông tin cá "
                                     "nhân của cán bộ đã nghỉ đến hạn (việc chạy hằng ngày cũng làm vậy).")
    cmd.add_argument("--dry-run", action="store_true", help="chỉ đếm những gì sẽ xóa, không xóa gì")
    cmd.set_defaults(func=_retention)

