"""What the /thongbao dialog keeps between updates (``Notice``) and what its buttons carry."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from core.callbacks import CallbackData
from core.dialogs import DialogData


@dataclass
class Notice(DialogData):
    step: str = "text"
    text: str = ""
    attachment: Optional[dict[str, Any]] = None
    audience: Optional[dict[str, Any]] = None
    label: str = ""
    count: int = 0


@dataclass(frozen=True)
class NoAttachment(CallbackData, prefix="bc", action="na"):
    pass


@dataclass(frozen=True)
class Audience(CallbackData, prefix="bc", action="a"):
    kind: str  # p: my provinces (or the country), c: communes, r: by role, l: communes late for a period


@dataclass(frozen=True)
class ByRole(CallbackData, prefix="bc", action="r"):
    role: str


@dataclass(frozen=True)
class NotReported(CallbackData, prefix="bc", action="l"):
    period: int


@dataclass(frozen=True)
class SendNow(CallbackData, prefix="bc", action="ok"):
    pass


@dataclass(frozen=True)
class Cancel(CallbackData, prefix="bc", action="x"):
    pass
