"""The parts every report field type shares: the typed field, its question, the answer error.

The types themselves (store.forms.fields, store.forms.choices) register in ``FIELD_TYPES``, the
one registry that form loading (store.forms.spec), the form engine (store.forms.engine), the views
and the exports look types up in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from store.forms import relevant as rel

MAX_TEXT_ANSWER = 2000


class AnswerError(ValueError):
    """An answer that breaks the field's rule; the message (Vietnamese) states the rule."""


@dataclass
class Field:
    """One question of a form, validated."""

    name: str
    type: str
    label: str
    index: int  # 0-based position in the form
    hint: str = ""
    required: bool = True
    min: Optional[float] = None
    max: Optional[float] = None
    choices: list[str] = field(default_factory=list)
    relevant: Optional[str] = None
    condition: Optional[rel.Node] = None
    exclusive: list[str] = field(default_factory=list)  # choices that cannot be ticked with others

    @property
    def kind(self) -> "FieldType":
        return FIELD_TYPES[self.type]


@dataclass
class Question:
    """How a question is asked: its text and the input it expects."""

    text: str
    input: str  # "text", "choice", "multi", "photo", "location"
    options: list[str] = field(default_factory=list)


class FieldType:
    """Base: free text answers; subclasses override what differs."""

    name = "text"
    input = "text"
    numeric = False
    ordered = False  # <, <= ... make sense in ``relevant``
    allows_range = False
    needs_choices = False

    def check(self, f: Field) -> list[str]:
        """Problems in the field definition beyond the common keys."""
        return []

    def instruction(self, f: Field) -> str:
        return "Anh/chị gõ câu trả lời."

    def question(self, f: Field) -> Question:
        lines = [f.label]
        if f.hint:
            lines.append(f"({f.hint})")
        lines.append(self.instruction(f))
        return Question("\n".join(lines), self.input, list(f.choices))

    def parse(self, f: Field, text: str) -> Any:
        value = " ".join((text or "").split())
        if not value:
            raise AnswerError("Câu trả lời đang trống. Anh/chị vui lòng gõ nội dung.")
        if len(value) > MAX_TEXT_ANSWER:
            raise AnswerError(f"Câu trả lời dài quá, vui lòng rút gọn dưới {MAX_TEXT_ANSWER} ký tự.")
        return value

    def valid(self, f: Field, value: Any) -> bool:
        """True when ``value`` is a stored answer this field could have produced (None: skipped)."""
        return value is None or (isinstance(value, str) and 0 < len(value) <= MAX_TEXT_ANSWER)

    def format(self, f: Field, value: Any) -> str:
        return "" if value is None else str(value)

    def cell(self, f: Field, value: Any) -> Any:
        """The value as a spreadsheet cell."""
        return self.format(f, value) if value is not None else None


FIELD_TYPES: dict[str, FieldType] = {}


def register(*types: FieldType) -> None:
    for t in types:
        FIELD_TYPES[t.name] = t
