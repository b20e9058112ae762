"""``python -m bot admin grant``: give a role to a phone number or Telegram id (the first admin too).

Granting to an officer who exists already says what changes; renaming someone needs
``--yes``, so a typo in ``--phone`` cannot silently rename another officer.
"""

from __future__ import annotations

import argparse
from typing import Any, Optional

from bot.commands.common import CliError, Subparsers, commune_code, province_codes, units_of
from core.settings import Settings
from store.roles import ROLE_LABELS, Role  # the enum alone: no database layer loaded at CLI start


def _existing(session: Any, phone: Optional[str], telegram_id: Optional[str]) -> Any:
    from sqlalchemy import select

    from store.models import Officer
    from store.people.officers import by_phone

    officer = by_phone(session, phone) if phone else None
    if officer is None and telegram_id:
        officer = session.scalar(select(Officer).where(Officer.telegram_id == str(telegram_id)))
    return officer


def changes(officer: Any, args: argparse.Namespace) -> list[str]:
    """What granting would change on an existing officer, in words."""
    out = []
    if args.name and args.name.strip() != officer.full_name:
        out.append(f"tên: {officer.full_name} → {args.name.strip()}")
    if args.role != officer.role:
        out.append(f"vai trò: {ROLE_LABELS.get(officer.role, officer.role)} → {ROLE_LABELS[args.role]}")
    if not officer.active:
        out.append("mở lại tài khoản đang bị khóa")
    return out


def _grant(args: argparse.Namespace, settings: Settings) -> int:
    from bot.services import build_services
    from store.db import transaction
    from store.people.officers import GrantError, grant_role, unit_label

    services = build_services(settings, startup=False)
    index = units_of(services)
    provinces = province_codes(index, args.province)
    commune = commune_code(index, args.commune, provinces) if args.commune else None
    with transaction(services.session_factory) as session:
        officer = _existing(session, args.phone, args.telegram_id)
        if officer is not None:
            changed = changes(officer, args)
            print(f"{officer.full_name} (id {officer.id}) đã có trong danh sách"
                  + (": " + "; ".join(changed) if changed else ", không đổi tên hay vai trò") + ".")
            if args.name and args.name.strip() != officer.full_name and not args.yes:
                raise CliError("chưa đổi gì: thêm --yes để xác nhận đổi tên", 1)
        try:
            officer = grant_role(session, role=args.role, now=services.clock.now(), phone=args.phone,
                                 telegram_id=args.telegram_id, province_codes=tuple(provinces),
                                 commune_code=commune, full_name=args.name)
        except GrantError as exc:
            raise CliError(f"không cấp được: {exc}", 2) from None
        where = unit_label(officer)
        print(f"Đã cấp vai trò {ROLE_LABELS[officer.role]} cho {officer.full_name} "
              f"(id {officer.id}{', ' + where if where else ''}).")
    return 0


def add(sub: Subparsers) -> None:
    admin = sub.add_parser("admin", help="quản trị: cấp vai trò", description="Quản trị.")
    asub = admin.add_subparsers(dest="admin_command", required=True, metavar="LỆNH")
    grant = asub.add_parser("grant", help="cấp vai trò cho một số điện thoại hoặc Telegram id",
                            description="Cấp vai trò (kể cả quản trị viên đầu tiên). Người đã có trong danh "
                                        "sách: in ra điều sẽ đổi; đổi tên cần --yes.")
    who = grant.add_mutually_exclusive_group(required=True)
    who.add_argument("--phone", metavar="SĐT", help="số điện thoại di động, ví dụ 0912345678")
    who.add_argument("--telegram-id", metavar="ID", help="mã số tài khoản Telegram")
    grant.add_argument("--role", required=True, choices=[r.value for r in Role], metavar="VAI_TRÒ",
                       help="officer: cán bộ xã; supervisor: giám sát tỉnh; admin: quản trị")
    grant.add_argument("--province", action="append", metavar="TỈNH",
                       help="tên hoặc mã tỉnh (lặp lại cho nhiều tỉnh)")
    grant.add_argument("--commune", metavar="XÃ", help="mã xã, hoặc tên xã kèm --province")
    grant.add_argument("--name", metavar="HỌ_TÊN", help="họ và tên")
    grant.add_argument("--yes", action="store_true", help="xác nhận đổi tên một cán bộ đã có")
    grant.set_defaults(func=_grant)
