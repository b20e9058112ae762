"""``python -m bot retention [--dry-run]``: prune old delivered messages, update keys, exports
and charts, and erase removed officers that are due (the daily job does the same)."""

from __future__ import annotations

import argparse

from bot.cli import SUBCOMMANDS
from core.settings import Settings


def _retention(args: argparse.Namespace, settings: Settings) -> int:
    from bot.services import build_services
    from reminders.retention_job import run_retention

    services = build_services(settings, startup=False)
    report = run_retention(services, dry_run=args.dry_run)
    for path in report.files[:20]:
        print(f"tệp: {path}")
    if len(report.files) > 20:
        print(f"… và {len(report.files) - 20} tệp khác")
    print(report.summary())
    return 0


def add(sub: argparse._SubParsersAction) -> None:
    cmd = sub.add_parser("retention", help="prune data older than RETENTION_DAYS, erase leavers that are due")
    cmd.add_argument("--dry-run", action="store_true", help="count what would go, delete nothing")
    cmd.set_defaults(func=_retention)


SUBCOMMANDS.append(add)
