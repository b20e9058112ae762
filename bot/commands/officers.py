"""``python -m bot officers import FILE [--dry-run] [--deactivate-missing]`` and
``python -m bot officers remove PHONE_OR_ID [--yes]``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.cli import SUBCOMMANDS
from core.settings import Settings


def _import(args: argparse.Namespace, settings: Settings) -> int:
    from bot.services import build_services
    from store.db import transaction
    from store.leavers import missing_from_list, remove_officer
    from store.officers import import_officers
    from store.units import seed_units, unit_index

    path = Path(args.file)
    if not path.is_file():
        print(f"Không có tệp {path}", file=sys.stderr)
        return 2
    services = build_services(settings, startup=False)
    seed_units(services)
    try:
        with transaction(services.session_factory) as session:
            report = import_officers(session, path, now=services.clock.now(), dry_run=args.dry_run,
                                     index=unit_index(services), progress=sys.stderr.isatty())
            missing = []
            if args.deactivate_missing and not report.errors:
                missing = missing_from_list(session, report.phones)
                for officer in missing:
                    print(f"không còn trong danh sách: {officer.full_name} ({officer.phone}), mã {officer.id}")
                    if not args.dry_run:
                        remove_officer(session, officer, now=services.clock.now(), reason="missing from list")
    except (ValueError, OSError) as exc:
        print(f"Không đọc được {path}: {exc}", file=sys.stderr)
        return 2
    for issue in report.errors:
        print(f"dòng {issue.row}: {issue.message}")
    for issue in report.notes:
        print(f"dòng {issue.row}: (gần đúng) {issue.message}")
    print(report.summary())
    if args.deactivate_missing:
        if report.errors:
            print("Danh sách còn lỗi: chưa cho nghỉ ai. Sửa lỗi rồi chạy lại.")
        else:
            verb = "Sẽ cho nghỉ" if args.dry_run else "Đã cho nghỉ"
            print(f"{verb} {len(missing)} cán bộ không còn trong danh sách; thông tin cá nhân xóa sau "
                  f"{settings.officer_erase_after_days} ngày.")
    return 1 if report.errors and args.dry_run else 0


def _remove(args: argparse.Namespace, settings: Settings) -> int:
    from bot.services import build_services
    from store.db import transaction
    from store.leavers import NotFound, find_officer, remove_officer

    services = build_services(settings, startup=False)
    with transaction(services.session_factory) as session:
        try:
            officer = find_officer(session, args.officer)
        except NotFound:
            print(f"Không có cán bộ có số điện thoại hoặc mã {args.officer}", file=sys.stderr)
            return 2
        who = f"{officer.full_name} ({officer.phone or 'không có số'}), mã {officer.id}"
        if officer.removed_at is not None:
            print(f"{who} đã được cho nghỉ từ trước.")
            return 0
        if not args.yes:
            print(f"Sẽ cho nghỉ {who}: ngừng dùng bot ngay, xóa họ tên, số điện thoại, tài khoản chat sau "
                  f"{settings.officer_erase_after_days} ngày; báo cáo của xã vẫn giữ. Chạy lại với --yes để làm.")
            return 1
        remove_officer(session, officer, now=services.clock.now(), reason="cli")
    print(f"Đã cho nghỉ {who}.")
    return 0


def add(sub: argparse._SubParsersAction) -> None:
    officers = sub.add_parser("officers", help="officer lists")
    osub = officers.add_subparsers(dest="officers_command", required=True)
    imp = osub.add_parser("import", help="import a CSV or XLSX officer list (upsert by phone)")
    imp.add_argument("file")
    imp.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
    imp.add_argument("--deactivate-missing", action="store_true",
                     help="remove commune officers not in the list (with --dry-run: only show who)")
    imp.set_defaults(func=_import)
    rm = osub.add_parser("remove", help="an officer leaves: deactivate now, erase personal data later")
    rm.add_argument("officer", help="phone number or officer id")
    rm.add_argument("--yes", action="store_true", help="do it (without: only show what would happen)")
    rm.set_defaults(func=_remove)


SUBCOMMANDS.append(add)
