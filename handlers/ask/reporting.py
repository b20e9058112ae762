"""An officer's questions about their own reporting, answered from the commune's calendar.

"Khi nào phải nộp báo cáo?", "hạn nộp báo cáo 6 tháng", "xã tôi nộp chưa?" are about the
asker's commune, not about the directives: the answer is the due date and status of each
open or upcoming period, with a button that opens /baocao for a period still to submit.
A question that names a document or a place ("Tuần Giáo yêu cầu báo cáo định kỳ thế nào?")
is about that document and is left to the search.
"""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from core import messages
from core.context import Context
from core.permissions import Role
from core.types import Button, Reply
from core.callbacks import report_button
from store.vn import text as vntext
from store.clock import as_utc, local
from store.models import Commune, Period, Report
from store.reporting.periods import commune_calendar
from store.search.query import has_phrase

REPORT_WORDS = ("bao cao", "nop")
FIRST_PERSON = ("toi", "chung toi", "minh", "xa toi", "xa minh", "xa em", "phuong toi", "phuong minh",
                "cua em", "ben em", "ben toi", "em da", "em phai")
DEADLINE_PHRASES = ("han nop", "han bao cao", "khi nao phai nop", "bao gio phai nop", "khi nao nop",
                    "bao gio nop", "nop chua", "da nop", "nop bao cao khi nao", "phai nop bao cao",
                    "ky bao cao", "han cuoi", "het han", "con may ngay", "nop truoc ngay", "nop cham nhat")
DOCUMENT_WORDS = ("chi thi", "ke hoach", "van ban", "nghi quyet", "thong tu", "nghi dinh", "quyet dinh")
NO_PERIODS = "Hiện {name} không có kỳ báo cáo nào đang mở hoặc sắp tới. Bot sẽ nhắc khi đến kỳ."
SUPERVISOR = "Các kỳ báo cáo và tình hình nộp của các xã: gõ /hanbaocao."
UNREGISTERED = ("Câu hỏi về hạn báo cáo của xã cần anh/chị đăng ký cán bộ trước: gõ /start.\n"
                "Nếu anh/chị hỏi về chế độ báo cáo trong một văn bản, hãy nêu tên văn bản hoặc địa phương.")


def is_own_reporting(text: str, names_place_or_document: bool) -> bool:
    """Does the question ask about the asker's own reports (not a directive's reporting rules)?"""
    folded = vntext.search_key(text).split()
    if not any(has_phrase(folded, w) for w in REPORT_WORDS):
        return False
    if any(has_phrase(folded, p) for p in FIRST_PERSON):
        return True
    if names_place_or_document or any(has_phrase(folded, p) for p in DOCUMENT_WORDS):
        return False
    return any(has_phrase(folded, p) for p in DEADLINE_PHRASES)


def _when(moment: datetime) -> str:
    loc = local(as_utc(moment))
    return f"{loc:%H:%M} {loc.day}/{loc.month}/{loc.year}"


def _state(now: datetime, period: Period, report: Optional[Report]) -> str:
    if report is not None:
        on_time = "đúng hạn" if as_utc(report.submitted_at) <= as_utc(period.due_at) else "nộp muộn"
        return f"✅ đã nộp {_when(report.submitted_at)} ({on_time})"
    if now < as_utc(period.open_at):
        return f"chưa mở (mở từ {_when(period.open_at)})"
    days = (local(as_utc(period.due_at)).date() - local(now).date()).days
    if as_utc(period.due_at) < now:
        return "⏳ chưa nộp – QUÁ HẠN, vẫn nhận đến " + _when(period.close_at)
    return "⏳ chưa nộp – " + ("hạn hôm nay" if days == 0 else f"còn {days} ngày")


def own_reporting_reply(ctx: Context, text: str) -> list[Reply]:
    """Due dates and status of the asker's commune periods (those the question names, if any)."""
    officer = ctx.officer
    if officer is None:
        return [Reply(text=UNREGISTERED)]
    if officer.role != Role.OFFICER:
        return [Reply(text=SUPERVISOR)]
    commune: Optional[Commune] = ctx.session.get(Commune, officer.commune_code) if officer.commune_code else None
    if commune is None:
        return messages.text(messages.NOT_ALLOWED)
    now = as_utc(ctx.now)
    calendar = commune_calendar(ctx.session, commune, now)
    if not calendar:
        return [Reply(text=NO_PERIODS.format(name=commune.name))]
    asked = [(p, r) for p, r in calendar if _named(text, p.label)]
    shown = asked or calendar
    lines = [f"📅 Báo cáo của {commune.name}:"]
    buttons: list[list[Button]] = []
    for i, (period, report) in enumerate(shown, 1):
        lines.append(f"{i}. {period.label}\n   Hạn nộp: {_when(period.due_at)} – {_state(now, period, report)}")
        if report is None and as_utc(period.open_at) <= now:
            buttons.append([report_button(period.id, f"Làm báo cáo: {period.label}"[:60])])
    lines.append("Xem thêm: /hanbaocao")
    return [Reply(text="\n".join(lines), buttons=buttons)]


def _named(text: str, label: str) -> bool:
    """Does the question name this period? Every number it types ("6 tháng", "2026") is in the label."""
    asked = {w.lstrip("0") for w in vntext.search_key(text).split() if w.isdigit()}
    have = {w.lstrip("0") for w in vntext.search_key(label).split() if w.isdigit()}
    return bool(asked) and asked <= have
