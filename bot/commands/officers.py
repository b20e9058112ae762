"""``python -m bot officers import FILE [--dry-run]``: load an officer list (CSV or XLSX)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.cli import SUBCOMMANDS
from core.settings import Settings


def _import(args: argparse.Namespace, settings: Settings) -> int:
    from bot.services import build_services
    from store.db import transaction
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
    except (ValueError, OSError) as exc:
        print(f"Không đọc được {path}: {exc}", file=sys.stderr)
        return 2
    for issue in report.errors:
        print(f"dòng {issue.row}: {issue.message}")
    for issue in report.notes:
        print(f"dòng {issue.row}: (gần đúng) {issue.message}")
    print(report.summary())
    return 1 if report.errors and args.dry_run else 0


def add(sub: argparse._SubParsersAction) -> None:
    officers = sub.add_parser("officers", help="officer lists")
    osub = officers.add_subparsers(dest="officers_command", required=True)
    imp = osub.add_parser("import", help="import a CSV or XLSX officer list (upsert by phone)")
    imp.add_argument("file")
    imp.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
    imp.set_defaults(func=_import)


SUBCOMMANDS.append(add)
