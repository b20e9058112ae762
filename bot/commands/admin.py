"""``python -m bot admin grant``: give a role to a phone number or Telegram id (the first admin too)."""

from __future__ import annotations

import argparse
import sys

from bot.cli import SUBCOMMANDS
from core.settings import Settings


def _grant(args: argparse.Namespace, settings: Settings) -> int:
    from bot.services import build_services
    from store.db import transaction
    from store.officers import GrantError, grant_role, unit_label
    from store.units import find_communes, resolve_province, seed_units, unit_index

    services = build_services(settings, startup=False)
    seed_units(services)
    index = unit_index(services)
    provinces = []
    for text in args.province or []:
        code = resolve_province(index, text)
        if code is None:
            print(f"Không tìm thấy tỉnh: {text}", file=sys.stderr)
            return 2
        provinces.append(code)
    commune = None
    if args.commune:
        if args.commune.isdigit():
            commune = int(args.commune)
        else:
            matches = find_communes(index, args.commune, provinces[0] if provinces else None, limit=1,
                                    within_province=bool(provinces))
            if not matches or matches[0].score < 90:
                print(f"Không tìm thấy xã: {args.commune} (ghi mã xã hoặc thêm --province)", file=sys.stderr)
                return 2
            commune = matches[0].code
    try:
        with transaction(services.session_factory) as session:
            officer = grant_role(session, role=args.role, now=services.clock.now(), phone=args.phone,
                                 telegram_id=args.telegram_id, province_codes=tuple(provinces),
                                 commune_code=commune, full_name=args.name)
            print(f"Đã cấp vai trò {officer.role} cho {officer.full_name} "
                  f"(id {officer.id}, {unit_label(officer)})")
    except GrantError as exc:
        print(f"Không cấp được: {exc}", file=sys.stderr)
        return 2
    return 0


def add(sub: argparse._SubParsersAction) -> None:
    admin = sub.add_parser("admin", help="administration")
    asub = admin.add_subparsers(dest="admin_command", required=True)
    grant = asub.add_parser("grant", help="give a role to a phone number or Telegram id")
    who = grant.add_mutually_exclusive_group(required=True)
    who.add_argument("--phone")
    who.add_argument("--telegram-id")
    grant.add_argument("--role", required=True, choices=["officer", "supervisor", "admin"])
    grant.add_argument("--province", action="append", help="province name or code (repeat for several)")
    grant.add_argument("--commune", help="commune code, or name with --province")
    grant.add_argument("--name", help="full name")
    grant.set_defaults(func=_grant)


SUBCOMMANDS.append(add)
