"""The report dialog's buttons as typed data (core/callbacks.py): ``rp:<action>:<numbers>``.

Numbers only (draft, question and option indexes, period or report ids), well under
Telegram's 64 bytes. The router parses them and checks the declared action before a handler
runs; handlers still check every id against the officer (buttons are not permissions).
"""

from __future__ import annotations

from dataclasses import dataclass

from core.callbacks import CallbackData, OpenPeriod

__all__ = ["OpenPeriod"]  # "rp:o" is shared with reminders (core.callbacks)


@dataclass(frozen=True)
class Resume(CallbackData, prefix="rp", action="r"):
    draft: int
    keep: bool


@dataclass(frozen=True)
class Send(CallbackData, prefix="rp", action="g"):
    draft: int
    period: int


@dataclass(frozen=True)
class Discard(CallbackData, prefix="rp", action="x"):
    """"Hủy" on the review: asks to confirm."""

    draft: int
    period: int


@dataclass(frozen=True)
class DiscardConfirmed(CallbackData, prefix="rp", action="z"):
    draft: int
    period: int


@dataclass(frozen=True)
class BackToReview(CallbackData, prefix="rp", action="w"):
    draft: int


@dataclass(frozen=True)
class ViewReport(CallbackData, prefix="rp", action="v"):
    report: int


@dataclass(frozen=True)
class Amend(CallbackData, prefix="rp", action="a"):
    report: int


# -- buttons of one question: they name the draft and the question they were shown with ------
@dataclass(frozen=True)
class Choose(CallbackData, prefix="rp", action="c"):
    draft: int
    field: int
    option: int


@dataclass(frozen=True)
class Toggle(CallbackData, prefix="rp", action="t"):
    draft: int
    field: int
    option: int


@dataclass(frozen=True)
class Done(CallbackData, prefix="rp", action="m"):
    draft: int
    field: int


@dataclass(frozen=True)
class Keep(CallbackData, prefix="rp", action="k"):
    draft: int
    field: int


@dataclass(frozen=True)
class LastValue(CallbackData, prefix="rp", action="l"):
    draft: int
    field: int


@dataclass(frozen=True)
class Back(CallbackData, prefix="rp", action="b"):
    draft: int
    field: int


@dataclass(frozen=True)
class Skip(CallbackData, prefix="rp", action="s"):
    draft: int
    field: int


@dataclass(frozen=True)
class Edit(CallbackData, prefix="rp", action="e"):
    """"Sửa câu N" on the review."""

    draft: int
    field: int


FIELD_BUTTONS = (Choose, Toggle, Done, Keep, LastValue, Back, Skip, Edit)
