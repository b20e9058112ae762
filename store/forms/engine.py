"""A pure form engine (as ODK JavaRosa's FormEntryController): validation, skip logic, navigation.

``FormSession(spec, answers, index)`` walks a form one question at a time with no database and
no channel: the report dialog (handlers/report/) loads a draft once, replays the user's
input here (``answer``, ``toggle``, ``done``, ``back``, ``skip``, ``keep``, ``goto``), then
saves ``answers`` and the position once. Invariants (tests/store/forms/test_engine.py):

- the current question is always relevant (``relevant`` skip logic, as in XLSForm);
- navigation (``back``, ``goto``) never changes an answer;
- every stored answer is valid for its field (``FieldType.valid``);
- an answer change that makes questions irrelevant drops their answers, so questions that
  become relevant again are asked again instead of silently keeping an old value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Optional, Union

from store.forms import relevant as rel
from store.forms.choices import SelectMultipleType, SelectOneType, YesNoType
from store.forms.fields import AnswerError, Field, LocationType
from store.forms.spec import FormSpec

REVIEW = -1  # the position of the summary shown before sending

REVIEW_HINT = "Anh/chị bấm “Gửi” để nộp, “Sửa câu N” (hoặc gõ số N) để sửa, hoặc /huy để tạm dừng."


class NotOffered(ValueError):
    """Input the current question never offered (a forged or stale button)."""


@dataclass(frozen=True)
class Choice:
    """A button of a one-choice question (yes/no or select_one), by option index."""

    option: int


@dataclass(frozen=True)
class Point:
    latitude: float
    longitude: float


@dataclass(frozen=True)
class Files:
    """Photos already stored by the caller, added to the current photo question."""

    items: tuple[dict[str, Any], ...]


Input = Union[str, Choice, Point, Files]


# -- skip logic (pure functions of a spec and answers) ----------------------------------
def relevant_fields(spec: FormSpec, answers: dict[str, Any]) -> list[Field]:
    """Questions whose condition holds, evaluated in order over the relevant answers before them."""
    seen: dict[str, Any] = {}
    fields: list[Field] = []
    for f in spec.fields:
        if f.condition is not None and not rel.evaluate(f.condition, seen):
            continue
        fields.append(f)
        if f.name in answers:
            seen[f.name] = answers[f.name]
    return fields


def effective_answers(spec: FormSpec, answers: dict[str, Any]) -> dict[str, Any]:
    """The answers of relevant questions only (irrelevant ones count as blank)."""
    return {f.name: answers[f.name] for f in relevant_fields(spec, answers) if f.name in answers}


def is_relevant(spec: FormSpec, f: Field, answers: dict[str, Any]) -> bool:
    return any(x.name == f.name for x in relevant_fields(spec, answers))


def next_unanswered(spec: FormSpec, answers: dict[str, Any], after: int = -1) -> Optional[Field]:
    """The first relevant question after position ``after`` with no answer (skips count as answers)."""
    return next((f for f in relevant_fields(spec, answers) if f.index > after and f.name not in answers), None)


def previous_field(spec: FormSpec, answers: dict[str, Any], before: int) -> Optional[Field]:
    earlier = [f for f in relevant_fields(spec, answers) if f.index < before]
    return earlier[-1] if earlier else None


def missing_required(spec: FormSpec, answers: dict[str, Any]) -> list[Field]:
    return [f for f in relevant_fields(spec, answers) if f.required and answers.get(f.name) in (None, [], "")]


def maybe_asked(spec: FormSpec, answers: dict[str, Any]) -> list[Field]:
    """Questions that are or may still become relevant (their condition waits on unanswered ones)."""
    relevant = {f.name for f in relevant_fields(spec, answers)}

    def pending(f: Field) -> bool:  # its condition waits on an unanswered question
        return f.condition is not None and any(c.name not in answers for c in rel.names(f.condition))

    return [f for f in spec.fields if f.name in relevant or pending(f)]


# -- the session ---------------------------------------------------------------------------
class FormSession:
    """One walk through a form: the answers so far and the question being asked (or the review)."""

    def __init__(self, spec: FormSpec, answers: dict[str, Any], index: Optional[int] = None, *,
                 edit: bool = False, selected: Optional[list[int]] = None) -> None:
        self.spec = spec
        self.answers = dict(answers)
        self.edit = edit  # editing from the review: after an answer, back to the first gap or the review
        self.changed = False  # an answer was recorded (the caller saves the draft)
        self.index = REVIEW
        self.selected: Optional[list[int]] = None  # ticked options of the multiple-choice question asked
        self._move(self.resume_point() if index is None else index)
        if selected is not None and self.selected is not None:
            self.selected = sorted({i for i in selected if 0 <= i < len(self.spec.fields[self.index].choices)})

    # -- where we are ------------------------------------------------------------------
    def current(self) -> Optional[Field]:
        """The question to ask, or None for the review."""
        return None if self.index == REVIEW else self.spec.fields[self.index]

    def at(self, index: int) -> bool:
        return self.index == index

    def relevant(self) -> list[Field]:
        return relevant_fields(self.spec, self.answers)

    def resume_point(self) -> int:
        gap = next_unanswered(self.spec, self.answers)
        return gap.index if gap else REVIEW

    def number(self) -> tuple[int, int]:
        """("Câu n/total"): the current question's place among those that are or may be asked."""
        fields = maybe_asked(self.spec, self.answers)
        f = self.current()
        n = next((i for i, x in enumerate(fields, 1) if f is not None and x.name == f.name), self.index + 1)
        return n, len(fields)

    def review(self) -> list[Field]:
        """The relevant questions, numbered from 1 on the review screen (answered or not)."""
        return self.relevant()

    def missing_required(self) -> list[Field]:
        return missing_required(self.spec, self.answers)

    # -- navigation (never changes an answer) ---------------------------------------------
    def goto(self, index: int, *, edit: bool = True) -> None:
        """"Sửa câu N": ask a relevant question; then come back to the review."""
        if not 0 <= index < len(self.spec.fields) or not is_relevant(self.spec, self.spec.fields[index], self.answers):
            raise NotOffered(f"question {index} is not asked")
        self.edit = edit
        self._move(index)

    def open_review(self) -> None:
        self._move(REVIEW)

    def back(self) -> None:
        before = previous_field(self.spec, self.answers, self.index) if self.index != REVIEW else None
        if before is not None:
            self._move(before.index)

    # -- input ------------------------------------------------------------------------
    def answer(self, value: Input) -> None:
        """Record an answer to the current question and move on; AnswerError keeps it asked."""
        f = self.current()
        if f is None:
            self._review_input(value)
            return
        if isinstance(value, Files):
            if f.type != "photo":
                raise AnswerError("Câu này không cần ảnh.")
            self._record(f, list(self.answers.get(f.name) or []) + list(value.items))
            return  # more photos may follow: the question stays until "Xong"
        self._record(f, self._parse(f, value))
        self._advance(f.index)

    def toggle(self, option: int) -> None:
        f = self.current()
        if f is None or not isinstance(f.kind, SelectMultipleType) or not 0 <= option < len(f.choices):
            raise NotOffered(f"option {option} is not offered")
        self.selected = f.kind.toggle(f, self.selected or [], option)

    def done(self) -> None:
        """"Xong" on a multiple-choice or photo question."""
        f = self.current()
        if f is None:
            return
        if isinstance(f.kind, SelectMultipleType):
            value = f.kind.selection(f, self.selected or [])
            if value is None and f.required:
                raise AnswerError("Vui lòng chọn ít nhất một mục rồi bấm “Xong”.")
            self._record(f, value)
        elif f.type == "photo":
            if not self.answers.get(f.name):
                if f.required:
                    raise AnswerError("Vui lòng gửi ít nhất một ảnh.")
                self._record(f, None)
        else:
            return
        self._advance(f.index)

    def keep(self) -> None:
        """"Giữ nguyên": the answer stands; go on as after answering."""
        f = self.current()
        if f is not None and f.name in self.answers:
            self._advance(f.index)

    def skip(self) -> None:
        f = self.current()
        if f is None:
            return
        if f.required:
            raise AnswerError("Câu này bắt buộc, không bỏ qua được.")
        self._record(f, None)
        self._advance(f.index)

    # -- internals ----------------------------------------------------------------------
    def _parse(self, f: Field, value: Union[str, Choice, Point]) -> Any:
        kind = f.kind
        if isinstance(value, Choice):
            options = kind.question(f).options
            # The two types whose input is "choice": one button, one answer.
            if not isinstance(kind, (YesNoType, SelectOneType)) or not 0 <= value.option < len(options):
                raise NotOffered(f"option {value.option} is not offered")
            return kind.from_option(f, value.option)
        if isinstance(value, Point):
            if not isinstance(kind, LocationType):  # the type of a "location" field
                raise AnswerError("Câu này không cần vị trí.")
            return kind.value(value.latitude, value.longitude)
        return kind.parse(f, value)

    def _review_input(self, value: Input) -> None:
        """On the review a typed number N edits question N (the number shown beside it)."""
        text = value.strip() if isinstance(value, str) else ""
        fields = self.review()
        if re.fullmatch(r"[0-9]{1,3}", text) and 1 <= int(text) <= len(fields):
            self.goto(fields[int(text) - 1].index)
            return
        raise AnswerError(REVIEW_HINT)

    def _record(self, f: Field, value: Any) -> None:
        if not f.kind.valid(f, value):
            raise AnswerError("Câu trả lời không hợp lệ, anh/chị vui lòng trả lời lại.")
        answers = {**self.answers, f.name: value}
        relevant = {x.name for x in relevant_fields(self.spec, answers)}
        self.answers = {k: v for k, v in answers.items() if k in relevant or self.spec.field(k) is None}
        self.changed = True

    def _advance(self, after: int) -> None:
        if not self.edit:
            later = next((f for f in self.relevant() if f.index > after), None)
            if later is not None:
                self._move(later.index)
                return
        self._move(self.resume_point())

    def _move(self, index: int) -> None:
        fields = self.spec.fields
        if index != REVIEW and (not 0 <= index < len(fields) or not is_relevant(self.spec, fields[index], self.answers)):
            index = self.resume_point()  # never ask an irrelevant (or unknown) question
        self.index = index
        f = self.current()
        self.selected = None
        if f is not None and isinstance(f.kind, SelectMultipleType):
            chosen = self.answers.get(f.name) or []
            self.selected = [i for i, c in enumerate(f.choices) if c in chosen]
