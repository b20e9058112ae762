"""``python -m bot units provinces`` / ``units communes --province …``: codes and names.

Every command that takes ``--province`` or ``--commune`` accepts a code or a name; these
list both so a newcomer can find them.
"""

from __future__ import annotations

import argparse

from bot.commands.common import Subparsers, province_code, units_of
from core.settings import Settings


def _provinces(args: argparse.Namespace, settings: Settings) -> int:
    from bot.services import build_services

    index = units_of(build_services(settings, startup=False))
    for code in index.province_codes:
        communes = len(index.by_province.get(code, ()))
        print(f"{code:>3}  {index.province_names[code]} ({communes} xã, phường)")
    return 0


def _communes(args: argparse.Namespace, settings: Settings) -> int:
    from bot.services import build_services

    index = units_of(build_services(settings, startup=False))
    code = province_code(index, args.province)
    communes = index.by_province.get(code, ())
    # Say which province a name matched ("Sài Gòn" is TP. Hồ Chí Minh), before the list scrolls by.
    print(f"{index.province_names[code]} (mã {code}): {len(communes)} xã, phường")
    for i in communes:
        print(f"{int(index.codes[i]):>6}  {index.names[i]}")
    return 0


def add(sub: Subparsers) -> None:
    units = sub.add_parser("units", help="đơn vị hành chính: mã và tên tỉnh, xã",
                           description="Liệt kê mã và tên tỉnh, xã (dùng cho --province, --commune).")
    usub = units.add_subparsers(dest="units_command", required=True, metavar="LỆNH")
    p = usub.add_parser("provinces", help="các tỉnh, thành phố: mã và tên")
    p.set_defaults(func=_provinces)
    c = usub.add_parser("communes", help="các xã, phường của một tỉnh: mã và tên")
    c.add_argument("--province", required=True, metavar="TỈNH", help="tên hoặc mã tỉnh, ví dụ “Lai Châu” hoặc 12")
    c.set_defaults(func=_communes)
