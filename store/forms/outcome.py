"""What the form engine made of one input, as data (JavaRosa's ``FormEntryController`` answers
``ANSWER_OK``, ``ANSWER_REQUIRED_BUT_EMPTY``, ``ANSWER_CONSTRAINT_VIOLATED`` the same way).

The engine never words a reply: the report dialog turns each status into Vietnamese
(handlers/report/outcome_text.py). A field type's own rule ("số từ 0 đến 19", "ngày/tháng/năm")
comes with ``CONSTRAINT`` as ``message``, as a form's constraint message does in XLSForm.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    OK = "ok"  # recorded (and moved on, or still on a photo question for more photos)
    CONSTRAINT = "constraint"  # the field type refused the input: ``message`` states its rule
    REQUIRED = "required"  # "Bỏ qua" on a required question
    NONE_CHOSEN = "none_chosen"  # "Xong" on a required multiple choice with nothing ticked
    NO_PHOTO = "no_photo"  # "Xong" on a required photo question with no photo yet
    NOT_PHOTO_QUESTION = "not_photo_question"  # photos sent where the question wants something else
    NOT_LOCATION_QUESTION = "not_location_question"  # a location sent where the question wants something else
    NOT_A_QUESTION_NUMBER = "not_a_question_number"  # text on the review that names no question
    INVALID = "invalid"  # a value the field could never have produced (a stale or forged state)


@dataclass(frozen=True)
class Outcome:
    status: Status
    message: str = ""  # CONSTRAINT only: the field type's rule, in the form's language

    @property
    def ok(self) -> bool:
        return self.status is Status.OK


OK = Outcome(Status.OK)
