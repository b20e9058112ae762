"""The report dialog words every outcome of the form engine, in Vietnamese."""

from __future__ import annotations

from handlers.report.outcome_text import outcome_text
from store.forms.outcome import OK, Outcome, Status
from tests.textcheck import problems


def test_every_refusal_has_words_and_ok_has_none() -> None:
    assert outcome_text(OK) == ""
    for status in Status:
        if status in (Status.OK, Status.CONSTRAINT):
            continue
        text = outcome_text(Outcome(status))
        assert text and len(text) < 200, status
        assert problems(text) == [], status
    assert outcome_text(Outcome(Status.CONSTRAINT, "Vui lòng nhập số từ 0 đến 19.")) == "Vui lòng nhập số từ 0 đến 19."
