"""``python -m bot awards …``: đề nghị khen thưởng for the province.

``list`` the nominations of a year (state, dossier, decision); ``vote`` records the council's
vote on a list of sent nominations (approved / cut; both kept); ``decision`` records the decision
issued for an approved nomination (number, date, level); ``deadline`` sets the day dossiers are
due (the bot reminds of missing documents before it); ``export`` writes the XLSX.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from bot.commands.blocs import parse_day
from bot.commands.common import CliError, Subparsers, os_reason, province_code, units_of
from core.settings import Settings


VOTE_REFUSED = {"bad_state": "chưa gửi tỉnh hoặc đã trả lại", "final": "đã có kết quả",
                "no_reason": "lý do quá ngắn", "stale": "đã thay đổi"}


def _services(settings: Settings) -> Any:
    from bot.services import build_services

    return build_services(settings, startup=False)


def _list(args: argparse.Namespace, settings: Settings) -> int:
    from store.awards.decisions import decision_of
    from store.awards.dossier import State
    from store.awards.nominations import checklist, nominations_of
    from store.awards.wording import STATE_TEXT
    from store.models import Commune

    services = _services(settings)
    province = province_code(units_of(services), args.province)
    with services.session_factory() as session:
        noms = nominations_of(session, province_code=province, year=args.year)
        if not noms:
            print(f"Chưa có đề nghị khen thưởng nào năm {args.year}.")
        for nom in noms:
            items = checklist(session, nom)
            commune = session.get(Commune, nom.commune_code)
            decision = decision_of(session, nom.id)
            tail = f"; QĐ {decision.number}" if decision else ""
            print(f"#{nom.id} {commune.name if commune else nom.commune_code} – {nom.title_name}: "
                  f"{STATE_TEXT[State(nom.state)]}; hồ sơ {sum(i.present for i in items)}/{len(items)}{tail}")
    return 0


def _decision(args: argparse.Namespace, settings: Settings) -> int:
    from store.awards.decisions import record_decision
    from store.awards.wording import DECISION_TEXT
    from store.db import transaction
    from store.models import Nomination

    services = _services(settings)
    with transaction(services.session_factory) as session:
        nom = session.get(Nomination, args.nomination)
        if nom is None:
            raise CliError(f"không có đề nghị #{args.nomination} (xem: python -m bot awards list)")
        got = record_decision(session, nom, number=args.number, signed_on=parse_day(args.date, "--date"),
                              level=args.level, officer_id=None, now=services.clock.now())
    print(f"#{args.nomination}: {DECISION_TEXT[got.status]}.")
    return 0 if got.status.value in ("done", "already") else 1


def _deadline(args: argparse.Namespace, settings: Settings) -> int:
    from store.awards.nominations import set_deadline
    from store.db import transaction

    services = _services(settings)
    province = province_code(units_of(services), args.province)
    day = parse_day(args.date, "--date")
    with transaction(services.session_factory) as session:
        count = set_deadline(session, province, args.year, day)
    print(f"Hạn nộp hồ sơ {day.day}/{day.month}/{day.year}: áp dụng cho {count} đề nghị đang chuẩn bị.")
    return 0


def _export(args: argparse.Namespace, settings: Settings) -> int:
    from store.awards.export import export_nominations

    services = _services(settings)
    province = province_code(units_of(services), args.province)
    out = Path(args.out)
    try:
        with services.session_factory() as session:
            count = export_nominations(session, province, args.year, out, now=services.clock.now())
    except OSError as exc:
        raise CliError(f"{out}: không ghi được tệp ({os_reason(exc)})") from None
    print(f"Đã ghi {out}: {count} đề nghị.")
    return 0


def _ids(text: str) -> list[int]:
    try:
        return [int(x.strip().lstrip("#")) for x in (text or "").split(",") if x.strip()]
    except ValueError:
        raise CliError(f"“{text}”: cần các số # đề nghị cách nhau bằng dấu phẩy, ví dụ 3,5,8", 2) from None


def _vote(args: argparse.Namespace, settings: Settings) -> int:
    from store.awards.nominations import council_vote
    from store.db import transaction

    kept, cut = _ids(args.approve), _ids(args.cut)
    if not kept and not cut:
        raise CliError("cần --approve hoặc --cut (số # đề nghị)", 2)
    if set(kept) & set(cut):
        raise CliError("một đề nghị không thể vừa duyệt vừa không duyệt", 2)
    services = _services(settings)
    try:
        with transaction(services.session_factory) as session:
            moved = council_vote(session, kept, cut, vote=args.reason, officer_id=None, now=services.clock.now())
            refused = {nid: m.status.value for nid, m in moved.items() if m.status.value != "ok"}
            if refused:  # a vote is recorded whole or not at all
                raise CliError("không ghi gì: " + "; ".join(f"#{nid} {VOTE_REFUSED.get(v, v)}"
                                                            for nid, v in refused.items()))
    except LookupError as exc:
        raise CliError(f"không có đề nghị {exc} (xem: python -m bot awards list)") from None
    for nid in moved:
        print(f"#{nid}: " + ("đã duyệt" if nid in kept else "không duyệt"))
    return 0


def add(sub: Subparsers) -> None:
    awards = sub.add_parser("awards", help="đề nghị khen thưởng: danh sách, quyết định, hạn hồ sơ, xuất Excel",
                            description="Đề nghị khen thưởng của tỉnh theo năm.")
    asub = awards.add_subparsers(dest="awards_command", required=True, metavar="LỆNH")
    for name, helptext, func in (("list", "danh sách đề nghị và tình trạng hồ sơ", _list),
                                 ("deadline", "đặt hạn nộp hồ sơ (bot nhắc giấy tờ còn thiếu)", _deadline),
                                 ("export", "xuất Excel danh sách đề nghị", _export)):
        p = asub.add_parser(name, help=helptext)
        p.add_argument("--province", required=True, metavar="TỈNH", help="tên hoặc mã tỉnh")
        p.add_argument("--year", required=True, type=int, metavar="NĂM", help="năm thi đua, ví dụ 2026")
        if name == "deadline":
            p.add_argument("--date", required=True, metavar="NGÀY", help="hạn nộp, ví dụ 15/1/2027")
        if name == "export":
            p.add_argument("--out", required=True, metavar="TỆP", help="tệp .xlsx sẽ ghi")
        p.set_defaults(func=func)
    p = asub.add_parser("decision", help="ghi quyết định khen thưởng đã ban hành")
    p.add_argument("nomination", type=int, metavar="SỐ_ĐỀ_NGHỊ", help="số # của đề nghị (xem: awards list)")
    p.add_argument("--number", required=True, metavar="SỐ_QĐ", help="số quyết định, ví dụ 125/QĐ-UBND")
    p.add_argument("--date", required=True, metavar="NGÀY", help="ngày ký, ví dụ 20/1/2027")
    p.add_argument("--level", required=True, metavar="CẤP", help="cấp quyết định, ví dụ “UBND tỉnh”")
    p.set_defaults(func=_decision)
    p = asub.add_parser("vote", help="ghi kết quả biểu quyết của Hội đồng trên danh sách đề nghị đã gửi")
    p.add_argument("--approve", default="", metavar="SỐ,SỐ", help="các đề nghị được duyệt, ví dụ 3,5")
    p.add_argument("--cut", default="", metavar="SỐ,SỐ", help="các đề nghị không được duyệt, ví dụ 8")
    p.add_argument("--reason", required=True, metavar="LÝ_DO", help="ví dụ “Hội đồng biểu quyết 7/9 ngày 10/1/2027”")
    p.set_defaults(func=_vote)
