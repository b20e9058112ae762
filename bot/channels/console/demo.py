"""``/thu`` in the console chat: a demo officer (or supervisor) and an open demo period.

A newcomer trying the bot in a terminal has no officer list and no reporting period, so
reports, /tonghop and /thongbao would all say "register first". ``/thu`` makes the console
user an officer of a sample commune (``/thu giamsat``: a supervisor of its province) and opens
a demo period for that one commune. It refuses on a database that has real officers, so it
can never put a demo period in front of real communes.

It also creates a few demo officers of other communes of the province, with console chats of
their own (``demo-1``…): a broadcast sent with ``/thongbao`` reaches them, and the console
prints what each of them receives, so a newcomer can try a broadcast end to end.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.channels.console.demo_awards import setup_awards_demo
from bot.channels.console.demo_bloc import setup_leader_demo
from bot.channels.console.demo_officer import DEMO_POSITION, demo_officer

from core.context import Services
from core.permissions import Role
from core.types import UserRef
from store.db import transaction
from store.forms.versions import latest_form
from store.models import AuditLog, Commune, Officer, Period, User
from store.reporting.periods import create_period
from store.reporting.reports import save_answers, start_draft, submit
from store.people.units import find_communes, resolve_province

DEMO_PERIOD_LABEL = "Kỳ báo cáo thử"
DEMO_PROVINCE = "Lai Châu"  # the sample directives' province
DEMO_COMMUNE = "Tân Phong"  # a ward of the former Lai Châu city
DEMO_FORM = "thi-dua-6-thang"

USAGE = ("Gõ /thu để thử vai cán bộ xã, /thu giamsat để thử vai cán bộ tỉnh, "
         "/thu truongkhoi để thử vai trưởng khối thi đua, /thu denghi để thử đề nghị khen thưởng cuối năm.")
# Colleagues in other communes of the demo province: /thongbao reaches them.
DEMO_COLLEAGUES = ("Lò Văn Minh", "Tao Thị Hoa", "Giàng A Páo")
DEMO_CHAT_PREFIX = "demo-"
# Communes of the demo period besides the console user's: the colleagues' and a few more, so the
# supervisor's views show a submitted report, a draft and communes that have not reported.
DEMO_PERIOD_COMMUNES = 6
DEMO_ANSWERS = {"da_phat_dong": True, "so_hieu": "15/KH-UBND", "ngay_ban_hanh": "2026-06-02", "so_hoi_nghi": 12,
                "da_ky_giao_uoc": True, "tieu_chi_ntm": 15, "ty_le_ho_ngheo": 8.5, "muc_do": "Hoàn thành",
                "linh_vuc": ["Kinh tế"], "so_dien_hinh": 2, "kho_khan": None, "de_xuat": None}


def demo_chat_label(chat_id: str) -> str | None:
    """Who a console chat id belongs to when it is a demo colleague's (None: the console user)."""
    if not chat_id.startswith(DEMO_CHAT_PREFIX):
        return None
    number = chat_id[len(DEMO_CHAT_PREFIX):]
    if not number.isdigit() or not 1 <= int(number) <= len(DEMO_COLLEAGUES):
        return None
    return f"{DEMO_COLLEAGUES[int(number) - 1]} (cán bộ thử)"


def _demo_colleagues(session, province: int, home_commune: int, channel: str, now) -> None:
    """A few demo officers of other communes, each with a console chat (created once)."""
    codes = list(session.scalars(select(Commune.code).where(Commune.province_code == province,
                                                             Commune.code != home_commune)
                                 .order_by(Commune.code).limit(len(DEMO_COLLEAGUES))))
    for n, (name, code) in enumerate(zip(DEMO_COLLEAGUES, codes), 1):
        chat = f"{DEMO_CHAT_PREFIX}{n}"
        if session.scalar(select(User.id).where(User.channel == channel, User.external_id == chat)) is not None:
            continue
        officer = Officer(full_name=name, role=Role.OFFICER, position=DEMO_POSITION, commune_code=code,
                          active=True, created_at=now)
        session.add(officer)
        session.flush()
        session.add(User(channel=channel, external_id=chat, chat_id=chat, display_name=name, reachable=True,
                         officer_id=officer.id, created_at=now, last_seen_at=now))


def _demo_reports(session: Session, period: Period, communes: list[int], now: datetime) -> None:
    """The first other commune has reported, the second has a draft, the rest have not begun."""
    for code, answers in zip(communes, (DEMO_ANSWERS, {"da_phat_dong": True, "so_hieu": "20/KH-UBND"})):
        draft = start_draft(session, period, code, None, now)
        save_answers(draft, answers, None, now)
        if answers is DEMO_ANSWERS:
            submit(session, draft, period, None, now)



def setup_demo(services: Services, ref: UserRef, arg: str) -> str:
    """Make the console user a demo officer or supervisor; return the Vietnamese answer."""
    if arg.strip().lower() == "truongkhoi":
        return setup_leader_demo(services, ref)
    if arg.strip().lower() == "denghi":
        return setup_awards_demo(services, ref)
    role = {"": Role.OFFICER, "canbo": Role.OFFICER, "giamsat": Role.SUPERVISOR,
            "canbotinh": Role.SUPERVISOR}.get(arg.strip().lower())
    if role is None:
        return USAGE
    now = services.clock.now()
    with transaction(services.session_factory) as session:
        real = session.scalar(select(func.count()).select_from(Officer).where(Officer.position != DEMO_POSITION))
        if real:
            return "Cơ sở dữ liệu này đã có danh sách cán bộ thật, nên không tạo tài khoản thử."
        province = resolve_province(session, DEMO_PROVINCE)
        matches = [m for m in find_communes(session, DEMO_COMMUNE, province_code=province, limit=5)
                   if m.province_code == province]
        form = latest_form(session, DEMO_FORM)
        if province is None or not matches or form is None:
            return "Chưa có dữ liệu mẫu (đơn vị hành chính hoặc mẫu báo cáo) để tạo tài khoản thử."
        commune = matches[0]
        user, officer = demo_officer(session, ref, role, commune.code if role is Role.OFFICER else None,
                                     province if role is Role.SUPERVISOR else None, now)
        _demo_colleagues(session, province, commune.code, ref.channel, now)
        if session.scalar(select(Period.id).where(Period.label == DEMO_PERIOD_LABEL)) is None:
            others = list(session.scalars(select(Commune.code).where(Commune.province_code == province,
                                                                      Commune.code != commune.code)
                                          .order_by(Commune.code).limit(DEMO_PERIOD_COMMUNES - 1)))
            period = create_period(session, form=form, label=DEMO_PERIOD_LABEL, open_at=now - timedelta(days=1),
                                   due_at=now + timedelta(days=7), close_at=now + timedelta(days=14), now=now,
                                   commune_codes=[commune.code, *others], created_by=officer.id)
            _demo_reports(session, period, others, now)
        session.add(AuditLog(at=now, user_id=user.id, officer_id=officer.id, action="demo.setup",
                             target=f"officer:{officer.id}", outcome="done", detail={"role": role.value}))
    if role is Role.OFFICER:
        return (f"Anh/chị đang thử vai cán bộ {commune.label}. Đã mở “{DEMO_PERIOD_LABEL}”, hạn nộp sau 7 ngày.\n"
                "Gõ /baocao để làm báo cáo, /hanbaocao để xem hạn, /toi để xem hồ sơ.")
    return (f"Anh/chị đang thử vai cán bộ tỉnh {DEMO_PROVINCE}.\n"
            "Gõ /tonghop để xem tổng hợp, /xuat để xuất Excel, /thongbao để gửi thông báo "
            f"(tới {len(DEMO_COLLEAGUES)} cán bộ thử: {', '.join(DEMO_COLLEAGUES)}).")
