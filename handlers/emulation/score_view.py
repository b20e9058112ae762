"""How self-scoring looks: one criterion at a time, its evidence step, and the review screen.

Pure rendering from the table (``TableSpec``), the sheet's answers and the engine's rows;
on channels without buttons the texts say “gõ” and never “bấm”.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Mapping, Optional

from core.types import Button, Reply
from handlers.emulation.calls import (BackItem, EditItem, KeepScore, NextItem, ReScore, ShowReview, SubmitSheet,
                                      YesNo)
from store.emulation.engine import ReviewRow, Totals
from store.emulation.table_spec import Criterion, Kind, TableSpec
from handlers.emulation.words import num, total_line
from store.vn.text import shorten

NEXT, BACK, REVIEW, RESCORE = "Tiếp »", "« Tiêu chí trước", "Xem lại bảng điểm", "« Sửa điểm"
SUBMIT = "📤 Nộp bảng tự chấm"
YES, NO = "Đạt", "Không đạt"


def verb(buttonless: bool) -> str:
    return "chọn" if buttonless else "bấm"


def instruction(c: Criterion, buttonless: bool) -> str:
    if c.kind is Kind.YESNO:
        return (f"Gõ “đạt” hoặc “không đạt” (đạt: {num(c.max)} điểm)." if buttonless
                else f"Bấm “{YES}” ({num(c.max)} điểm) hoặc “{NO}” (0 điểm).")
    if c.kind is Kind.PENALTY:
        return f"Gõ số điểm bị trừ, từ 0 đến {num(c.limit)} (0 nếu không vi phạm)."
    if c.kind is Kind.QUANTITY:
        target = f", chỉ tiêu {num(c.target)}" if c.target is not None else ""
        unit = f" ({c.unit})" if c.unit else ""
        return f"Gõ kết quả đạt được{unit}{target}; bot tính điểm, tối đa {num(c.max)}."
    return f"Gõ điểm tự chấm, từ 0 đến {num(c.max)} (ví dụ 4 hoặc 4,5)."


def criterion_head(table: TableSpec, c: Criterion) -> str:
    index = [x.code for x in table.criteria].index(c.code) + 1
    kind = {Kind.BONUS: " · điểm thưởng", Kind.PENALTY: " · điểm trừ"}.get(c.kind, "")
    head = f"Tiêu chí {c.code} ({index}/{len(table.criteria)}): {shorten(c.text, 300)}"
    lines = [head, f"Điểm chuẩn: {num(c.limit if c.kind is Kind.PENALTY else c.max)}{kind}"]
    if c.hint:
        lines.append(f"Cách chấm: {shorten(c.hint, 200)}")
    if c.evidence:
        lines.append("Minh chứng: bắt buộc khi chấm trên 0 điểm.")
    return "\n".join(lines)


def score_question(table: TableSpec, c: Criterion, sheet_id: int, answer: Optional[Mapping[str, Any]],
                   totals: Totals, *, buttonless: bool, note: str = "") -> Reply:
    """The score step of one criterion."""
    lines = [note] if note else []
    lines.append(criterion_head(table, c))
    item = [x.code for x in table.criteria].index(c.code)
    buttons: list[list[Button]] = []
    if c.kind is Kind.YESNO:
        buttons.append([YesNo(sheet_id, item, True).button(YES), YesNo(sheet_id, item, False).button(NO)])
    if answer is not None:
        lines.append(f"Đang chấm: {num(answer.get('score'))} điểm.")
        buttons.append([KeepScore(sheet_id, item).button(f"Giữ nguyên: {num(answer.get('score'))}")])
    lines.append(instruction(c, buttonless))
    lines.append(total_line(totals))
    nav = [ShowReview(sheet_id).button(REVIEW)]
    if item > 0:
        nav.insert(0, BackItem(sheet_id, item).button(BACK))
    buttons.append(nav)
    return Reply(text="\n".join(lines), buttons=buttons, numbers_answer=c.kind is not Kind.YESNO)


def evidence_question(c: Criterion, sheet_id: int, item: int, answer: Mapping[str, Any], files: int,
                      totals: Totals, *, buttonless: bool, edit: bool, note: str = "") -> Reply:
    """After the score: evidence files (several) and a note, then on to the next criterion."""
    lines = [note] if note else []
    lines.append(f"Tiêu chí {c.code}: {num(answer.get('score'))} điểm. {total_line(totals)}")
    need = " (bắt buộc)" if c.evidence and Decimal(str(answer.get("score") or 0)) > 0 else ""
    lines.append(f"Gửi ảnh hoặc tệp minh chứng{need}, gửi được nhiều tệp. Gõ ghi chú nếu cần.")
    if files:
        lines.append(f"Đã nhận {files} tệp minh chứng.")
    if answer.get("note"):
        lines.append(f"Ghi chú: {shorten(str(answer['note']), 200)}")
    go = REVIEW if edit else NEXT
    lines.append(f"Xong thì {'gõ 1' if buttonless else 'bấm'} “{go}”.")
    buttons = [[NextItem(sheet_id, item).button(go)], [ReScore(sheet_id, item).button(RESCORE)]]
    return Reply(text="\n".join(lines), buttons=buttons)


def review_screen(title: str, sheet_id: int, rows: list[ReviewRow], totals: Totals, due: str, *,
                  buttonless: bool, note: str = "") -> Reply:
    """Submit first, then every criterion as a button that reopens it."""
    done = sum(1 for r in rows if r.score is not None)
    lines = [note] if note else []
    lines += [title, f"Đã chấm {done}/{len(rows)} tiêu chí. {total_line(totals)}", due]
    gaps = [r.code for r in rows if r.score is None]
    unproven = [r.code for r in rows if r.needs_evidence]
    if gaps:
        lines.append(f"Chưa chấm: {', '.join(gaps[:12])}{' …' if len(gaps) > 12 else ''}")
    if unproven:
        lines.append(f"Thiếu minh chứng: {', '.join(unproven[:12])}{' …' if len(unproven) > 12 else ''}")
    lines.append(f"{verb(buttonless).capitalize()} một tiêu chí để sửa, hoặc “{SUBMIT}” để nộp.")
    buttons = [[SubmitSheet(sheet_id).button(SUBMIT)]]
    for i, r in enumerate(rows):
        buttons.append([EditItem(sheet_id, i).button(row_label(r))])
    return Reply(text="\n".join(lines), buttons=buttons)


def row_label(r: ReviewRow) -> str:
    if r.score is None:
        score = "chưa chấm"
    else:
        score = num(r.score) if r.kind is Kind.PENALTY else f"{num(r.score)}/{num(r.maximum)}"
    files = f" 📎{r.evidence_count}" if r.evidence_count else ""
    warn = " ⚠" if r.needs_evidence else ""
    return f"{r.code} · {score}{files}{warn} · {shorten(r.text, 28)}"[:60]
