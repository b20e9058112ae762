"""How the report dialog looks: questions with their buttons, the review, a submitted report.

Everything shown comes from a ``FormSession`` (store/forms/engine.py); button data are the
typed values of handlers/report/calls.py.
"""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from core.types import Button, Reply
from handlers.report.calls import Back, Choose, Discard, Done, Edit, Keep, LastValue, Send, Skip, Toggle
from store.clock import vn_date, vn_datetime
from store.forms.engine import FormSession, relevant_fields
from store.forms.field_base import InputKind
from store.forms.fields import Field
from store.forms.spec import FormSpec
from store.models import Draft, Period, Report
from store.vn.numbers import format_number
from store.vn.text import shorten

BACK, SKIP, DONE = "« Quay lại", "Bỏ qua »", "✔ Xong"
SEND, CANCEL = "📤 Gửi", "Hủy"
REVIEW_LABEL = 42  # characters of a question's label on the review screen: 14 answers fit one phone screen
# A location on channels without location sharing (Zalo, console): typed, in one message.
TYPE_COORDINATES = "Anh/chị gõ tọa độ (vĩ độ, kinh độ), ví dụ 21.03, 105.85."
# By its words, not its number: the number is given when the reply is queued (core.menus) and
# may differ when another reply with choices comes in the same answer.
SKIP_BY_WORDS = ", hoặc gõ “bỏ qua”."


def when(moment: Optional[datetime]) -> str:
    return "" if moment is None else vn_datetime(moment)


def day(moment: datetime) -> str:
    return vn_date(moment)


def value_text(f: Field, value: object) -> str:
    if value is None:
        return "(bỏ qua)"
    return f.kind.format(f, value) or "(trống)"


def question(session: FormSession, draft: Draft, *, note: str = "", previous: Optional[float] = None,
             buttonless: bool = False) -> list[Reply]:
    """The current question: its number, text, current answer, and the buttons its type needs.
    ``buttonless``: the channel numbers buttons and cannot share a location (Zalo, console)."""
    f = session.current()
    if f is None:  # callers show the review instead; not an assert, which python -O removes
        raise ValueError("question() on a finished form")
    number, total = session.number()
    q = f.kind.question(f)
    lines = [note] if note else []
    text = q.text
    if q.input is InputKind.LOCATION and buttonless:  # no "share location" button to press there
        text = text.replace(f.kind.instruction(f), TYPE_COORDINATES)
    dropped = len(session.spec.fields) - total  # skip logic: earlier answers made these not apply
    lines.append(f"Câu {number}/{total}" + (f" (bớt {dropped} câu không áp dụng)" if dropped else "") + f": {text}")
    asked = len(lines) - 1
    buttons: list[list[Button]] = []
    current = session.answers.get(f.name)
    if f.name in session.answers and q.input not in (InputKind.MULTI, InputKind.PHOTO):
        lines.append(f"Câu trả lời đã lưu: {value_text(f, current)}")
        buttons.append([Keep(draft.id, f.index).button(f"Giữ nguyên: {value_text(f, current)}"[:60])])
    if q.input is InputKind.PHOTO and current:
        lines.append(f"Đã nhận {len(current)} ảnh.")
    buttons += _input_buttons(session, draft, f, q.input, q.options, previous)
    nav: list[Button] = []
    if number > 1:
        nav.append(Back(draft.id, f.index).button(BACK))
    if not f.required:
        nav.append(Skip(draft.id, f.index).button(SKIP))
    if nav:
        buttons.append(nav)
    if q.input is InputKind.LOCATION and not buttonless:
        # Telegram shows either inline buttons or a reply keyboard on one message: the
        # "share location" keyboard goes with the question, the navigation follows it.
        out = [Reply(text="\n".join(lines), request_location="📍 Gửi vị trí")]
        if buttons:
            out.append(Reply(text="Hoặc:", buttons=buttons))
        return out
    if q.input is InputKind.LOCATION and not f.required:  # one message: how to answer, and how to skip
        lines[asked] = lines[asked].removesuffix(".") + SKIP_BY_WORDS
    return [Reply(text="\n".join(lines), buttons=buttons, numbers_answer=f.kind.numeric)]


def _input_buttons(session: FormSession, draft: Draft, f: Field, kind: InputKind, options: list[str],
                   previous: Optional[float]) -> list[list[Button]]:
    buttons: list[list[Button]] = []
    if kind is InputKind.CHOICE:
        row: list[Button] = []
        for i, option in enumerate(options):
            row.append(Choose(draft.id, f.index, i).button(option))
            if len(row) == 2 or len(option) > 16:
                buttons.append(row)
                row = []
        if row:
            buttons.append(row)
    elif kind is InputKind.MULTI:
        chosen = set(session.selected or [])
        for i, option in enumerate(options):
            mark = "☑" if i in chosen else "☐"
            buttons.append([Toggle(draft.id, f.index, i).button(f"{mark} {option}")])
        buttons.append([Done(draft.id, f.index).button(DONE)])
    elif kind is InputKind.PHOTO:
        buttons.append([Done(draft.id, f.index).button(DONE)])
    elif f.kind.numeric and previous is not None:
        buttons.append([LastValue(draft.id, f.index).button(f"Dùng số kỳ trước: {format_number(previous)}")])
    return buttons


def summary_lines(spec: FormSpec, answers: dict[str, object]) -> list[str]:
    lines = []
    for n, f in enumerate(relevant_fields(spec, answers), 1):
        value = value_text(f, answers[f.name]) if f.name in answers else "(chưa trả lời)"
        lines.append(f"{n}. {f.label}: {value}")
    return lines


def review(session: FormSession, draft: Draft, period: Period, *, note: str = "") -> Reply:
    """All answers before sending, on one screen: the answers are the menu (each one's button
    edits it, numbered as the question) and the way to send is said first."""
    head = [note] if note else []
    kind = "Sửa báo cáo" if draft.base_revision else "Kiểm tra báo cáo"
    head.append(f"{kind} “{session.spec.title}” – {period.label}.")
    head.append("Bấm “Gửi” để nộp báo cáo, hoặc chọn câu cần sửa:")
    buttons: list[list[Button]] = []
    row: list[Button] = []
    for n, f in enumerate(session.review(), 1):
        value = value_text(f, session.answers[f.name]) if f.name in session.answers else "(chưa trả lời)"
        row.append(Edit(draft.id, f.index).button(f"Sửa câu {n}", detail=f"{shorten(f.label, REVIEW_LABEL)}: {value}"))
        if len(row) == 4:
            buttons.append(row)
            row = []
    if row:
        buttons.append(row)
    buttons.append([Send(draft.id, period.id).button(SEND), Discard(draft.id, period.id).button(CANCEL)])
    return Reply(text="\n".join(head), buttons=buttons)


def report_text(spec: FormSpec, report: Report, period: Period, sender: str) -> str:
    state = "đúng hạn" if report.submitted_at <= period.due_at else "trễ hạn"
    by = f" bởi {sender}" if sender else ""
    # Revision 1 is the first submission: only later ones are edits.
    sent = (f"Gửi lúc {when(report.submitted_at)} ({state}){by}." if report.revision == 1 else
            f"Gửi lúc {when(report.submitted_at)} ({state}); đã sửa {report.revision - 1} lần, "
            f"lần cuối {when(report.updated_at)}{by}.")
    head = [f"Báo cáo “{spec.title}” – {period.label}", sent]
    return "\n".join(head + summary_lines(spec, report.answers))
