"""Choice field types: yes/no, one choice, several choices (with exclusive choices).

A choice marked ``exclusive`` in the form ("Chưa phát hiện") cannot be ticked together with
another one: ticking it clears the others, ticking another clears it, and a typed list that
combines them is refused with the reason. Where choices are numbered, a typed ``1,2`` or
``1 2`` picks them by number.
"""

from __future__ import annotations

import re
from typing import Any, Optional

from store.forms.field_base import AnswerError, Field, FieldType, Question
from store.vn.text import fold

YES_WORDS = {"co", "có", "yes", "y", "c", "rồi", "roi", "da", "đã", "dong y", "đồng ý", "1"}
NO_WORDS = {"khong", "không", "ko", "k", "no", "n", "chua", "chưa", "0"}
_NUMBERS = re.compile(r"[0-9]+(?:\s*[,;\s]\s*[0-9]+)*")  # ASCII digits only: "1,2", "1 2", "1; 3"


class YesNoType(FieldType):
    name = "yesno"
    input = "choice"
    OPTIONS = ["Có", "Không"]

    def instruction(self, f: Field) -> str:
        return "Bấm Có hoặc Không."

    def question(self, f: Field) -> Question:
        q = super().question(f)
        q.options = list(self.OPTIONS)
        return q

    def parse(self, f: Field, text: str) -> Any:
        word = " ".join((text or "").lower().split())
        if word in YES_WORDS or fold(word) in YES_WORDS:
            return True
        if word in NO_WORDS or fold(word) in NO_WORDS:
            return False
        raise AnswerError("Vui lòng bấm Có hoặc Không.")

    def from_option(self, f: Field, index: int) -> Any:
        return index == 0

    def valid(self, f: Field, value: Any) -> bool:
        return value is None or isinstance(value, bool)

    def format(self, f: Field, value: Any) -> str:
        return "" if value is None else ("Có" if value else "Không")


def _choice_index(f: Field, typed: str) -> Optional[int]:
    """The choice a typed word names: its number (ASCII digits) or its text without diacritics."""
    folded = fold(typed)
    for i, choice in enumerate(f.choices):
        if folded == fold(choice) or (typed.isascii() and typed == str(i + 1)):
            return i
    return None


class SelectOneType(FieldType):
    name = "select_one"
    input = "choice"
    needs_choices = True

    def instruction(self, f: Field) -> str:
        return "Bấm một lựa chọn."

    def parse(self, f: Field, text: str) -> Any:
        index = _choice_index(f, " ".join((text or "").split()))
        if index is None:
            raise AnswerError("Vui lòng bấm một trong các lựa chọn bên dưới.")
        return f.choices[index]

    def from_option(self, f: Field, index: int) -> Any:
        return f.choices[index]

    def valid(self, f: Field, value: Any) -> bool:
        return value is None or value in f.choices


class SelectMultipleType(FieldType):
    name = "select_multiple"
    input = "multi"
    needs_choices = True

    def instruction(self, f: Field) -> str:
        return "Bấm để chọn (bấm lại để bỏ), chọn xong bấm “Xong”. Có thể gõ số thứ tự, ví dụ 1,3."

    def parse(self, f: Field, text: str) -> Any:
        """A typed list: numbers (``1,2`` / ``1 2``) or choice texts separated by commas."""
        typed = " ".join((text or "").split())
        if _NUMBERS.fullmatch(typed):
            numbers = [int(n) for n in re.findall(r"[0-9]+", typed)]
            if any(not 1 <= n <= len(f.choices) for n in numbers):
                raise AnswerError(f"Chỉ có lựa chọn từ 1 đến {len(f.choices)}.")
            picked = sorted({n - 1 for n in numbers})
        else:
            found = [_choice_index(f, part.strip()) for part in re.split(r"[,;]", typed) if part.strip()]
            if not found or any(i is None for i in found):
                raise AnswerError("Vui lòng bấm các lựa chọn bên dưới rồi bấm “Xong” (hoặc gõ số thứ tự, ví dụ 1,3).")
            picked = sorted({i for i in found if i is not None})
        return self.selection(f, picked)

    def selection(self, f: Field, picked: list[int]) -> Optional[list[str]]:
        """The answer for the ticked options; an exclusive choice with others is refused."""
        chosen = [f.choices[i] for i in sorted(set(picked)) if 0 <= i < len(f.choices)]
        alone = [c for c in chosen if c in f.exclusive]
        if alone and len(chosen) > 1:
            raise AnswerError(f"“{alone[0]}” không chọn cùng các mục khác. Vui lòng chọn lại.")
        return chosen or None

    def toggle(self, f: Field, selected: list[int], option: int) -> list[int]:
        """Tick or untick ``option``; an exclusive choice clears the others and is cleared by them."""
        chosen = set(selected)
        if option in chosen:
            return sorted(chosen - {option})
        if f.choices[option] in f.exclusive:
            return [option]
        return sorted({i for i in chosen if f.choices[i] not in f.exclusive} | {option})

    def valid(self, f: Field, value: Any) -> bool:
        if value is None:
            return True
        if not isinstance(value, list) or not value or len(set(value)) != len(value):
            return False
        if any(v not in f.choices for v in value):
            return False
        return not (len(value) > 1 and any(v in f.exclusive for v in value))

    def format(self, f: Field, value: Any) -> str:
        return "" if not value else "; ".join(value)
