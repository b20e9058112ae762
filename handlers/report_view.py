"""How the report dialog looks: questions with their buttons, the summary, a submitted report.

Button data: ``rp:<action>:<a>[:<b>[:<c>]]`` with numbers only (draft, field and option
indexes, period or report ids), well under Telegram's 64 bytes. Handlers re-check every
one of them: buttons are not permissions.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from core.types import Button, Reply
from store.clock import vn_date, vn_datetime
from store import relevant as rel
from store.form_fields import Field
from store.forms import FormSpec
from store.models import Draft, Period, Report
from store.reports import relevant_fields
from store.vn_numbers import format_number

PREFIX = "rp"
BACK, SKIP, DONE = "« Quay lại", "Bỏ qua »", "✔ Xong"
SEND, CANCEL = "📤 Gửi", "Hủy"


def data(*parts: Any) -> str:
    return ":".join([PREFIX, *(str(p) for p in parts)])


def when(moment: Optional[datetime]) -> str:
    return "" if moment is None else vn_datetime(moment)


def day(moment: datetime) -> str:
    return vn_date(moment)


def value_text(f: Field, value: Any) -> str:
    if value is None:
        return "(bỏ qua)"
    return f.kind.format(f, value) or "(trống)"


def _maybe_asked(spec: FormSpec, answers: dict[str, Any]) -> list[Field]:
    """Questions that are or may still become relevant (their condition waits on unanswered ones)."""
    relevant = {f.name for f in relevant_fields(spec, answers)}
    out = []
    for f in spec.fields:
        pending = f.condition is not None and any(c.name not in answers for c in rel.names(f.condition))
        if f.name in relevant or pending:
            out.append(f)
    return out


def question(spec: FormSpec, draft: Draft, f: Field, *, note: str = "", selected: Optional[list[int]] = None,
             previous: Any = None) -> list[Reply]:
    """One question: its number, text, current answer, and the buttons its type needs."""
    answers = draft.answers
    fields = _maybe_asked(spec, answers)
    number = next((i for i, x in enumerate(fields, 1) if x.name == f.name), f.index + 1)
    q = f.kind.question(f)
    lines = [note] if note else []
    lines.append(f"Câu {number}/{len(fields)}: {q.text}")
    buttons: list[list[Button]] = []
    current = answers.get(f.name)
    if f.name in answers and q.input not in ("multi", "photo"):
        lines.append(f"Đang trả lời: {value_text(f, current)}")
        buttons.append([Button(f"Giữ nguyên: {value_text(f, current)}"[:60], data("k", draft.id, f.index))])
    if q.input == "choice":
        row: list[Button] = []
        for i, option in enumerate(q.options):
            row.append(Button(option, data("c", draft.id, f.index, i)))
            if len(row) == 2 or len(option) > 16:
                buttons.append(row)
                row = []
        if row:
            buttons.append(row)
    elif q.input == "multi":
        chosen = set(selected or [])
        for i, option in enumerate(q.options):
            mark = "☑" if i in chosen else "☐"
            buttons.append([Button(f"{mark} {option}", data("t", draft.id, f.index, i))])
        buttons.append([Button(DONE, data("m", draft.id, f.index))])
    elif q.input == "photo":
        photos = current or []
        if photos:
            lines.append(f"Đã nhận {len(photos)} ảnh.")
        buttons.append([Button(DONE, data("m", draft.id, f.index))])
    elif f.kind.numeric and previous is not None:
        buttons.append([Button(f"Dùng số kỳ trước: {format_number(previous)}", data("l", draft.id, f.index))])
    nav: list[Button] = []
    if number > 1:
        nav.append(Button(BACK, data("b", draft.id, f.index)))
    if not f.required:
        nav.append(Button(SKIP, data("s", draft.id, f.index)))
    if nav:
        buttons.append(nav)
    if q.input == "location":
        # Telegram shows either inline buttons or a reply keyboard on one message: the
        # "share location" keyboard goes with the question, the navigation follows it.
        out = [Reply(text="\n".join(lines), request_location="📍 Gửi vị trí")]
        if buttons:
            out.append(Reply(text="Hoặc:", buttons=buttons))
        return out
    return [Reply(text="\n".join(lines), buttons=buttons)]


def summary_lines(spec: FormSpec, answers: dict[str, Any]) -> list[str]:
    lines = []
    for n, f in enumerate(relevant_fields(spec, answers), 1):
        value = value_text(f, answers[f.name]) if f.name in answers else "(chưa trả lời)"
        lines.append(f"{n}. {f.label}: {value}")
    return lines


def review(spec: FormSpec, draft: Draft, period: Period, *, note: str = "") -> Reply:
    """All answers before sending, with Gửi, Sửa câu N and Hủy."""
    head = [note] if note else []
    kind = "Sửa báo cáo" if draft.base_revision else "Kiểm tra báo cáo"
    head.append(f"{kind} “{spec.title}” – {period.label}:")
    fields = relevant_fields(spec, draft.answers)
    buttons = [[Button(SEND, data("g", draft.id, period.id))]]
    row: list[Button] = []
    for n, f in enumerate(fields, 1):
        row.append(Button(f"Sửa câu {n}", data("e", draft.id, f.index)))
        if len(row) == 3:
            buttons.append(row)
            row = []
    if row:
        buttons.append(row)
    buttons.append([Button(CANCEL, data("x", draft.id, period.id))])
    text = "\n".join(head + summary_lines(spec, draft.answers) + ["Bấm “Gửi” để nộp báo cáo."])
    return Reply(text=text, buttons=buttons)


def report_text(spec: FormSpec, report: Report, period: Period, sender: str) -> str:
    state = "đúng hạn" if report.submitted_at <= period.due_at else "trễ hạn"
    head = [f"Báo cáo “{spec.title}” – {period.label}",
            f"Gửi lúc {when(report.submitted_at)} ({state}); lần sửa {report.revision}, cập nhật {when(report.updated_at)}"
            + (f" bởi {sender}" if sender else "") + "."]
    return "\n".join(head + summary_lines(spec, report.answers))
