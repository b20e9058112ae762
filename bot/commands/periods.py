"""``python -m bot periods add …`` / ``periods list``: reporting periods."""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import TYPE_CHECKING, Optional

from bot.commands.common import CliError, Subparsers, commune_code, province_code, units_of, warn
from core.settings import Settings

if TYPE_CHECKING:  # the CLI loads these lazily, when the command runs
    from sqlalchemy.orm import Session

    from store.models import Form


def parse_moment(text: str, *, end_of_day: bool) -> datetime:
    """A day (``30/6/2026``, ``2026-06-30``: 00:00, or 23:59 with ``end_of_day``, Vietnam time)
    or a moment ``2026-06-30T17:00`` (Vietnam time unless zoned); store.vn.numbers reads them."""
    from store.vn.numbers import parse_moment as read_moment

    moment = read_moment(text, end_of_day=end_of_day)
    if moment is None:
        raise argparse.ArgumentTypeError(
            f"không đọc được ngày giờ “{text}” (dạng 30/6/2026 hoặc 2026-06-30T17:00)")
    return moment


def _add(args: argparse.Namespace, settings: Settings) -> int:
    from bot.services import build_services
    from store.clock import as_utc, vn_datetime
    from store.db import transaction
    from store.models import Province
    from store.reporting.periods import PeriodError, create_period

    services = build_services(settings, startup=False)
    index = units_of(services)
    try:
        open_at = parse_moment(args.open, end_of_day=False) if args.open else services.clock.now()
        due_at = parse_moment(args.due, end_of_day=True)
        close_at = parse_moment(args.close, end_of_day=True) if args.close else due_at
    except argparse.ArgumentTypeError as exc:
        raise CliError(str(exc), 2) from None
    province = province_code(index, args.province) if args.province else None
    communes = sorted({commune_code(index, c) for c in args.communes.split(",") if c.strip()}) if args.communes else []
    with transaction(services.session_factory) as session:
        form = _form(session, args.form, args.version, settings)
        if args.open is None and due_at <= services.clock.now():
            raise CliError(f"hạn nộp {vn_datetime(due_at)} đã qua; muốn ghi lại một kỳ đã qua thì thêm --open NGÀY", 2)
        try:
            period = create_period(session, form=form, label=args.label, province_code=province,
                                   commune_codes=communes, open_at=open_at, due_at=due_at, close_at=close_at,
                                   now=services.clock.now())
        except PeriodError as exc:
            raise CliError(str(exc)) from None
        where = session.get_one(Province, province).name if province else f"{len(communes)} xã"
        print(f"Đã tạo kỳ #{period.id} “{period.label}” ({form.form_id} v{form.version}, {where}), "
              f"hạn {vn_datetime(due_at)}.")
        if as_utc(close_at) <= services.clock.now():
            warn(f"kỳ này đã đóng lúc {vn_datetime(close_at)}: không xã nào còn nộp được "
                 "(đặt --due/--close về sau nếu cần)")
    return 0


def _form(session: Session, form_id: str, version: Optional[int], settings: Settings) -> Form:
    """The form to use; a missing one names the forms there are, or where the samples are."""
    from sqlalchemy import select

    from bot.commands.forms import sample_forms_dir
    from store.forms.versions import latest_form, list_forms
    from store.models import Form

    form = (session.scalar(select(Form).where(Form.form_id == form_id, Form.version == version))
            if version else latest_form(session, form_id))
    if form is not None:
        return form
    known = [f.form_id for f in list_forms(session)]
    hint = (f"có: {', '.join(known)}" if known
            else f"chưa nạp biểu mẫu nào; mẫu có sẵn: python -m bot forms load {sample_forms_dir(settings)}")
    raise CliError(f"không có biểu mẫu “{form_id}”" + (f" v{version}" if version else "") + f" ({hint})")


def _list(args: argparse.Namespace, settings: Settings) -> int:
    from bot.services import build_services
    from store.clock import vn_datetime
    from store.models import Form, Period
    from store.reporting.periods import has_reported, must_report, status
    from sqlalchemy import select

    services = build_services(settings, startup=False)
    now = services.clock.now()
    with services.session_factory() as session:
        periods = list(session.scalars(select(Period).order_by(Period.due_at.desc())))
        for p in periods:
            form = session.get_one(Form, p.form_pk)
            owing = must_report(session, p)
            done = len(has_reported(session, p.id) & set(owing))
            print(f"#{p.id}\t{p.label}\t{form.form_id} v{form.version}\thạn {vn_datetime(p.due_at)}\t"
                  f"{status(p, now).label}\t{done}/{len(owing)} đã gửi")
    if not periods:
        print("Chưa có kỳ báo cáo nào.")
    return 0


def add(sub: Subparsers) -> None:
    periods = sub.add_parser("periods", help="kỳ báo cáo", description="Kỳ báo cáo.")
    psub = periods.add_subparsers(dest="periods_command", required=True, metavar="LỆNH")
    p = psub.add_parser("add", help="tạo kỳ báo cáo: biểu mẫu, tên kỳ, ai báo cáo, ngày mở/hạn/đóng",
                        description="Tạo kỳ báo cáo. Ngày ghi dạng 30/6/2026 hoặc 2026-06-30T17:00 (giờ Việt Nam).")
    p.add_argument("--form", required=True, metavar="MÃ_MẪU", help="mã biểu mẫu, ví dụ thi-dua-6-thang")
    p.add_argument("--version", type=int, metavar="SỐ", help="phiên bản biểu mẫu (mặc định: mới nhất)")
    p.add_argument("--label", required=True, metavar="TÊN", help="tên kỳ, ví dụ “6 tháng đầu năm 2026”")
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--province", metavar="TỈNH", help="tên hoặc mã tỉnh: mọi xã của tỉnh báo cáo")
    who.add_argument("--communes", metavar="XÃ,…", help="mã hoặc tên các xã, cách nhau bằng dấu phẩy")
    p.add_argument("--open", metavar="NGÀY", help="ngày mở (mặc định: bây giờ), ví dụ 1/6/2026")
    p.add_argument("--due", required=True, metavar="NGÀY",
                   help="hạn nộp, ví dụ 30/6/2026 (23:59) hoặc 2026-06-30T17:00")
    p.add_argument("--close", metavar="NGÀY", help="ngày đóng (mặc định: đúng hạn nộp), ví dụ 15/7/2026")
    p.set_defaults(func=_add)
    lst = psub.add_parser("list", help="các kỳ báo cáo và tiến độ nộp")
    lst.set_defaults(func=_list)
