"""Field types of report forms, in one registry (pyxform style).

Each type knows how to check its definition, parse and validate a typed answer, describe its
question and format its value for people and for spreadsheets. Answers are stored as JSON:
text → str, integer → int, decimal → float, yesno → bool, select_one → str (the choice),
select_multiple → list[str], date → "YYYY-MM-DD", photo → list of {"file": id, "path": rel},
location → {"lat": float, "lon": float}.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Optional


from store import relevant as rel
from store.vntext import fold
from store.vn_numbers import NumberFormatError, format_date, format_number, parse_date, parse_number

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

    def format(self, f: Field, value: Any) -> str:
        return "" if value is None else str(value)

    def cell(self, f: Field, value: Any) -> Any:
        """The value as a spreadsheet cell."""
        return self.format(f, value) if value is not None else None


class TextType(FieldType):
    name = "text"


def _range_text(f: Field) -> str:
    lo = format_number(f.min) if f.min is not None else None
    hi = format_number(f.max) if f.max is not None else None
    if lo is not None and hi is not None:
        return f"từ {lo} đến {hi}"
    if lo is not None:
        return f"từ {lo} trở lên"
    if hi is not None:
        return f"không quá {hi}"
    return ""


class IntegerType(FieldType):
    name = "integer"
    numeric = ordered = allows_range = True

    def rule(self, f: Field) -> str:
        return " ".join(x for x in ("Vui lòng nhập số", _range_text(f)) if x)

    def instruction(self, f: Field) -> str:
        rng = _range_text(f)
        example = ", ví dụ 1.250" if f.max is None or f.max >= 1250 else ""
        return f"Gõ một số{(' ' + rng) if rng else ''}{example}."

    def _number(self, f: Field, text: str) -> tuple[Decimal, bool]:
        try:
            return parse_number(text)
        except NumberFormatError:
            raise AnswerError(f"Chưa đọc được số “{(text or '').strip()[:30]}”. {self.rule(f)}.") from None

    def _in_range(self, f: Field, value: Decimal) -> None:
        if (f.min is not None and value < Decimal(str(f.min))) or (f.max is not None and value > Decimal(str(f.max))):
            raise AnswerError(f"{self.rule(f)}.")

    def parse(self, f: Field, text: str) -> Any:
        value, percent = self._number(f, text)
        if percent:
            raise AnswerError(f"Câu này không nhận dấu %. {self.rule(f)}.")
        if value != value.to_integral_value():
            raise AnswerError(f"Câu này cần số nguyên (không có phần lẻ). {self.rule(f)}.")
        self._in_range(f, value)
        return int(value)

    def format(self, f: Field, value: Any) -> str:
        return "" if value is None else format_number(value)

    def cell(self, f: Field, value: Any) -> Any:
        return value


class DecimalType(IntegerType):
    name = "decimal"

    def instruction(self, f: Field) -> str:
        rng = _range_text(f)
        return f"Gõ một số{(' ' + rng) if rng else ''}, ví dụ 12,5."

    def parse(self, f: Field, text: str) -> Any:
        value, _percent = self._number(f, text)  # "12.5%" is fine where the answer is a number
        self._in_range(f, value)
        return float(value)


YES_WORDS = {"co", "có", "yes", "y", "c", "rồi", "roi", "da", "đã", "dong y", "đồng ý", "1"}
NO_WORDS = {"khong", "không", "ko", "k", "no", "n", "chua", "chưa", "0"}


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

    def format(self, f: Field, value: Any) -> str:
        return "" if value is None else ("Có" if value else "Không")


class SelectOneType(FieldType):
    name = "select_one"
    input = "choice"
    needs_choices = True

    def instruction(self, f: Field) -> str:
        return "Bấm một lựa chọn."

    def parse(self, f: Field, text: str) -> Any:
        typed = fold(" ".join((text or "").split()))
        for i, choice in enumerate(f.choices):
            if typed == fold(choice) or typed == str(i + 1):
                return choice
        raise AnswerError("Vui lòng bấm một trong các lựa chọn bên dưới.")

    def from_option(self, f: Field, index: int) -> Any:
        return f.choices[index]


class SelectMultipleType(FieldType):
    name = "select_multiple"
    input = "multi"
    needs_choices = True

    def instruction(self, f: Field) -> str:
        return "Bấm để chọn (bấm lại để bỏ), chọn xong bấm “Xong”."

    def parse(self, f: Field, text: str) -> Any:
        raise AnswerError("Vui lòng bấm các lựa chọn bên dưới rồi bấm “Xong”.")

    def format(self, f: Field, value: Any) -> str:
        return "" if not value else "; ".join(value)


class DateType(FieldType):
    name = "date"
    ordered = True

    def instruction(self, f: Field) -> str:
        return "Gõ ngày theo dạng ngày/tháng/năm, ví dụ 30/6/2026."

    def parse(self, f: Field, text: str) -> Any:
        d = parse_date(text)
        if d is None:
            raise AnswerError("Chưa đọc được ngày. Vui lòng gõ ngày/tháng/năm, ví dụ 30/6/2026.")
        return d.isoformat()

    def format(self, f: Field, value: Any) -> str:
        return "" if value is None else format_date(date.fromisoformat(value))

    def cell(self, f: Field, value: Any) -> Any:
        return None if value is None else date.fromisoformat(value)


class PhotoType(FieldType):
    name = "photo"
    input = "photo"

    def instruction(self, f: Field) -> str:
        return "Gửi ảnh (có thể gửi nhiều ảnh), gửi xong bấm “Xong”."

    def parse(self, f: Field, text: str) -> Any:
        raise AnswerError("Câu này cần ảnh: anh/chị bấm biểu tượng ghim 📎 để gửi ảnh.")

    def format(self, f: Field, value: Any) -> str:
        return "" if not value else f"{len(value)} ảnh"

    def cell(self, f: Field, value: Any) -> Any:
        return None if not value else "\n".join(item["path"] for item in value)


class LocationType(FieldType):
    name = "location"
    input = "location"

    def instruction(self, f: Field) -> str:
        return "Bấm nút “Gửi vị trí” bên dưới (hoặc gõ vĩ độ, kinh độ, ví dụ 21.39, 103.42)."

    def parse(self, f: Field, text: str) -> Any:
        parts = [p for p in (text or "").replace(";", " ").replace(",", " ").split() if p]
        try:
            lat, lon = (float(p) for p in parts)
        except ValueError:
            raise AnswerError("Vui lòng bấm “Gửi vị trí” hoặc gõ vĩ độ, kinh độ, ví dụ 21.39, 103.42.") from None
        return self.value(lat, lon)

    def value(self, lat: float, lon: float) -> Any:
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise AnswerError("Vị trí không hợp lệ: vĩ độ từ -90 đến 90, kinh độ từ -180 đến 180.")
        return {"lat": round(lat, 6), "lon": round(lon, 6)}

    def format(self, f: Field, value: Any) -> str:
        return "" if not value else f"{value['lat']:.5f}, {value['lon']:.5f}"


FIELD_TYPES: dict[str, FieldType] = {t.name: t for t in (
    TextType(), IntegerType(), DecimalType(), YesNoType(), SelectOneType(), SelectMultipleType(),
    DateType(), PhotoType(), LocationType(),
)}
