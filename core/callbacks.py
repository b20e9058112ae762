"""Typed button data (like aiogram's ``CallbackData``): one small dataclass per action.

A feature declares what a button carries::

    @dataclass(frozen=True)
    class Choose(CallbackData, prefix="rp", action="c"):
        draft: int
        field: int
        option: int

``Choose(7, 2, 1).pack()`` gives ``"rp:c:7:2:1"`` (well under Telegram's 64 bytes, checked by
``Button``); ``parse`` turns pressed data back into the dataclass or raises ``BadCallback``
(unknown action, wrong number of parts, a number that is not plain ASCII digits, out of
range). Routing parses before any handler runs, and refuses and audits bad data once
(core/routing.py); handlers get typed values and never split ``":"`` themselves.

Buttons made by one package and handled by another (reminders and the deadlines view offer
"open the report for this period", the report feature handles it) are declared here, so
neither side imports the other.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any, ClassVar, NewType, Optional, Union, get_args, get_origin, get_type_hints

from core.types import MAX_BUTTON_DATA, Button

SEP = ":"
MAX_INT = 2**31 - 1
_DIGITS = re.compile(r"(0|[1-9][0-9]{0,9})")  # ASCII only: "١٢" or "１" is forged, never a number
_TOKEN = re.compile(r"[A-Za-z0-9_\-.]{1,40}")
_REST = re.compile(r"[^\x00-\x1f\x7f]+")  # printable text, ":" included (it is the last field)

# The type of a last field that takes the rest of the data: free text such as folded search
# keywords ("thi dua khen thuong") that may hold spaces or ":"; the 64-byte limit still holds.
Rest = NewType("Rest", str)


class BadCallback(ValueError):
    """Button data that no button of ours could carry (forged, garbled or from an old version)."""


class Forged(Exception):
    """Raised by a handler for parsed data that names something its button never offered
    (an option index past the end, a question that is not asked): audited once by the router,
    which answers ``text`` (default: "this button is old or invalid")."""

    audit = "button.forged"

    def __init__(self, reason: str = "", text: Optional[str] = None) -> None:
        super().__init__(reason)
        self.text = text


class Stale(Forged):
    """Raised for data that was valid once (a page or a document that no longer exists)."""

    audit = "button.stale"


class CallbackData:
    """Base of typed button data; subclasses are frozen dataclasses with int, bool or str fields."""

    prefix: ClassVar[str]
    action: ClassVar[str]
    bad_data_audit: ClassVar[str] = "button.forged"  # how unparsable data with this prefix is audited
    bad_data_refused: ClassVar[bool] = False  # answer bad data with "không có quyền" rather than "nút đã cũ"
    _registry: ClassVar[dict[tuple[str, str], type["CallbackData"]]] = {}

    def __init_subclass__(cls, *, prefix: str = "", action: str = "", **kw: Any) -> None:
        """``action=""``: data is ``prefix:values`` (buttons that predate actions, e.g. ``doc:5``).
        No ``prefix``: a base that only shares fields with its subclasses (never parsed)."""
        super().__init_subclass__(**kw)
        if not prefix and not action:
            return
        if SEP in prefix or SEP in action or not prefix:
            raise ValueError(f"bad callback prefix/action {prefix!r}/{action!r}")
        key = (prefix, action)
        if key in CallbackData._registry:
            raise ValueError(f"callback {prefix}:{action} declared twice")
        cls.prefix, cls.action = prefix, action
        CallbackData._registry[key] = cls

    def pack(self) -> str:
        """``prefix[:action]:values``; trailing ``None`` values (optional ones) are omitted."""
        parts = [self.prefix] + ([self.action] if self.action else [])
        hints = get_type_hints(type(self))
        fields = dataclasses.fields(self)  # type: ignore[arg-type]
        values = [(getattr(self, f.name), hints[f.name] is Rest and f is fields[-1]) for f in fields]
        while values and values[-1][0] is None:
            values.pop()
        parts += [_pack_value(value, rest) for value, rest in values]
        data = SEP.join(parts)
        if len(data.encode()) > MAX_BUTTON_DATA:
            raise ValueError(f"button data over {MAX_BUTTON_DATA} bytes: {data!r}")
        return data

    def button(self, text: str, detail: str = "") -> Button:
        return Button(text, self.pack(), detail)

    @classmethod
    def unpack(cls, values: list[str]) -> "CallbackData":
        hints = get_type_hints(cls)
        fields = dataclasses.fields(cls)  # type: ignore[arg-type]
        required = sum(1 for f in fields if f.default is dataclasses.MISSING)
        if fields and hints[fields[-1].name] is Rest and len(values) > len(fields):
            values = values[:len(fields) - 1] + [SEP.join(values[len(fields) - 1:])]
        if not required <= len(values) <= len(fields):
            raise BadCallback(f"{cls.__name__} takes {required}-{len(fields)} values, got {len(values)}")
        return cls(**{f.name: _parse_value(hints[f.name], v) for f, v in zip(fields, values)})


def _pack_value(value: Any, rest: bool = False) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        if not 0 <= value <= MAX_INT:
            raise ValueError(f"callback number out of range: {value}")
        return str(value)
    text = str(value)
    if not (_REST if rest else _TOKEN).fullmatch(text):
        raise ValueError(f"callback text must be {'printable' if rest else 'a short ASCII token'}: {text!r}")
    return text


def _parse_value(kind: Any, raw: str) -> Any:
    if get_origin(kind) is Union:  # Optional[int]: present values parse as the inner type
        kind = next(k for k in get_args(kind) if k is not type(None))
    if kind is bool:
        if raw not in ("0", "1"):
            raise BadCallback(f"not a flag: {raw!r}")
        return raw == "1"
    if kind is int:
        if not _DIGITS.fullmatch(raw) or int(raw) > MAX_INT:
            raise BadCallback(f"not a number: {raw!r}")
        return int(raw)
    if kind is Rest:
        if not _REST.fullmatch(raw):
            raise BadCallback(f"not printable text: {raw!r}")
        return Rest(raw)
    if not _TOKEN.fullmatch(raw):
        raise BadCallback(f"not a token: {raw!r}")
    return raw


def bad_data_refused(prefix: str) -> bool:
    return any(cls.bad_data_refused for (p, _), cls in CallbackData._registry.items() if p == prefix)


def bad_data_audit(prefix: str) -> str:
    """The audit action for data that does not parse: unknown prefixes are "button.unknown"."""
    kinds = {cls.bad_data_audit for (p, _), cls in CallbackData._registry.items() if p == prefix}
    return kinds.pop() if len(kinds) == 1 else ("button.forged" if kinds else "button.unknown")


def parse(data: str) -> CallbackData:
    """The typed value of pressed button data; BadCallback when no declared button matches."""
    if not data or len(data.encode()) > MAX_BUTTON_DATA:
        raise BadCallback("empty or too long")
    parts = data.split(SEP)
    cls = CallbackData._registry.get((parts[0], parts[1])) if len(parts) >= 2 and parts[1] else None
    if cls is not None:
        return cls.unpack(parts[2:])
    cls = CallbackData._registry.get((parts[0], ""))
    if cls is None:
        raise BadCallback(f"no button {':'.join(parts[:2])!r}")
    return cls.unpack(parts[1:])


# -- buttons shared across features ---------------------------------------------------------
REPORT_BUTTON_TEXT = "Làm báo cáo ngay"


@dataclasses.dataclass(frozen=True)
class OpenPeriod(CallbackData, prefix="rp", action="o"):
    """Opens the /baocao dialog for a period (handled by handlers/report/entry.py)."""

    period: int


def report_button(period_id: int, text: str = REPORT_BUTTON_TEXT, detail: str = "") -> Button:
    return OpenPeriod(period_id).button(text, detail)


# Directive browsing (handlers/directives/documents.py) — also offered by Q&A answers and /tim results.
@dataclasses.dataclass(frozen=True)
class DocumentList(CallbackData, prefix="vb"):
    page: int
    bad_data_audit: ClassVar[str] = "button.stale"  # lists live long in a chat: old, not forged


@dataclasses.dataclass(frozen=True)
class OpenDocument(CallbackData, prefix="doc"):
    document: int
    page: Optional[int] = None  # None: the first page, and a shorter link
    bad_data_audit: ClassVar[str] = "button.stale"


@dataclasses.dataclass(frozen=True)
class OpenSection(CallbackData, prefix="sec"):
    section: int
    page: Optional[int] = None
    bad_data_audit: ClassVar[str] = "button.stale"


@dataclasses.dataclass(frozen=True)
class CampaignList(CallbackData, prefix="pt"):
    page: int
    bad_data_audit: ClassVar[str] = "button.stale"


# The emulation year: reminders offer "open the commune's score sheet" (handlers/emulation).
@dataclasses.dataclass(frozen=True)
class OpenSheet(CallbackData, prefix="cd", action="o"):
    """Open (or resume) the commune's sheet of a scoring period."""

    period: int


# Đề nghị khen thưởng: reminders of a missing document offer "open the dossier" (handlers/awards).
@dataclasses.dataclass(frozen=True)
class ShowDossier(CallbackData, prefix="dn", action="v"):
    nomination: int
