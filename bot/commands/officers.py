"""``python -m bot officers import FILE [--dry-run]``: load an officer list (CSV or XLSX)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.commands.common import CliError, units_of
from core.settings import Settings


def _import(args: argparse.Namespace, settings: Settings) -> int:
    from bot.services import build_services
    from store.db import transaction
    from store.officers import OfficerFileError, import_officers

    path = Path(args.file)
    if not path.is_file():
        raise CliError(f"không có tệp {path}", 2)
    services = build_services(settings, startup=False)
    index = units_of(services)  # seeds units only on a fresh database
    try:
        with transaction(services.session_factory) as session:
            report = import_officers(session, path, now=services.clock.now(), dry_run=args.dry_run,
                                     index=index, progress=sys.stderr.isatty())
    except OfficerFileError as exc:
        raise CliError(f"không đọc được {path}: {exc}", 2) from None
    except (ValueError, OSError):
        raise CliError(f"không đọc được {path}: tệp hỏng hoặc không phải CSV/XLSX", 2) from None
    for issue in report.errors:
        print(f"dòng {issue.row}: {issue.message}")
    for issue in report.notes:
        print(f"dòng {issue.row}: (gần đúng) {issue.message}")
    print(report.summary())
    return 1 if report.errors else 0  # a refused row is a failure, dry run or not


def add(sub: argparse._SubParsersAction) -> None:
    officers = sub.add_parser("officers", help="danh sách cán bộ", description="Danh sách cán bộ.")
    osub = officers.add_subparsers(dest="officers_command", required=True, metavar="LỆNH")
    imp = osub.add_parser("import", help="nạp danh sách cán bộ từ tệp CSV hoặc XLSX (cập nhật theo số điện thoại)",
                          description="Nạp danh sách cán bộ; dòng nào bị từ chối thì ghi số dòng và lý do, "
                                      "và mã thoát khác 0.")
    imp.add_argument("file", metavar="TỆP", help="tệp .csv hoặc .xlsx")
    imp.add_argument("--dry-run", action="store_true", help="kiểm tra mọi dòng, không ghi gì")
    imp.set_defaults(func=_import)
