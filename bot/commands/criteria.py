"""``python -m bot criteria load|publish|show|list``: criteria tables (bảng tiêu chí) as data.

A table is a YAML file (format in the README) or a spreadsheet (.xlsx). Loading checks it and
names the row and the problem for every error; publishing locks a version; new score sheets
start on the newest published version, sheets already started keep theirs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Optional

from bot.commands.common import CliError, Subparsers
from core.settings import Settings

TABLE_SUFFIXES = (".yaml", ".yml", ".xlsx")


def sample_tables_dir() -> Path:
    return Path(__file__).resolve().parents[2] / "store" / "sample" / "emulation"


def table_files(names: list[str]) -> list[Path]:
    out: list[Path] = []
    for name in names:
        path = Path(name)
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix.lower() in TABLE_SUFFIXES)
            if not found:
                raise CliError(f"thư mục {path} không có tệp .yaml hoặc .xlsx nào", 1)
            out.extend(found)
        else:
            out.append(path)
    return out


def read_table(path: Path) -> Any:
    """The checked table in a file (TableError lists the problems; CliError for unreadable files)."""
    from store.emulation.table_spec import parse_table
    from store.emulation.table_xlsx import read_xlsx
    from store.emulation.tables import parse_table_text

    if not path.is_file():
        raise CliError(f"{path}: không có tệp này")
    if path.suffix.lower() == ".xlsx":
        return parse_table(read_xlsx(path))
    if path.suffix.lower() not in (".yaml", ".yml"):
        raise CliError(f"{path}: cần tệp .yaml, .yml hoặc .xlsx", 2)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        raise CliError(f"{path}: không đọc được tệp (cần tệp YAML, mã UTF-8)") from None
    return parse_table_text(text)


def _load(args: argparse.Namespace, settings: Settings) -> int:
    from bot.services import build_services
    from store.db import transaction
    from store.emulation.table_spec import TableError
    from store.emulation.tables import load_table

    status = 0
    services = build_services(settings, startup=False)
    for path in table_files(args.files):
        try:
            spec = read_table(path)
        except CliError as exc:
            print(f"LỖI {exc}", file=sys.stderr)
            status = 1
            continue
        except TableError as exc:
            for error in exc.errors:
                print(f"LỖI {path.name}: {error}", file=sys.stderr)
            status = 1
            continue
        with transaction(services.session_factory) as session:
            row, what = load_table(session, spec, services.clock.now())
            state = {"new": "đã nạp phiên bản mới (bản nháp)", "replaced": "đã thay bản nháp",
                     "unchanged": "không đổi, giữ"}[what]
            print(f"{path.name}: {row.table_id} “{row.title}” {state} v{row.version}, {len(spec.criteria)} tiêu chí, "
                  f"{_number(spec.total)} điểm")
            if row.published_at is None:
                print(f"  Ban hành khi đã kiểm tra: python -m bot criteria publish {row.table_id}")
    return status


def _publish(args: argparse.Namespace, settings: Settings) -> int:
    from bot.services import build_services
    from store.db import transaction
    from store.emulation.tables import PublishError, publish_table

    services = build_services(settings, startup=False)
    with transaction(services.session_factory) as session:
        try:
            row = publish_table(session, args.table, args.version, None, services.clock.now())
        except PublishError as exc:
            raise CliError(str(exc)) from None
        print(f"Đã ban hành {row.table_id} v{row.version} “{row.title}”: phiên bản này không sửa được nữa; "
              "phiếu chấm mở từ nay dùng phiên bản này.")
    return 0


def _number(value: Any) -> str:
    from store.vn.numbers import format_number

    return format_number(value)


def _show(args: argparse.Namespace, settings: Settings) -> int:
    from sqlalchemy import select

    from bot.services import build_services
    from store.emulation.tables import latest, table_spec
    from store.models import CriteriaTable

    services = build_services(settings, startup=False)
    with services.session_factory() as session:
        row: Optional[CriteriaTable] = (session.scalar(select(CriteriaTable).where(
            CriteriaTable.table_id == args.table, CriteriaTable.version == args.version))
            if args.version else latest(session, args.table))
        if row is None:
            raise CliError(f"không có bảng tiêu chí “{args.table}” (xem: python -m bot criteria list)")
        spec = table_spec(row)
        state = "đã ban hành" if row.published_at else "bản nháp"
        print(f"{row.table_id} v{row.version} ({state}): {row.title}")
        if row.legal_basis:
            print(f"Căn cứ: {row.legal_basis}")
        print(f"Tổng điểm chuẩn: {_number(spec.total)}" + (
            f"; bằng điểm thì xét: {', '.join(spec.tie_break)}" if spec.tie_break else "; bằng điểm: đồng hạng"))
        for group in spec.groups:
            _print_group(group, 0)
    return 0


def _print_group(item: Any, depth: int) -> None:
    from store.emulation.table_spec import Criterion, Kind

    pad = "  " * depth
    if isinstance(item, Criterion):
        if item.kind is Kind.PENALTY:
            points = f"trừ tối đa {_number(item.limit or 0)}"
        else:
            points = f"{_number(item.max)} điểm"
        proof = ", cần minh chứng" if item.evidence else ""
        print(f"{pad}{item.code}. {item.text} — {points}{proof}")
        return
    head = f"{_number(item.max)} điểm" if item.max is not None else (
        f"trừ tối đa {_number(item.limit)}" if item.limit is not None else "")
    print(f"{pad}{item.code}. {item.title}" + (f" ({head})" if head else ""))
    for child in item.children:
        _print_group(child, depth + 1)


def _list(args: argparse.Namespace, settings: Settings) -> int:
    from bot.services import build_services
    from store.emulation.tables import list_tables

    services = build_services(settings, startup=False)
    with services.session_factory() as session:
        rows = list_tables(session)
        for row in rows:
            state = "đã ban hành" if row.published_at else "bản nháp"
            print(f"{row.table_id}\tv{row.version}\t{state}\t{row.title}")
    if not rows:
        print(f"Chưa có bảng tiêu chí nào. Nạp mẫu có sẵn: python -m bot criteria load {sample_tables_dir()}")
    return 0


def add(sub: Subparsers) -> None:
    criteria = sub.add_parser("criteria", help="bảng tiêu chí chấm điểm thi đua (YAML hoặc Excel)",
                              description="Bảng tiêu chí chấm điểm thi đua.")
    csub = criteria.add_subparsers(dest="criteria_command", required=True, metavar="LỆNH")
    p = csub.add_parser("load", help="kiểm tra và lưu bảng tiêu chí (.yaml hoặc .xlsx) thành bản nháp",
                        description=f"Nạp bảng tiêu chí. Mẫu có sẵn: python -m bot criteria load {sample_tables_dir()}")
    p.add_argument("files", nargs="+", metavar="ĐƯỜNG_DẪN", help="tệp .yaml/.xlsx hoặc thư mục chứa chúng")
    p.set_defaults(func=_load)
    p = csub.add_parser("publish", help="ban hành một phiên bản (khóa lại, phiếu chấm mới dùng phiên bản này)")
    p.add_argument("table", metavar="MÃ_BẢNG", help="mã bảng, ví dụ khoi-xa-2026")
    p.add_argument("--version", type=int, metavar="SỐ", help="phiên bản (mặc định: mới nhất)")
    p.set_defaults(func=_publish)
    p = csub.add_parser("show", help="xem các nhóm và tiêu chí của một bảng")
    p.add_argument("table", metavar="MÃ_BẢNG", help="mã bảng, ví dụ khoi-xa-2026")
    p.add_argument("--version", type=int, metavar="SỐ", help="phiên bản (mặc định: mới nhất)")
    p.set_defaults(func=_show)
    p = csub.add_parser("list", help="các bảng tiêu chí và phiên bản")
    p.set_defaults(func=_list)
