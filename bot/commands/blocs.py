"""``python -m bot blocs …``: a province's blocs (khối thi đua) for a year.

create / add / move / leader / list / which / import; communes by name (with or without diacritics)
or code, dates as 30/6/2026. A commune moved on a date stays in its old bloc before it.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

from bot.commands.common import CliError, Subparsers, commune_code, province_code, units_of, warn
from core.settings import Settings

if TYPE_CHECKING:  # the CLI loads these lazily, when the command runs
    from sqlalchemy.orm import Session

    from store.models import Bloc


def parse_day(text: str, what: str) -> date:
    from store.vn.numbers import parse_date

    day = parse_date(text)
    if day is None:
        raise CliError(f"{what}: không đọc được ngày “{text}” (dạng 30/6/2026)", 2)
    return day


def _communes(index: Any, text: Optional[str], province: int) -> list[int]:
    return sorted({commune_code(index, c, [province]) for c in (text or "").split(",") if c.strip()})


def _bloc(session: "Session", province: Optional[int], year: Optional[int], text: str) -> "Bloc":
    from store.emulation.blocs import find_bloc

    bloc = find_bloc(session, province, year, text)
    if bloc is None:
        raise CliError(f"không thấy khối “{text}” (xem: python -m bot blocs list --province TỈNH --year NĂM)", 2)
    return bloc


def _services(settings: Settings) -> tuple[Any, Any]:
    from bot.services import build_services

    services = build_services(settings, startup=False)
    return services, units_of(services)


def _create(args: argparse.Namespace, settings: Settings) -> int:
    from store.db import transaction
    from store.emulation.blocs import BlocError, create_bloc

    services, index = _services(settings)
    province = province_code(index, args.province)
    leader = commune_code(index, args.leader, [province]) if args.leader else None
    deputy = commune_code(index, args.deputy, [province]) if args.deputy else None
    members = _communes(index, args.members, province)
    start = parse_day(args.start, "--from") if args.start else None
    with transaction(services.session_factory) as session:
        try:
            bloc = create_bloc(session, province_code=province, year=args.year, name=args.name, leader_code=leader,
                               deputy_code=deputy, members=members, start=start, now=services.clock.now())
        except BlocError as exc:
            raise CliError(str(exc)) from None
        n = len(set(members) | {c for c in (leader, deputy) if c})
        print(f"Đã tạo khối #{bloc.id} “{bloc.name}” năm {bloc.year}: {n} xã.")
    if leader is None:
        warn("khối chưa có trưởng khối: chưa ai chấm được cho khối (thêm --leader khi tạo, hoặc nhập lại từ tệp)")
    return 0


def _add(args: argparse.Namespace, settings: Settings) -> int:
    from store.db import transaction
    from store.emulation.blocs import BlocError, add_members

    services, index = _services(settings)
    province = province_code(index, args.province)
    with transaction(services.session_factory) as session:
        bloc = _bloc(session, province, args.year, args.bloc)
        start = parse_day(args.start, "--from") if args.start else date(bloc.year, 1, 1)
        try:
            added = add_members(session, bloc, _communes(index, args.members, province), start, services.clock.now())
        except BlocError as exc:
            raise CliError(str(exc)) from None
        print(f"Đã thêm {len(added)} xã vào “{bloc.name}” từ {start.day}/{start.month}/{start.year}.")
    return 0


def _move(args: argparse.Namespace, settings: Settings) -> int:
    from store.db import transaction
    from store.emulation.blocs import BlocError, move_commune
    from store.models import Commune

    services, index = _services(settings)
    province = province_code(index, args.province)
    on = parse_day(args.on, "--on")
    code = commune_code(index, args.commune, [province])
    with transaction(services.session_factory) as session:
        bloc = _bloc(session, province, on.year, args.to)
        try:
            left = move_commune(session, code, bloc, on, services.clock.now())
        except BlocError as exc:
            raise CliError(str(exc)) from None
        name = session.get_one(Commune, code).name
        before = f" (trước đó ở “{left.name}”)" if left else ""
        print(f"{name} vào “{bloc.name}” từ {on.day}/{on.month}/{on.year}{before}.")
    return 0


def _leaders(args: argparse.Namespace, settings: Settings) -> int:
    from store.db import transaction
    from store.emulation.blocs import BlocError, set_leaders
    from store.models import Commune

    services, index = _services(settings)
    province = province_code(index, args.province)
    leader = commune_code(index, args.leader, [province])
    deputy = commune_code(index, args.deputy, [province]) if args.deputy else None
    with transaction(services.session_factory) as session:
        bloc = _bloc(session, province, args.year, args.bloc)
        try:
            set_leaders(session, bloc, leader, deputy)
        except BlocError as exc:
            raise CliError(str(exc)) from None
        who = session.get_one(Commune, leader).name
        extra = f", phó khối {session.get_one(Commune, deputy).name}" if deputy else ""
        print(f"“{bloc.name}”: trưởng khối {who}{extra}.")
    return 0


def _list(args: argparse.Namespace, settings: Settings) -> int:
    from sqlalchemy import select

    from store.emulation.blocs import blocs_of_year, members_on
    from store.models import Commune

    services, index = _services(settings)
    province = province_code(index, args.province)
    on = parse_day(args.on, "--on") if args.on else date(args.year, 12, 31)
    with services.session_factory() as session:
        blocs = blocs_of_year(session, province, args.year)
        members = members_on(session, [b.id for b in blocs], on)
        for bloc in blocs:
            names = {c: n for c, n in session.execute(select(Commune.code, Commune.name).where(
                Commune.code.in_(members[bloc.id])))}
            print(f"#{bloc.id}\t{bloc.name}\t{len(members[bloc.id])} xã ngày {on.day}/{on.month}/{on.year}")
            for code in members[bloc.id]:
                role = " (trưởng khối)" if code == bloc.leader_code else " (phó khối)" if code == bloc.deputy_code else ""
                print(f"\t{code}\t{names.get(code, code)}{role}")
    if not blocs:
        print(f"Chưa có khối thi đua nào năm {args.year}. Tạo: python -m bot blocs create … hoặc blocs import TỆP")
    return 0


def _which(args: argparse.Namespace, settings: Settings) -> int:
    from store.clock import today
    from store.emulation.blocs import bloc_of
    from store.models import Commune

    services, index = _services(settings)
    provinces = [province_code(index, args.province)] if args.province else []
    code = commune_code(index, args.commune, provinces)
    on = parse_day(args.on, "--on") if args.on else today(services.clock)
    with services.session_factory() as session:
        name = session.get_one(Commune, code).name
        bloc = bloc_of(session, code, on)
        when = f"{on.day}/{on.month}/{on.year}"
        print(f"{name} thuộc “{bloc.name}” ngày {when}." if bloc else f"{name} không thuộc khối nào ngày {when}.")
    return 0


def _import(args: argparse.Namespace, settings: Settings) -> int:
    from store.db import transaction
    from store.emulation.bloc_import import import_blocs
    from store.people.files import OfficerFileError

    services, index = _services(settings)
    province = province_code(index, args.province)
    path = Path(args.file)
    if not path.is_file():
        raise CliError(f"không có tệp {path}", 2)
    with transaction(services.session_factory) as session:
        try:
            report = import_blocs(session, path, index, province_code=province, year=args.year,
                                  now=services.clock.now(), dry_run=args.dry_run)
        except OfficerFileError as exc:
            raise CliError(f"{path.name}: {exc}") from None
        except (OSError, UnicodeDecodeError):
            raise CliError(f"không đọc được {path.name} (cần tệp .xlsx hoặc .csv mã UTF-8)") from None
    for note in report.notes:
        warn(note)
    for error in report.errors:
        print(f"LỖI {error}")
    if report.errors:
        raise CliError(f"{len(report.errors)} lỗi: chưa ghi gì, sửa tệp rồi nhập lại")
    head = "Thử (không ghi)" if args.dry_run else "Đã nhập"
    print(f"{head}: {report.rows} dòng; khối mới {report.blocs_created}, xã thêm vào khối {report.members_added}.")
    return 0


def add(sub: Subparsers) -> None:
    blocs = sub.add_parser("blocs", help="khối thi đua của tỉnh theo năm", description="Khối thi đua của tỉnh theo năm.")
    bsub = blocs.add_subparsers(dest="blocs_command", required=True, metavar="LỆNH")
    p = bsub.add_parser("create", help="tạo khối: tên, năm, trưởng khối, phó khối, các xã")
    _where(p)
    p.add_argument("--name", required=True, metavar="TÊN", help="tên khối, ví dụ “Khối thi đua số 1”")
    p.add_argument("--leader", metavar="XÃ", help="xã trưởng khối (tên hoặc mã)")
    p.add_argument("--deputy", metavar="XÃ", help="xã phó khối (tên hoặc mã)")
    p.add_argument("--members", metavar="XÃ,…", help="các xã thành viên, cách nhau bằng dấu phẩy")
    p.add_argument("--from", dest="start", metavar="NGÀY", help="ngày vào khối (mặc định 1/1 của năm)")
    p.set_defaults(func=_create)
    p = bsub.add_parser("add", help="thêm xã vào khối từ một ngày")
    p.add_argument("bloc", metavar="KHỐI", help="mã (#3) hoặc tên khối")
    _where(p)
    p.add_argument("--members", required=True, metavar="XÃ,…", help="các xã, cách nhau bằng dấu phẩy")
    p.add_argument("--from", dest="start", metavar="NGÀY", help="ngày vào khối (mặc định 1/1 của năm)")
    p.set_defaults(func=_add)
    p = bsub.add_parser("move", help="chuyển một xã sang khối khác từ một ngày")
    p.add_argument("commune", metavar="XÃ", help="tên hoặc mã xã")
    p.add_argument("--to", required=True, metavar="KHỐI", help="khối mới (mã hoặc tên)")
    p.add_argument("--on", required=True, metavar="NGÀY", help="ngày chuyển, ví dụ 1/7/2026")
    p.add_argument("--province", required=True, metavar="TỈNH", help="tên hoặc mã tỉnh")
    p.set_defaults(func=_move)
    p = bsub.add_parser("leader", help="đổi trưởng khối, phó khối (xã đã ở trong khối)")
    p.add_argument("bloc", metavar="KHỐI", help="mã (#3) hoặc tên khối")
    _where(p)
    p.add_argument("--leader", required=True, metavar="XÃ", help="xã trưởng khối (tên hoặc mã)")
    p.add_argument("--deputy", metavar="XÃ", help="xã phó khối (bỏ trống: không có phó khối)")
    p.set_defaults(func=_leaders)
    p = bsub.add_parser("list", help="các khối của năm và xã của từng khối vào một ngày")
    _where(p)
    p.add_argument("--on", metavar="NGÀY", help="xem thành viên vào ngày này (mặc định 31/12)")
    p.set_defaults(func=_list)
    p = bsub.add_parser("which", help="xã thuộc khối nào vào một ngày")
    p.add_argument("commune", metavar="XÃ", help="tên hoặc mã xã")
    p.add_argument("--on", metavar="NGÀY", help="ngày (mặc định hôm nay)")
    p.add_argument("--province", metavar="TỈNH", help="tỉnh của xã (khi tên xã trùng ở tỉnh khác)")
    p.set_defaults(func=_which)
    p = bsub.add_parser("import", help="nhập khối từ tệp .xlsx/.csv: cột Khối, Xã (hoặc Mã xã), Vai trò, Từ ngày")
    p.add_argument("file", metavar="TỆP", help="tệp .xlsx hoặc .csv")
    _where(p)
    p.add_argument("--dry-run", action="store_true", help="chỉ kiểm tra, không ghi")
    p.set_defaults(func=_import)


def _where(p: argparse.ArgumentParser) -> None:
    p.add_argument("--province", required=True, metavar="TỈNH", help="tên hoặc mã tỉnh")
    p.add_argument("--year", required=True, type=int, metavar="NĂM", help="năm thi đua, ví dụ 2026")
