"""The report dialog: each update loads the draft once, replays the input in the form engine
(store/forms/engine.py), then saves the answers and the position once (``Turn.reply``).

The dialog's state is typed (``ReportState``, handlers/report/turn.py): the draft and period,
the question asked (or the review), whether the user came from the review to edit, the
options ticked on a multiple-choice question, and last period's numbers (looked up once per
dialog).
"""

from __future__ import annotations

import logging
from typing import Optional

from core import messages
from core.callbacks import Forged
from core.context import Context
from core.dialogs import Dialog, NotAnAnswer, Step
from core.permissions import Refused
from core.types import Reply
from handlers.report import view
from handlers.report.calls import Back, Choose, Done, Edit, FieldButton, Keep, LastValue, Skip, Toggle
from handlers.report.common import GONE, already_text, closed_text, fill_commune, report_buttons
from handlers.report.photos import receive_photos
from handlers.report.outcome_text import NOT_A_PHONE_QUESTION, outcome_text
from handlers.report.turn import ReportState, Turn
from store.forms.engine import Choice, FormSession, NotOffered, Point
from store.forms.field_base import InputKind
from store.forms.outcome import OK, Outcome, Status
from store.models import Draft, Period
from store.reporting.reports import draft_spec, get_report, lock_draft
from store.vn.text import fold

log = logging.getLogger(__name__)

DRAFT_KEPT = "Đã lưu bản nháp. Khi nào tiện, gõ /baocao để làm tiếp."
STALE_QUESTION = "Câu này đã được trả lời hoặc nút đã cũ. Câu đang hỏi:"


def begin(ctx: Context, draft: Draft, period: Period, *, index: Optional[int] = None, edit: bool = False,
          note: str = "") -> list[Reply]:
    """Enter (or re-enter) the dialog on a draft the caller holds: at ``index``, else where it stopped."""
    state = REPORT.load(ctx)
    if state is None or state.draft != draft.id:
        state = ReportState(draft=draft.id, period=period.id)
    form = FormSession(draft_spec(ctx.session, draft), draft.answers, index, edit=edit)
    return Turn(ctx, REPORT, state, draft, period, form).reply(note)


def open_turn(ctx: Context, draft_id: int, state: Optional[ReportState]) -> Turn | list[Reply]:
    """The draft locked for update and checked against this officer, in the engine at the
    state's position; or the reply saying why not (sent meanwhile, gone, period closed)."""
    commune_code = fill_commune(ctx, f"draft:{draft_id}")
    draft = lock_draft(ctx.session, draft_id)
    if draft is None:
        return _gone(ctx, state, commune_code)
    if draft.commune_code != commune_code:
        raise Refused("report.fill", f"draft:{draft_id}", reason="other commune", commune=draft.commune_code)
    period = ctx.session.get(Period, draft.period_id)
    if period is None or ctx.now >= period.close_at:
        ctx.clear_dialog()
        return messages.text(closed_text(period))
    same = state is not None and state.draft == draft.id
    if state is None or not same:
        state = ReportState(draft=draft.id, period=period.id)
    form = FormSession(draft_spec(ctx.session, draft), draft.answers, state.field if same else None,
                       edit=state.edit if same else False, selected=state.selected if same else None)
    return Turn(ctx, REPORT, state, draft, period, form)


def _gone(ctx: Context, state: Optional[ReportState], commune_code: int) -> list[Reply]:
    period = ctx.session.get(Period, state.period) if state is not None and state.period else None
    ctx.clear_dialog()
    report = get_report(ctx.session, period.id, commune_code) if period is not None else None
    if report is not None and period is not None:  # another officer of the commune sent it meanwhile
        return [Reply(text=already_text(ctx, report, period), buttons=report_buttons(report, period, ctx))]
    return messages.text(GONE)


# -- typed input ---------------------------------------------------------------------------
async def on_answer(ctx: Context, state: ReportState) -> list[Reply]:
    """A message while the dialog is open: the answer to the current question (or review)."""
    turn = open_turn(ctx, state.draft, state)
    if not isinstance(turn, Turn):
        return turn
    msg, f = ctx.msg, turn.form.current()
    if msg.files and f is not None and f.type == "photo":
        draft_id = turn.draft.id
        return await receive_photos(turn, lambda done: open_turn(done, draft_id, REPORT.load(done)))
    if msg.files:
        note = outcome_text(Outcome(Status.NOT_PHOTO_QUESTION))
    elif msg.contact is not None:
        note = NOT_A_PHONE_QUESTION
    elif msg.location is not None:
        note = outcome_text(turn.form.answer(Point(msg.location.latitude, msg.location.longitude)))
    else:
        note = outcome_text(turn.form.answer(msg.text or ""))
    if not note:
        return turn.reply()
    error = turn.reply(note=note)
    if msg.text and (f is None or f.type != "text"):  # a closed step: a question gets answered first
        raise NotAnAnswer(error, turn.reply())
    return error


NAV_WORDS = {fold(view.BACK), fold(view.SKIP), fold(view.DONE), "giu nguyen"}


def accepts(ctx: Context, state: ReportState, text: str) -> bool:
    """Whether ``text`` answers the question asked now (no lock, nothing saved). On channels
    that number buttons, a bare number on a choice question names the numbered line, and a
    bare number or a button word on a free-text question means that button."""
    draft = ctx.session.get(Draft, state.draft)
    if draft is None:
        return False
    form = FormSession(draft_spec(ctx.session, draft), draft.answers, state.field, edit=state.edit)
    f, bare_number = form.current(), text.strip().isdigit()
    if f is not None and bare_number and (f.kind.input in (InputKind.CHOICE, InputKind.MULTI) or f.type == "text"):
        return False
    if f is not None and f.type == "text" and fold(text) in NAV_WORDS:
        return False
    try:
        return form.answer(text).ok
    except NotOffered:
        return False


# -- buttons of the current question ----------------------------------------------------------
async def on_field_button(ctx: Context, data: FieldButton) -> list[Reply]:
    """Choose, toggle, done, keep, last value, back, skip, and "Sửa câu N" from the review."""
    state = REPORT.load(ctx)
    turn = open_turn(ctx, data.draft, state)
    if not isinstance(turn, Turn):
        return turn
    form = turn.form
    try:
        if isinstance(data, Edit):
            form.goto(data.field)
        elif state is None or state.draft != data.draft or not form.at(data.field):
            return turn.reply(note=STALE_QUESTION)
        else:
            note = _press(turn, data)
            if note:
                return turn.reply(note=note)
    except NotOffered as exc:
        raise Forged(str(exc)) from None
    return turn.reply()


def _press(turn: Turn, data: FieldButton) -> str:
    """Apply one button to the engine; a note to show instead of moving on, or ""."""
    form, outcome = turn.form, OK
    if isinstance(data, Choose):
        outcome = form.answer(Choice(data.option))
    elif isinstance(data, Toggle):
        form.toggle(data.option)
    elif isinstance(data, Done):
        outcome = form.done()
    elif isinstance(data, Keep):
        form.keep()
    elif isinstance(data, Back):
        form.back()
    elif isinstance(data, Skip):
        outcome = form.skip()
    elif isinstance(data, LastValue):
        f = form.current()
        prev = (turn.state.previous or {}).get(f.name) if f is not None else None
        if f is None or not f.kind.numeric or prev is None:
            return "Không có số của kỳ trước."
        outcome = form.answer(str(prev).replace(".", ","))
    return outcome_text(outcome)


async def on_cancel(ctx: Context, state: Optional[ReportState]) -> list[Reply]:
    """/huy in the dialog: leave, keep the draft."""
    ctx.clear_dialog()
    return messages.text(DRAFT_KEPT)


def ask_again(ctx: Context, state: ReportState) -> list[Reply]:
    """The question asked now, again (after a control word typed as its answer)."""
    turn = open_turn(ctx, state.draft, state)
    return turn.reply() if isinstance(turn, Turn) else turn


REPORT: Dialog[ReportState] = Dialog("report", ReportState, action="report.fill", on_cancel=on_cancel,
                                     again=ask_again,
                                     steps={"answer": Step(on_answer, closed=True, accepts=accepts)})
FIELD_BUTTONS = (Choose, Toggle, Done, Keep, LastValue, Back, Skip, Edit)
