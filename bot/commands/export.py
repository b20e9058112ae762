"""``python -m bot export PERIOD PATH``: the period's reports as an XLSX workbook, with a progress bar.

PATH may be a folder (the workbook is named after the period inside it) or an ``.xlsx``
file; other formats are refused with the reason, before anything is written.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from bot.commands.common import CliError, Subparsers, os_reason, province_code, units_of
from core.settings import Settings

REFUSED_FORMATS = {
    ".csv": "CSV chỉ chứa được một bảng, còn tệp xuất có trang tổng hợp, trang báo cáo và liên kết ảnh; "
            "hãy ghi tên .xlsx (mở được bằng Excel, LibreOffice, Google Sheets)",
    ".xls": "chỉ ghi được định dạng Excel mới (.xlsx)",
}


def output_path(target: str, period_id: int) -> Path:
    """Where to write: inside a folder (existing, or a name without an extension), else an .xlsx file."""
    path = Path(target)
    if path.is_dir() or target.endswith(("/", "\\")) or not path.suffix:
        return path / f"bao-cao-ky-{period_id}.xlsx"
    suffix = path.suffix.lower()
    if suffix in REFUSED_FORMATS:
        raise CliError(f"không ghi {path.name}: {REFUSED_FORMATS[suffix]}", 2)
    if suffix != ".xlsx":
        raise CliError(f"không ghi {path.name}: tên tệp cần đuôi .xlsx (hoặc ghi một thư mục)", 2)
    if path.parent.exists() and not path.parent.is_dir():
        raise CliError(f"{path.parent} không phải thư mục", 2)
    return path


def _export(args: argparse.Namespace, settings: Settings) -> int:
    from tqdm import tqdm

    from bot.services import build_services
    from store.reporting.export import export_period
    from store.models import Period
    from store.reporting.periods import must_report

    path = output_path(args.path, args.period)
    services = build_services(settings, startup=False)
    provinces = {province_code(units_of(services), args.province)} if args.province else None
    with services.session_factory() as session:
        period = session.get(Period, args.period)
        if period is None:
            raise CliError(f"không có kỳ báo cáo #{args.period} (xem: python -m bot periods list)")
        total = len(must_report(session, period))
        started = time.perf_counter()
        try:
            with tqdm(total=total, unit="xã", desc="Xuất Excel", disable=args.no_progress or not sys.stderr.isatty()) as bar:
                summary = export_period(session, period, path, provinces=provinces,
                                        files_dir=settings.files_dir, now=services.clock.now(),
                                        progress=bar.update)
        except OSError as exc:
            raise CliError(f"không ghi được {path}: {os_reason(exc)}") from None
    done = summary.count("on_time") + summary.count("late")
    print(f"Đã ghi {path}: {len(summary.rows)} xã, {done} đã gửi, trong {time.perf_counter() - started:.1f} giây")
    return 0


def add(sub: Subparsers) -> None:
    p = sub.add_parser("export", help="xuất báo cáo của một kỳ ra tệp Excel (.xlsx)",
                       description="Xuất báo cáo của một kỳ ra Excel: trang tổng hợp và mỗi xã một dòng.")
    p.add_argument("period", type=int, metavar="MÃ_KỲ", help="mã kỳ báo cáo (xem: python -m bot periods list)")
    p.add_argument("path", metavar="ĐƯỜNG_DẪN", help="tệp .xlsx, hoặc thư mục để ghi tệp vào")
    p.add_argument("--province", metavar="TỈNH", help="chỉ tỉnh này (tên hoặc mã)")
    p.add_argument("--no-progress", action="store_true", help="không hiện thanh tiến độ")
    p.set_defaults(func=_export)
