"""``python -m bot scoring …``: scoring periods (đợt chấm điểm thi đua), rankings and the province's export.

add / list a period; ``ranking`` prints each bloc's ranking (stored once the review is closed,
else live); ``publish`` / ``reopen`` (with a reason) a bloc's ranking; ``export`` writes the
workbook (sheet per bloc) and, with ``--chart``, one PNG per bloc.
"""

from __future__ import annotations

import argparse
from decimal import Decimal
from pathlib import Path
from typing import Any

from bot.commands.blocs import parse_day
from bot.commands.common import CliError, Subparsers, os_reason, province_code, units_of
from bot.commands.periods import parse_moment
from core.settings import Settings


def _services(settings: Settings) -> Any:
    from bot.services import build_services

    return build_services(settings, startup=False)


def _period(session: Any, period_id: int) -> Any:
    from store.models import ScoringPeriod

    period = session.get(ScoringPeriod, period_id)
    if period is None:
        raise CliError(f"không có đợt chấm điểm #{period_id} (xem: python -m bot scoring list)")
    return period


def _add(args: argparse.Namespace, settings: Settings) -> int:
    from store.db import transaction
    from store.emulation.periods import create_scoring_period
    from store.reporting.periods import PeriodError

    services = _services(settings)
    province = province_code(units_of(services), args.province)
    try:
        open_at = parse_moment(args.open, end_of_day=False) if args.open else services.clock.now()
        due_at = parse_moment(args.due, end_of_day=True)
        close_at = parse_moment(args.close, end_of_day=True) if args.close else due_at
    except argparse.ArgumentTypeError as exc:
        raise CliError(str(exc), 2) from None
    as_of = parse_day(args.as_of, "--as-of") if args.as_of else due_at.date()
    with transaction(services.session_factory) as session:
        try:
            period = create_scoring_period(session, province_code=province, year=as_of.year, label=args.label,
                                           table_id=args.table, as_of=as_of, open_at=open_at, due_at=due_at,
                                           close_at=close_at, explain_days=args.explain_days,
                                           now=services.clock.now())
        except PeriodError as exc:
            raise CliError(str(exc)) from None
        print(f"Đã tạo đợt chấm điểm #{period.id} “{period.label}” (bảng {period.table_id}, khối tính theo ngày "
              f"{as_of.day}/{as_of.month}/{as_of.year}).")
    return 0


def _list(args: argparse.Namespace, settings: Settings) -> int:
    from sqlalchemy import select

    from store.clock import vn_datetime
    from store.emulation.periods import owing_communes, scoring_status
    from store.models import ScoringPeriod

    services = _services(settings)
    with services.session_factory() as session:
        periods = list(session.scalars(select(ScoringPeriod).order_by(ScoringPeriod.due_at.desc())))
        for p in periods:
            owing = len(owing_communes(session, p))
            print(f"#{p.id}\t{p.label}\t{p.table_id}\thạn {vn_datetime(p.due_at)}\t"
                  f"{scoring_status(p, services.clock.now()).label}\t{owing} xã chưa nộp")
    if not periods:
        print("Chưa có đợt chấm điểm nào. Tạo: python -m bot scoring add …")
    return 0


def _ranking(args: argparse.Namespace, settings: Settings) -> int:
    from store.emulation.export import bloc_state
    from store.emulation.ranking import bloc_rows
    from store.models import Bloc

    services = _services(settings)
    with services.session_factory() as session:
        period = _period(session, args.period)
        live = bloc_rows(session, period)
        for bloc_id, rows in live.items():
            state = bloc_state(session, period.id, bloc_id)
            rows = state.ranking.rows if state.ranking is not None else rows
            print(f"{session.get_one(Bloc, bloc_id).name} ({state.label})")
            for r in rows:
                place = "–" if r["place"] is None else f"{r['place']}{' (đồng hạng)' if r['tied'] else ''}"
                total = r["final_total"] if r["final_total"] is not None else "chưa nộp"
                marks = (f", trễ {r['late_days']} ngày" if r["late_days"] else "") + (
                    f", {r['disputed']} tiêu chí khiếu nại" if r["disputed"] else "")
                print(f"\t{place}\t{r['name']}\t{total}{marks}")
    return 0


def _bloc_action(args: argparse.Namespace, settings: Settings, publish: bool) -> int:
    from store.db import transaction
    from store.emulation.blocs import find_bloc
    from store.emulation.ranking import RankingStatus, publish_ranking, reopen_ranking

    services = _services(settings)
    with transaction(services.session_factory) as session:
        period = _period(session, args.period)
        bloc = find_bloc(session, period.province_code, period.year, args.bloc)
        if bloc is None:
            raise CliError(f"không thấy khối “{args.bloc}” của đợt này (xem: python -m bot blocs list …)", 2)
        now = services.clock.now()
        status, _ = (publish_ranking(session, period, bloc, None, now) if publish
                     else reopen_ranking(session, period, bloc, None, args.reason, now))
        messages = {RankingStatus.NOT_CLOSED: "trưởng khối chưa đóng chấm điểm: chưa có xếp hạng để công bố",
                    RankingStatus.ALREADY: "xếp hạng này đã công bố từ trước",
                    RankingStatus.NOT_PUBLISHED: "chỉ mở lại được xếp hạng đã công bố",
                    RankingStatus.NO_REASON: "cần ghi lý do mở lại (--reason, ít nhất 5 ký tự)"}
        if status is not RankingStatus.DONE:
            raise CliError(messages[status])
        print(f"Đã {'công bố' if publish else 'mở lại'} xếp hạng “{bloc.name}”, {period.label}.")
    return 0


def _export(args: argparse.Namespace, settings: Settings) -> int:
    from store.emulation.export import export_round

    path = Path(args.path)
    if path.is_dir() or not path.suffix:
        path = path / f"xep-hang-dot-{args.period}.xlsx"
    elif path.suffix.lower() != ".xlsx":
        raise CliError(f"không ghi {path.name}: tên tệp cần đuôi .xlsx (hoặc ghi một thư mục)", 2)
    services = _services(settings)
    with services.session_factory() as session:
        period = _period(session, args.period)
        try:
            blocs = export_round(session, period, path, now=services.clock.now())
            charts = _charts(session, period, path.parent) if args.chart else []
        except OSError as exc:
            raise CliError(f"không ghi được {path}: {os_reason(exc)}") from None
    print(f"Đã ghi {path}: {blocs} khối" + (f"; {len(charts)} biểu đồ bên cạnh" if charts else "") + ".")
    return 0


def _charts(session: Any, period: Any, folder: Path) -> list[Path]:
    from store.emulation.chart import ranking_chart
    from store.emulation.export import bloc_state
    from store.emulation.ranking import bloc_rows
    from store.emulation.tables import latest_published, table_spec
    from store.models import Bloc

    table = latest_published(session, period.table_id)
    maximum = table_spec(table).total if table is not None else Decimal(100)
    out = []
    for bloc_id, rows in bloc_rows(session, period).items():
        state = bloc_state(session, period.id, bloc_id)
        bloc = session.get_one(Bloc, bloc_id)
        out.append(ranking_chart(state.ranking.rows if state.ranking else rows, f"{bloc.name} – {period.label}",
                                 folder / f"xep-hang-dot-{period.id}-khoi-{bloc_id}.png", maximum))
    return out


def add(sub: Subparsers) -> None:
    p0 = sub.add_parser("scoring", help="đợt chấm điểm thi đua, xếp hạng khối, xuất Excel",
                        description="Đợt chấm điểm thi đua của các khối.")
    ssub = p0.add_subparsers(dest="scoring_command", required=True, metavar="LỆNH")
    p = ssub.add_parser("add", help="tạo đợt chấm điểm: bảng tiêu chí, ngày mở/hạn/đóng, ngày tính khối")
    p.add_argument("--province", required=True, metavar="TỈNH", help="tên hoặc mã tỉnh")
    p.add_argument("--label", required=True, metavar="TÊN", help="ví dụ “Chấm điểm thi đua năm 2026”")
    p.add_argument("--table", required=True, metavar="MÃ_BẢNG", help="mã bảng tiêu chí đã ban hành")
    p.add_argument("--open", metavar="NGÀY", help="ngày mở (mặc định: bây giờ)")
    p.add_argument("--due", required=True, metavar="NGÀY", help="hạn nộp, ví dụ 15/12/2026")
    p.add_argument("--close", metavar="NGÀY", help="ngày đóng (mặc định: đúng hạn nộp); nộp sau hạn bị ghi trễ")
    p.add_argument("--as-of", metavar="NGÀY", help="xã tính theo khối của ngày này (mặc định: ngày hạn nộp)")
    p.add_argument("--explain-days", type=int, default=5, metavar="SỐ", help="số ngày được giải trình (mặc định 5)")
    p.set_defaults(func=_add)
    ssub.add_parser("list", help="các đợt chấm điểm").set_defaults(func=_list)
    p = ssub.add_parser("ranking", help="xếp hạng từng khối của một đợt")
    p.add_argument("period", type=int, metavar="MÃ_ĐỢT", help="mã đợt chấm điểm (xem: python -m bot scoring list)")
    p.set_defaults(func=_ranking)
    for name, publish, text in (("publish", True, "công bố xếp hạng một khối (khóa lại)"),
                                ("reopen", False, "mở lại xếp hạng đã công bố, cần lý do")):
        p = ssub.add_parser(name, help=text)
        p.add_argument("period", type=int, metavar="MÃ_ĐỢT", help="mã đợt chấm điểm (xem: python -m bot scoring list)")
        p.add_argument("--bloc", required=True, metavar="KHỐI", help="mã hoặc tên khối")
        if not publish:
            p.add_argument("--reason", required=True, metavar="LÝ_DO", help="lý do mở lại bảng xếp hạng đã công bố")
        p.set_defaults(func=lambda a, s, publish=publish: _bloc_action(a, s, publish))
    p = ssub.add_parser("export", help="xuất Excel: trang tổng hợp và mỗi khối một trang")
    p.add_argument("period", type=int, metavar="MÃ_ĐỢT", help="mã đợt chấm điểm (xem: python -m bot scoring list)")
    p.add_argument("path", metavar="ĐƯỜNG_DẪN", help="tệp .xlsx, hoặc thư mục để ghi tệp vào")
    p.add_argument("--chart", action="store_true", help="ghi thêm biểu đồ xếp hạng từng khối (.png)")
    p.set_defaults(func=_export)
