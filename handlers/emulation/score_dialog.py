"""The /chamdiem dialog: a score per criterion, then its evidence and note, then the next one.

Steps (``ScoreState.step``): ``score`` (a Vietnamese number, or đạt / không đạt), ``extra``
(files are evidence, text is the note, “Tiếp” moves on) and ``review`` (the answers are the
menu, submit first). The engine (``store.emulation.engine``) decides what a score is worth and
why it is refused; this module only words its status codes.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Optional, Union

from core import messages
from core.context import Context
from core.dialogs import Dialog, NotAnAnswer, Step
from core.types import Reply
from handlers.emulation import score_view as view
from handlers.emulation.evidence import receive_evidence
from handlers.emulation.score_turn import ScoreState, SheetTurn, open_turn
from handlers.emulation.words import num, when
from store.emulation.engine import Status, next_code, review_rows
from store.emulation.sheet_notes import set_note
from store.emulation.sheets import save_score, sheet_spec
from store.emulation.table_spec import Criterion, Kind
from store.models import Sheet
from store.vn.numbers import NumberFormatError, parse_number
from store.vn.text import fold

DRAFT_KEPT = "Đã lưu bảng điểm đang chấm. Khi nào tiện, gõ /chamdiem để chấm tiếp."
YES_WORDS = {"dat", "co", "yes", "x"}
NO_WORDS = {"khong dat", "khong", "ko", "chua dat", "no"}


def parse_value(c: Criterion, text: str) -> Union[Decimal, bool, str]:
    """The typed value for the criterion, or the polite reason it is not one."""
    key = fold(text).strip()
    if c.kind is Kind.YESNO:
        if key in YES_WORDS:
            return True
        if key in NO_WORDS:
            return False
        return "Tiêu chí này chấm đạt hoặc không đạt. Anh/chị trả lời “đạt” hoặc “không đạt”."
    try:
        value, _percent = parse_number(text)
    except NumberFormatError:
        return f"“{text.strip()[:30]}” không phải là số. Anh/chị gõ điểm, ví dụ 4 hoặc 4,5."
    return value


def refusal(c: Criterion, status: Status, value: Union[Decimal, bool]) -> str:
    """Why the engine refused a score, politely."""
    if status is Status.ABOVE_MAX:
        return (f"Điểm {num(value)} cao hơn điểm chuẩn {num(c.max)} của tiêu chí {c.code}, bot không nhận. "
                f"Anh/chị gõ điểm từ 0 đến {num(c.max)}.")
    if status is Status.BELOW_ZERO:
        return f"Điểm không được âm (tiêu chí {c.code} không phải điểm trừ). Anh/chị gõ điểm từ 0 đến {num(c.max)}."
    if status is Status.OVER_LIMIT:
        return f"Tiêu chí {c.code} trừ tối đa {num(c.limit)} điểm. Anh/chị gõ số từ 0 đến {num(c.limit)}."
    if status is Status.TOO_PRECISE:
        return "Điểm lấy tối đa hai chữ số sau dấu phẩy (ví dụ 4,25)."
    if status is Status.NOT_YESNO:
        return "Tiêu chí này chấm đạt hoặc không đạt. Anh/chị trả lời “đạt” hoặc “không đạt”."
    return "Bảng điểm này không nhận thêm điểm nữa."


# -- what to show ---------------------------------------------------------------------------
def ask_score(turn: SheetTurn, state: ScoreState, code: str, *, note: str = "", edit: Optional[bool] = None) -> list[Reply]:
    c = turn.spec.criterion(code)
    if c is None:
        return show_review(turn, state, note=note)
    state.step, state.sheet, state.code = "score", turn.sheet.id, code
    state.edit = state.edit if edit is None else edit
    turn.sheet.position = code  # a restart, or /chamdiem on another phone, resumes here
    SCORE.save(turn.ctx, state)
    return [view.score_question(turn.spec, c, turn.sheet.id, turn.sheet.answers.get(code), turn.totals(),
                                buttonless=turn.buttonless, note=note)]


def ask_extra(turn: SheetTurn, state: ScoreState, code: str, *, note: str = "") -> list[Reply]:
    c = turn.spec.criterion(code)
    answer = turn.sheet.answers.get(code)
    if c is None or answer is None:
        return ask_score(turn, state, code, note=note)
    state.step, state.sheet, state.code = "extra", turn.sheet.id, code
    turn.sheet.position = code
    SCORE.save(turn.ctx, state)
    return [view.evidence_question(c, turn.sheet.id, turn.item(code), answer, turn.counts().get(code, 0),
                                   turn.totals(), buttonless=turn.buttonless, edit=state.edit, note=note)]


def show_review(turn: SheetTurn, state: ScoreState, *, note: str = "") -> list[Reply]:
    state.step, state.sheet, state.code, state.edit = "review", turn.sheet.id, "", False
    SCORE.save(turn.ctx, state)
    period = turn.period
    due = f"Hạn nộp: {when(period.due_at)}."
    if turn.ctx.now > period.due_at:
        due += f" Đã quá hạn; vẫn nhận đến {when(period.close_at)} (ghi là nộp trễ)."
    title = f"Bảng tự chấm – {period.label}"
    rows = review_rows(turn.spec, turn.sheet.answers, turn.counts())
    return [view.review_screen(title, turn.sheet.id, rows, turn.totals(), due, buttonless=turn.buttonless,
                               note=note)]


def move_on(turn: SheetTurn, state: ScoreState, after: str) -> list[Reply]:
    """After a criterion: back to the review when editing from it, else the next unanswered one."""
    following = None if state.edit else next_code(turn.spec, turn.sheet.answers, after)
    if following is None:
        return show_review(turn, state)
    return ask_score(turn, state, following)


def resume(turn: SheetTurn, state: ScoreState, note: str = "") -> list[Reply]:
    """Show the step the state stands on (after a stale button or a question typed mid-step)."""
    if state.step == "extra" and state.code:
        return ask_extra(turn, state, state.code, note=note)
    if state.step == "score" and state.code:
        return ask_score(turn, state, state.code, note=note)
    return show_review(turn, state, note=note)


# -- typed input ----------------------------------------------------------------------------
def give_score(turn: SheetTurn, state: ScoreState, value: Union[Decimal, bool]) -> list[Reply]:
    """Save a score through the engine; on to the evidence step, or the refusal and the question again."""
    ctx, code = turn.ctx, state.code
    c = turn.spec.criterion(code)
    if c is None:
        return show_review(turn, state)
    old_note = str((turn.sheet.answers.get(code) or {}).get("note") or "")
    scored = save_score(ctx.session, turn.sheet, code, value, ctx.me.id, ctx.now, note=old_note)
    if scored.status is not Status.OK:
        ctx.audit("emulation.score", f"sheet:{turn.sheet.id}", "refused", code=code, status=scored.status.value)
        return ask_score(turn, state, code, note=refusal(c, scored.status, value))
    return ask_extra(turn, state, code)


async def on_score(ctx: Context, state: ScoreState) -> list[Reply]:
    turn = open_turn(ctx, state.sheet)
    if not isinstance(turn, SheetTurn):
        return turn
    c = turn.spec.criterion(state.code)
    if c is None:
        return show_review(turn, state)
    if ctx.msg.files or ctx.msg.text is None:
        return ask_score(turn, state, state.code, note="Anh/chị chấm điểm trước, rồi gửi minh chứng ở bước sau.")
    value = parse_value(c, ctx.msg.text)
    if isinstance(value, str):
        raise NotAnAnswer(ask_score(turn, state, state.code, note=value), ask_score(turn, state, state.code))
    return give_score(turn, state, value)


def score_accepts(ctx: Context, state: ScoreState, text: str) -> bool:
    """On Zalo and the console a typed number answers the score (never picks a menu line),
    except on a yes/no criterion, where the numbered Đạt / Không đạt are the answers."""
    if fold(text).strip() in YES_WORDS | NO_WORDS:
        return True
    try:
        parse_number(text)
    except NumberFormatError:
        return False
    sheet = ctx.session.get(Sheet, state.sheet)  # no lock: nothing is saved here
    c = sheet_spec(ctx.session, sheet).criterion(state.code) if sheet is not None else None
    return c is not None and c.kind is not Kind.YESNO


async def on_extra(ctx: Context, state: ScoreState) -> list[Reply]:
    """Files are evidence for the criterion; text is its note."""
    turn = open_turn(ctx, state.sheet)
    if not isinstance(turn, SheetTurn):
        return turn
    if ctx.msg.files:
        return receive_evidence(turn, state.code, _evidence_recorded)
    text = (ctx.msg.text or "").strip()
    if not text or ctx.msg.location is not None or ctx.msg.contact is not None:
        return ask_extra(turn, state, state.code, note="Bước này nhận ảnh, tệp minh chứng hoặc ghi chú.")
    set_note(ctx.session, turn.sheet, state.code, text, ctx.me.id, ctx.now)
    return ask_extra(turn, state, state.code, note="Đã lưu ghi chú.")


def _evidence_recorded(ctx: Context, sheet_id: int, code: str, note: str) -> list[Reply]:
    """After the files were stored: the evidence step again if the dialog still stands on it."""
    state = SCORE.load(ctx)
    turn = open_turn(ctx, sheet_id)
    if not isinstance(turn, SheetTurn):
        return turn
    if state is None or state.sheet != sheet_id or state.step != "extra" or state.code != code:
        return [Reply(text=f"{note} (minh chứng của tiêu chí {code})")]
    return ask_extra(turn, state, code, note=note)


NAV_WORDS = {fold(view.NEXT), fold(view.RESCORE), fold(view.REVIEW), "tiep"}


def extra_accepts(ctx: Context, state: ScoreState, text: str) -> bool:
    """A note is any text but a bare number or a button's words (those pick the button)."""
    key = fold(text).strip()
    return not text.strip().isdigit() and key not in NAV_WORDS


async def on_review(ctx: Context, state: ScoreState) -> list[Reply]:
    turn = open_turn(ctx, state.sheet)
    if not isinstance(turn, SheetTurn):
        return turn
    again = show_review(turn, state)
    raise NotAnAnswer(show_review(turn, state, note="Anh/chị chọn một tiêu chí để sửa, hoặc nộp bảng điểm."), again)


async def on_cancel(ctx: Context, state: Optional[ScoreState]) -> list[Reply]:
    ctx.clear_dialog()
    return messages.text(DRAFT_KEPT)


SCORE: Dialog[ScoreState] = Dialog("chamdiem", ScoreState, action="emulation.score", on_cancel=on_cancel, steps={
    "score": Step(on_score, closed=True, accepts=score_accepts),
    "extra": Step(on_extra, closed=False, accepts=extra_accepts),
    "review": Step(on_review, closed=True, accepts=lambda ctx, state, text: False),
})
