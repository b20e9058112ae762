"""XLSX export of a whole country's period: 3,321 submitted reports (target ≤ 10 s).

    .venv/bin/python -m benchmarks.export [--communes 3321]

Seeds units, one report per commune (inserted directly, 12 fields incl. a photo list), then
times ``store.reporting.export.export_period`` for the whole period and checks the row count.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Optional

from sqlalchemy import insert, select

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.services import build_services  # noqa: E402
from core.settings import Settings  # noqa: E402
from store.clock import FakeClock  # noqa: E402
from store.db import transaction  # noqa: E402
from store.models import Commune, Period, PeriodUnit, Report  # noqa: E402

TARGET_S = 10.0


def time_export(services, path: Path, period_ids: Optional[list[int]] = None) -> tuple[float, int]:
    """Export every period (the benchmark's 34 province periods, or one national one) and time it."""
    from store.reporting.export import export_period

    started = time.perf_counter()
    rows = 0
    with services.session_factory() as s:
        ids = period_ids or list(s.scalars(select(Period.id).order_by(Period.id)))
        if len(ids) > 1:
            # One workbook for the whole country: a period listing every commune that reported.
            national = _national_period(s, ids)
            ids = [national.id]
        for pid in ids:
            summary = export_period(s, s.get(Period, pid), path, files_dir=services.settings.files_dir,
                                    now=services.clock.now())
            rows += len(summary.rows)
        s.rollback()
    return time.perf_counter() - started, rows


def _national_period(s, ids: list[int]) -> Period:
    """A temporary national period holding all reports of the per-province ones (rolled back after)."""
    first = s.get(Period, ids[0])
    national = Period(label=first.label + " (toàn quốc)", form_pk=first.form_pk, open_at=first.open_at,
                      due_at=first.due_at, close_at=first.close_at, created_at=first.created_at)
    s.add(national)
    s.flush()
    codes = list(s.scalars(select(Commune.code)))
    s.execute(insert(PeriodUnit), [{"period_id": national.id, "commune_code": c} for c in codes])
    s.execute(Report.__table__.update().where(Report.period_id.in_(ids)).values(period_id=national.id))
    return national


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--communes", type=int, default=3321)
    args = parser.parse_args(argv)
    import logging

    logging.disable(logging.WARNING)
    from benchmarks.bench_form import FORM, START
    from store.forms.versions import load_form
    from store.reporting.periods import create_period
    from store.people.units import sync_units

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(_env_file=None, database_url=f"sqlite:///{tmp}/export.sqlite3", data_dir=Path(tmp) / "d",
                            load_samples=False)
        services = build_services(settings, FakeClock(START), startup=False)
        now = services.clock.now()
        with transaction(services.session_factory) as s:
            sync_units(s)
            codes = list(s.scalars(select(Commune.code).order_by(Commune.code)))[:args.communes]
            form, _ = load_form(s, FORM, now)
            period = create_period(s, form=form, label="6 tháng đầu năm 2026", commune_codes=codes,
                                   open_at=now - timedelta(days=20), due_at=now, close_at=now + timedelta(days=10),
                                   now=now)
            answers = [{"da_phat_dong": True, "so_hieu": f"{c % 90}/KH-UBND", "so_hoi_nghi": c % 1000,
                        "ky_giao_uoc": bool(c % 2), "tieu_chi_ntm": c % 20, "ty_le_ho_ngheo": (c % 500) / 10,
                        "muc_do": "Tốt", "linh_vuc": ["Kinh tế", "Quốc phòng - an ninh"], "so_dien_hinh": c % 7,
                        "ngay_tong_ket": "2026-06-30", "kho_khan": "Thiếu kinh phí " * 3, "de_xuat": None}
                       for c in codes]
            s.execute(insert(Report), [dict(period_id=period.id, commune_code=c, form_pk=form.id, revision=1,
                                            answers=a, submitted_at=now - timedelta(hours=c % 48),
                                            submitted_by=None, updated_at=now) for c, a in zip(codes, answers)])
            pid = period.id
        print(f"== XLSX export: {len(codes):,} reports × 12 fields ==")
        seconds, rows = time_export(services, Path(tmp) / "out.xlsx", [pid])
        size = (Path(tmp) / "out.xlsx").stat().st_size
        ok = seconds <= TARGET_S and rows == len(codes)
        print(f"export: {rows:,} rows, {size / 1024:,.0f} KiB in {seconds:.2f} s (target ≤ {TARGET_S:.0f} s)")
        print("RESULT:", "PASS" if ok else "FAIL")
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
