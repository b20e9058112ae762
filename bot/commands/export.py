"""``python -m bot export PERIOD FILE``: the period's reports as an XLSX workbook, with a progress bar."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from bot.cli import SUBCOMMANDS
from core.settings import Settings


def _export(args: argparse.Namespace, settings: Settings) -> int:
    from tqdm import tqdm

    from bot.services import build_services
    from store.export import export_period
    from store.models import Period
    from store.periods import must_report

    services = build_services(settings, startup=False)
    with services.session_factory() as session:
        period = session.get(Period, args.period)
        if period is None:
            print(f"LỖI: không có kỳ báo cáo #{args.period} (xem: python -m bot periods list)", file=sys.stderr)
            return 1
        provinces = {args.province} if args.province else None
        total = len(must_report(session, period))
        started = time.perf_counter()
        with tqdm(total=total, unit="xã", desc="Xuất Excel", disable=args.no_progress) as bar:
            summary = export_period(session, period, Path(args.file), provinces=provinces,
                                    files_dir=settings.files_dir, now=services.clock.now(), progress=bar.update)
    done = summary.count("on_time") + summary.count("late")
    print(f"Đã ghi {args.file}: {len(summary.rows)} xã, {done} đã gửi, trong {time.perf_counter() - started:.1f} giây")
    return 0


def add(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export", help="export a period's reports to XLSX")
    p.add_argument("period", type=int, help="period id (python -m bot periods list)")
    p.add_argument("file", help="output .xlsx file")
    p.add_argument("--province", type=int, help="only this province")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=_export)


SUBCOMMANDS.append(add)
