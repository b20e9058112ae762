"""``python -m bot titles load|show``: a province's title catalogue (danh mục danh hiệu) for a year;
``python -m bot registrations deadline``: the province's registration deadline.

The catalogue is a YAML file (format in the README, sample in store/sample/emulation/). Loading
checks it and names the title and field of every error; a changed file is a new version, older
versions are kept (registrations name the version they were made on).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.commands.common import CliError, Subparsers, province_code, units_of
from bot.commands.periods import parse_moment
from core.settings import Settings


def _load(args: argparse.Namespace, settings: Settings) -> int:
    from bot.services import build_services
    from store.db import transaction
    from store.emulation.titles import CatalogueError, load_catalogue, parse_catalogue_text

    path = Path(args.file)
    if not path.is_file():
        raise CliError(f"{path}: không có tệp này")
    if path.suffix.lower() not in (".yaml", ".yml"):
        raise CliError(f"{path}: cần tệp .yaml hoặc .yml", 2)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        raise CliError(f"{path}: không đọc được tệp (cần tệp YAML, mã UTF-8)") from None
    try:
        catalogue = parse_catalogue_text(text)
    except CatalogueError as exc:
        for error in exc.errors:
            print(f"LỖI {path.name}: {error}", file=sys.stderr)
        return 1
    services = build_services(settings, startup=False)
    province = province_code(units_of(services), args.province)
    with transaction(services.session_factory) as session:
        row, what = load_catalogue(session, province, catalogue, services.clock.now())
        state = "đã nạp phiên bản mới" if what == "new" else "không đổi, giữ"
        print(f"{path.name}: danh mục năm {row.year} {state} v{row.version}, {len(catalogue.titles)} danh hiệu.")
    return 0


def _show(args: argparse.Namespace, settings: Settings) -> int:
    from bot.services import build_services
    from store.emulation.titles import current_catalogue

    services = build_services(settings, startup=False)
    province = province_code(units_of(services), args.province)
    with services.session_factory() as session:
        catalogue = current_catalogue(session, province, args.year)
    if catalogue is None:
        raise CliError(f"tỉnh chưa có danh mục danh hiệu năm {args.year} (python -m bot titles load TỆP --province TỈNH)")
    print(f"{catalogue.title} (năm {catalogue.year})")
    if catalogue.legal_basis:
        print(f"Căn cứ: {catalogue.legal_basis}")
    for title in catalogue.titles:
        print(f"- {title.code}: {title.name} ({title.level.label})")
        print(f"  Hồ sơ: {', '.join(d.name for d in title.documents) or 'không cần giấy tờ'}")
        for rule in title.prerequisites:
            print(f"  Điều kiện: {rule.describe(catalogue.names)}")
    return 0


def add(sub: Subparsers) -> None:
    titles = sub.add_parser("titles", help="danh mục danh hiệu thi đua, hình thức khen thưởng của tỉnh (YAML)",
                            description="Danh mục danh hiệu thi đua của tỉnh theo năm.")
    tsub = titles.add_subparsers(dest="titles_command", required=True, metavar="LỆNH")
    p = tsub.add_parser("load", help="kiểm tra và lưu danh mục danh hiệu (.yaml)")
    p.add_argument("file", metavar="ĐƯỜNG_DẪN", help="tệp .yaml, ví dụ store/sample/emulation/danh-hieu-2026.yaml")
    p.add_argument("--province", required=True, metavar="TỈNH", help="tên hoặc mã tỉnh")
    p.set_defaults(func=_load)
    p = tsub.add_parser("show", help="xem danh mục đang dùng: danh hiệu, hồ sơ, điều kiện")
    p.add_argument("--province", required=True, metavar="TỈNH", help="tên hoặc mã tỉnh")
    p.add_argument("--year", required=True, type=int, metavar="NĂM", help="năm thi đua, ví dụ 2026")
    p.set_defaults(func=_show)


def _deadline(args: argparse.Namespace, settings: Settings) -> int:
    from bot.services import build_services
    from store.db import transaction
    from store.emulation.registrations import set_deadline
    from store.emulation.titles import latest_row
    from store.vn.numbers import format_date

    due = args.due
    services = build_services(settings, startup=False)
    province = province_code(units_of(services), args.province)
    with transaction(services.session_factory) as session:
        row = set_deadline(session, province, args.year, due, services.clock.now())
        print(f"Hạn đăng ký thi đua năm {row.year}: {due.strftime('%H:%M')} {format_date(due.date())}. "
              "Bot nhắc các xã chưa đăng ký trước hạn; sau hạn bot không nhận đăng ký hay sửa đổi.")
        if latest_row(session, province, args.year) is None:
            print(f"Lưu ý: tỉnh chưa có danh mục danh hiệu năm {args.year} (python -m bot titles load …).")
    return 0


def add_registrations(sub: Subparsers) -> None:
    regs = sub.add_parser("registrations", help="đăng ký thi đua của các xã: hạn đăng ký",
                          description="Đăng ký thi đua đầu năm của các xã.")
    rsub = regs.add_subparsers(dest="registrations_command", required=True, metavar="LỆNH")
    p = rsub.add_parser("deadline", help="đặt (hoặc đổi) hạn đăng ký thi đua của tỉnh cho một năm")
    p.add_argument("--province", required=True, metavar="TỈNH", help="tên hoặc mã tỉnh")
    p.add_argument("--year", required=True, type=int, metavar="NĂM", help="năm thi đua, ví dụ 2026")
    p.add_argument("--due", required=True, metavar="HẠN", type=lambda text: parse_moment(text, end_of_day=True), help="ngày 31/1/2026 (hết ngày) hoặc 2026-01-31T17:00")
    p.set_defaults(func=_deadline)
