"""A note on one criterion of a draft sheet, typed after its score (beside ``store.emulation.sheets``,
which saves scores through the engine)."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy.orm import Session

from store.models import Sheet

MAX_NOTE = 500


def set_note(session: Session, sheet: Sheet, code: str, note: str, officer_id: Optional[int], now: datetime) -> bool:
    """Replace the note of a scored criterion of a draft; False when it is not scored or not a draft."""
    if sheet.submitted_at is not None or code not in (sheet.answers or {}):
        return False
    answers = {k: dict(v) for k, v in sheet.answers.items()}
    answers[code]["note"] = " ".join(note.split())[:MAX_NOTE]
    sheet.answers = answers  # a new dict: the JSON column sees the change
    sheet.updated_by, sheet.updated_at = officer_id, now
    session.flush()
    return True
