"""Buttons of /dangkythidua, /dangky and /giaouoc (issue 16A) as typed data.

``dk:`` the registration dialog and the registrations list. ``round`` is the registration
round's id and ``nonce`` the dialog's start (seconds): a button of an earlier dialog, or a
second tap after sending, names a nonce that no longer exists and is stale, never a second send.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from core.callbacks import CallbackData


@dataclass(frozen=True)
class RegButton(CallbackData):
    """Fields shared by the dialog's buttons (not a button itself)."""

    nonce: int


@dataclass(frozen=True)
class ToggleTitle(RegButton, prefix="dk", action="t"):
    """A title of the catalogue picked or unpicked (its position in the catalogue)."""

    index: int


@dataclass(frozen=True)
class RegNext(RegButton, prefix="dk", action="n"):
    """"Tiếp" after the titles, and "Xong chỉ tiêu" after the targets."""


@dataclass(frozen=True)
class ClearTargets(RegButton, prefix="dk", action="c"):
    """"Nhập lại chỉ tiêu": the targets typed so far are dropped."""


@dataclass(frozen=True)
class RegEdit(RegButton, prefix="dk", action="e"):
    """From the review screen back to a step: 0 titles, 1 targets, 2 the signed page."""

    part: int


@dataclass(frozen=True)
class RegSubmit(RegButton, prefix="dk", action="g"):
    """"Gửi đăng ký": submitted once."""


@dataclass(frozen=True)
class RegList(CallbackData, prefix="dk", action="l"):
    """The registrations of a round (a bloc's, or the whole province's)."""

    round: int
    bloc: Optional[int] = None


@dataclass(frozen=True)
class RegExport(CallbackData, prefix="dk", action="x"):
    """The province's registrations as XLSX."""

    round: int
