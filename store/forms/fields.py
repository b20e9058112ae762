"""Field types of report forms, in one registry (pyxform style).

Each type knows how to check its definition, parse and validate a typed answer, describe its
question and format its value for people and for spreadsheets. Answers are stored as JSON:
text → str, integer → int, decimal → float, yesno → bool, select_one → str (the choice),
select_multiple → list[str], date → "YYYY-MM-DD", photo → list of {"file": id, "path": rel},
location → {"lat": float, "lon": float}. The shared parts live in store.forms.field_base, the
choice types in store.forms.choices; this module assembles the registry.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from store.forms.choices import SelectMultipleType, SelectOneType, YesNoType
from store.forms.field_base import FIELD_TYPES, MAX_TEXT_ANSWER, AnswerError, Field, FieldType, Question, register
from store.vn.numbers import NumberFormatError, format_date, format_number, parse_date, parse_number
from store.vn.text import fold

__all__ = ["FIELD_TYPES", "MAX_TEXT_ANSWER", "AnswerError", "Field", "FieldType", "Question", "fold",
           "SelectMultipleType", "SelectOneType", "YesNoType"]


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

    def valid(self, f: Field, value: Any) -> bool:
        if value is None:
            return True
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return False
        if self.name == "integer" and not isinstance(value, int):
            return False
        return (f.min is None or value >= f.min) and (f.max is None or value <= f.max)

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

    def valid(self, f: Field, value: Any) -> bool:
        if value is None:
            return True
        try:
            return isinstance(value, str) and date.fromisoformat(value).isoformat() == value
        except ValueError:
            return False

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

    def valid(self, f: Field, value: Any) -> bool:
        return value is None or (isinstance(value, list) and all(isinstance(v, dict) and "path" in v for v in value))

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
            # Neutral: Zalo and the console have no "Gửi vị trí" button; Telegram's question says so.
            raise AnswerError("Chưa đọc được vị trí. Anh/chị gõ vĩ độ, kinh độ, ví dụ 21.03, 105.85.") from None
        return self.value(lat, lon)

    def value(self, lat: float, lon: float) -> Any:
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise AnswerError("Vị trí không hợp lệ: vĩ độ từ -90 đến 90, kinh độ từ -180 đến 180.")
        return {"lat": round(lat, 6), "lon": round(lon, 6)}

    def valid(self, f: Field, value: Any) -> bool:
        if value is None:
            return True
        return isinstance(value, dict) and set(value) == {"lat", "lon"} and -90 <= value["lat"] <= 90 \
            and -180 <= value["lon"] <= 180

    def format(self, f: Field, value: Any) -> str:
        return "" if not value else f"{value['lat']:.5f}, {value['lon']:.5f}"


register(
    TextType(), IntegerType(), DecimalType(), YesNoType(), SelectOneType(), SelectMultipleType(),
    DateType(), PhotoType(), LocationType(),
)
