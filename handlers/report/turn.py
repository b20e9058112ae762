"""One update's work on a report draft (``Turn``) and the report dialog's typed state.

Shared by the answer handlers (handlers/report/answer.py) and the photo step
(handlers/report/photos.py), so neither imports the other for the type.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from core.choices import BUTTONLESS_CHANNELS
from core.context import Context
from core.dialogs import Dialog, DialogData
from core.types import Reply
from handlers.report import view
from store.forms.engine import REVIEW, FormSession
from store.models import Draft, Period
from store.reporting.reports import previous_values, save_answers


@dataclass
class ReportState(DialogData):
    step: str = "answer"
    draft: int = 0
    period: int = 0
    field: int = REVIEW
    edit: bool = False
    selected: Optional[list[int]] = None
    previous: Optional[dict[str, Any]] = None  # last period's numeric answers, by field name
    legacy_keys = {"d": "draft", "p": "period", "f": "field", "sel": "selected", "prev": "previous"}


@dataclass
class Turn:
    """One update's work on a draft: loaded once, changed in the engine, saved once by ``reply``."""

    ctx: Context
    dialog: Dialog[ReportState]  # the report dialog (handlers/report/answer.py), which saves ``state``
    state: ReportState
    draft: Draft
    period: Period
    form: FormSession

    def reply(self, note: str = "") -> list[Reply]:
        ctx, form, st = self.ctx, self.form, self.state
        if form.changed:
            save_answers(self.draft, form.answers, ctx.officer.id if ctx.officer else None, ctx.now)
            form.changed = False
        st.draft, st.period, st.field, st.edit, st.selected = (
            self.draft.id, self.period.id, form.index, form.edit, form.selected)
        f = form.current()
        previous = None
        if f is not None and f.kind.numeric:
            if st.previous is None:
                st.previous = _previous_numbers(ctx, self.draft, self.period)
            previous = st.previous.get(f.name)
        self.dialog.save(ctx, st)
        if f is None:
            return [view.review(form, self.draft, self.period, note=note)]
        return view.question(form, self.draft, note=note, previous=previous,
                             buttonless=ctx.user.channel in BUTTONLESS_CHANNELS)


def _previous_numbers(ctx: Context, draft: Draft, period: Period) -> dict[str, Any]:
    values = previous_values(ctx.session, period, draft.commune_code)
    return {k: v for k, v in values.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
