"""``python -m bot periods add …`` / ``periods list``: reporting periods."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, time

from bot.cli import SUBCOMMANDS
from core.settings import Settings


def parse_moment(text: str, *, end_of_day: bool) -> datetime:
    """``30/6/2026`` (00:00 or 23:59 Vietnam time), or ISO ``2026-06-30T17:00`` (Vietnam time unless zoned)."""
    from store.clock import VN_TZ
    from store.vn_numbers import parse_date

    d = parse_date(text)
    if d is not None:
        return datetime.combine(d, time(23, 59) if end_of_day else time(0, 0), tzinfo=VN_TZ)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"không đọc được ngày giờ “{text}” (dạng 30/6/2026 hoặc 2026-06-30T17:00)")
    return moment if moment.tzinfo else moment.replace(tzinfo=VN_TZ)


def _add(args: argparse.Namespace, settings: Settings) -> int:
    from bot.services import build_services
    from store.db import transaction
    from store.forms import latest_form
    from store.models import Form, Province
    from store.periods import PeriodError, create_period
    from store.units import resolve_province
    from sqlalchemy import select

    services = build_services(settings, startup=False)
    _ensure_units(services)
    try:
        open_at = parse_moment(args.open, end_of_day=False) if args.open else services.clock.now()
        due_at = parse_moment(args.due, end_of_day=True)
        close_at = parse_moment(args.close, end_of_day=True) if args.close else due_at
    except argparse.ArgumentTypeError as exc:
        print(f"LỖI: {exc}", file=sys.stderr)
        return 2
    with transaction(services.session_factory) as session:
        form = (session.scalar(select(Form).where(Form.form_id == args.form, Form.version == args.version))
                if args.version else latest_form(session, args.form))
        if form is None:
            print(f"LỖI: không có biểu mẫu “{args.form}”" + (f" v{args.version}" if args.version else "")
                  + ". Nạp bằng: python -m bot forms load TỆP.yaml", file=sys.stderr)
            return 1
        province = None
        if args.province:
            province = resolve_province(session, args.province)
            if province is None:
                print(f"LỖI: không nhận ra tỉnh “{args.province}”", file=sys.stderr)
                return 1
        communes = [int(c) for c in args.communes.replace(" ", "").split(",") if c] if args.communes else []
        try:
            period = create_period(session, form=form, label=args.label, province_code=province,
                                   commune_codes=communes, open_at=open_at, due_at=due_at, close_at=close_at,
                                   now=services.clock.now())
        except PeriodError as exc:
            print(f"LỖI: {exc}", file=sys.stderr)
            return 1
        where = session.get(Province, province).name if province else f"{len(communes)} xã"
        print(f"Đã tạo kỳ #{period.id} “{period.label}” ({form.form_id} v{form.version}, {where}), "
              f"hạn {due_at:%d/%m/%Y %H:%M}")
    return 0


def _ensure_units(services) -> None:
    from sqlalchemy import select

    from store.models import Province
    from store.units import seed_units

    with services.session_factory() as session:
        if session.scalar(select(Province.code).limit(1)) is not None:
            return
    seed_units(services)


def _list(args: argparse.Namespace, settings: Settings) -> int:
    from bot.services import build_services
    from store.clock import local
    from store.models import Form, Period
    from store.periods import has_reported, must_report, status
    from sqlalchemy import select

    services = build_services(settings, startup=False)
    now = services.clock.now()
    with services.session_factory() as session:
        periods = list(session.scalars(select(Period).order_by(Period.due_at.desc())))
        for p in periods:
            form = session.get(Form, p.form_pk)
            owing = must_report(session, p)
            done = len(has_reported(session, p.id) & set(owing))
            print(f"#{p.id}\t{p.label}\t{form.form_id} v{form.version}\thạn {local(p.due_at):%d/%m/%Y %H:%M}\t"
                  f"{status(p, now).label}\t{done}/{len(owing)} đã gửi")
    if not periods:
        print("Chưa có kỳ báo cáo nào.")
    return 0


def add(sub: argparse._SubParsersAction) -> None:
    periods = sub.add_parser("periods", help="reporting periods")
    psub = periods.add_subparsers(dest="periods_command", required=True)
    p = psub.add_parser("add", help="create a period: a form, a label, who reports, open/due/close")
    p.add_argument("--form", required=True, help="form id, e.g. thi-dua-6-thang")
    p.add_argument("--version", type=int, help="form version (default: latest)")
    p.add_argument("--label", required=True, help="e.g. '6 tháng đầu năm 2026'")
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--province", help="province code or name: all its communes report")
    who.add_argument("--communes", help="commune codes, comma-separated")
    p.add_argument("--open", help="opening date (default now), e.g. 1/6/2026")
    p.add_argument("--due", required=True, help="due date, e.g. 30/6/2026 (23:59) or 2026-06-30T17:00")
    p.add_argument("--close", help="closing date (default: the due time), e.g. 15/7/2026")
    p.set_defaults(func=_add)
    lst = psub.add_parser("list", help="periods with their progress")
    lst.set_defaults(func=_list)


SUBCOMMANDS.append(add)
