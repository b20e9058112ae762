"""``python -m bot officers import FILE [--dry-run] [--deactivate-missing]`` and
``python -m bot officers remove PHONE_OR_ID [--yes]``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.commands.common import CliError, Subparsers, units_of
from core.settings import Settings


def _import(args: argparse.Namespace, settings: Settings) -> int:
    from bot.services import build_services
    from store.db import transaction
    from store.people.leavers import missing_from_list, remove_officer
    from store.people.files import OfficerFileError
    from store.people.importer import import_officers

    path = Path(args.file)
    if not path.is_file():
        raise CliError(f"không có tệp {path}", 2)
    services = build_services(settings, startup=False)
    index = units_of(services)  # seeds units only on a fresh database
    try:
        with transaction(services.session_factory) as session:
            report = import_officers(session, path, now=services.clock.now(), dry_run=args.dry_run,
                                     index=index, progress=sys.stderr.isatty(),
                                     override_granted=args.override_granted)
            missing = []
            if args.deactivate_missing and not report.errors:
                missing = missing_from_list(session, report.phones)
                for officer in missing:
                    print(f"không còn trong danh sách: {officer.full_name} ({officer.phone}), mã {officer.id}")
                    if not args.dry_run:
                        remove_officer(session, officer, now=services.clock.now(), reason="missing from list")
    except OfficerFileError as exc:
        raise CliError(f"không đọc được {path}: {exc}", 2) from None
    except (ValueError, OSError):
        raise CliError(f"không đọc được {path}: tệp hỏng hoặc không phải CSV/XLSX", 2) from None
    for issue in report.errors:
        print(f"dòng {issue.row}: {issue.message}")
    for issue in report.notes:
        print(f"dòng {issue.row}: (gần đúng) {issue.message}")
    for issue in report.changes:
        print(f"dòng {issue.row}: {'sẽ ' if args.dry_run else ''}{issue.message}")
    print(report.summary())
    if args.deactivate_missing:
        if report.errors:
            print("Danh sách còn lỗi: chưa cho nghỉ ai. Sửa lỗi rồi chạy lại.")
        else:
            verb = "Sẽ cho nghỉ" if args.dry_run else "Đã cho nghỉ"
            print(f"{verb} {len(missing)} cán bộ không còn trong danh sách; thông tin cá nhân xóa sau "
                  f"{settings.officer_erase_after_days} ngày.")
    return 1 if report.errors else 0  # a refused row is a failure, dry run or not


def _remove(args: argparse.Namespace, settings: Settings) -> int:
    from bot.services import build_services
    from store.db import transaction
    from store.people.leavers import NotFound, find_officer, remove_officer

    services = build_services(settings, startup=False)
    with transaction(services.session_factory) as session:
        try:
            officer = find_officer(session, args.officer)
        except NotFound:
            raise CliError(f"không có cán bộ có số điện thoại hoặc mã {args.officer}", 2) from None
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


def add(sub: Subparsers) -> None:
    officers = sub.add_parser("officers", help="danh sách cán bộ", description="Danh sách cán bộ.")
    osub = officers.add_subparsers(dest="officers_command", required=True, metavar="LỆNH")
    imp = osub.add_parser("import", help="nạp danh sách cán bộ từ tệp CSV hoặc XLSX (cập nhật theo số điện thoại)",
                          description="Nạp danh sách cán bộ; dòng nào bị từ chối thì ghi số dòng và lý do, "
                                      "và mã thoát khác 0.")
    imp.add_argument("file", metavar="TỆP", help="tệp .csv hoặc .xlsx")
    imp.add_argument("--dry-run", action="store_true", help="kiểm tra mọi dòng, không ghi gì")
    imp.add_argument("--deactivate-missing", action="store_true",
                     help="cho nghỉ cán bộ xã không còn trong danh sách (kèm --dry-run: chỉ liệt kê)")
    imp.add_argument("--override-granted", action="store_true",
                     help="cho danh sách hạ vai trò, đổi tên cả cán bộ đã được cấp bằng lệnh admin grant")
    imp.set_defaults(func=_import)
    rm = osub.add_parser("remove", help="một cán bộ nghỉ: khóa ngay, xóa thông tin cá nhân sau",
                         description="Cho một cán bộ nghỉ: ngừng dùng bot ngay, thông tin cá nhân xóa sau; "
                                     "báo cáo của xã vẫn giữ.")
    rm.add_argument("officer", metavar="SĐT_HOẶC_MÃ", help="số điện thoại hoặc mã cán bộ")
    rm.add_argument("--yes", action="store_true", help="làm thật (không có: chỉ cho biết sẽ làm gì)")
    rm.set_defaults(func=_remove)
