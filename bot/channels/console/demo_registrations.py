"""The start of the year in the console's leader demo (``/thu truongkhoi``): the sample title
catalogue, a registration deadline ten days away, and two communes of the demo bloc already
registered, so /dangkythidua, /dsdangky and /giaouoc have something to show."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy.orm import Session

from store.clock import as_utc, local
from store.emulation.registrations import round_of, set_deadline, submit_registration
from store.emulation.signed import write_signed
from store.emulation.targets import Target
from store.emulation.titles import current_catalogue, load_catalogue, parse_catalogue_text

SAMPLE_TITLES = Path(__file__).resolve().parents[3] / "store" / "sample" / "emulation" / "danh-hieu-2026.yaml"
JPEG = b"\xff\xd8\xff\xe0" + b"trang dang ky thu" * 20
DEMO_DAYS = 10


def seed_registrations(session: Session, files_dir: Path, province: int, communes: list[int], now: datetime) -> str:
    """Seed once per province and year; the line the demo adds to its greeting."""
    year = local(as_utc(now)).year
    if not SAMPLE_TITLES.exists():
        return ""
    if current_catalogue(session, province, year) is None:
        data = parse_catalogue_text(SAMPLE_TITLES.read_text(encoding="utf-8").replace("year: 2026", f"year: {year}"))
        load_catalogue(session, province, data, now)
    if round_of(session, province, year) is None:
        # A deadline is a day's end, as the province sets it (``registrations deadline --due``).
        due = (local(as_utc(now)) + timedelta(days=DEMO_DAYS)).replace(hour=23, minute=59, second=0, microsecond=0)
        set_deadline(session, province, year, as_utc(due), now)
        for code in communes[:2]:
            stored = write_signed(files_dir, Path("registrations") / str(year) / str(code), "dangky", JPEG)
            submit_registration(session, province_code=province, year=year, commune_code=code,
                                titles=["tt-ldtt", "co-tinh"], targets=[Target("Thu ngân sách", Decimal(1250),
                                                                                "triệu đồng")],
                                signed=stored, officer_id=None, now=now)
    return (f"Đăng ký thi đua năm {year} đang mở (2 xã đã đăng ký): gõ /dangkythidua để đăng ký cho xã, "
            "/dsdangky để xem các xã đã đăng ký, /giaouoc để gửi giao ước của khối.")
