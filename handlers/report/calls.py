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
class StartOver(CallbackData, prefix="rp", action="n"):
    """"Xóa N câu, làm lại": wipes the draft only while it is as the confirmation described it."""

    draft: int
    count: int  # how many answers the confirmation said would be lost
    stamp: int  # the draft's updated_at (epoch seconds) then: any answer saved since makes it stale


@dataclass(frozen=True)
class ReviewButton(CallbackData):
    """Fields shared by the review's buttons that settle the draft (not a button itself)."""

    draft: int
    period: int


@dataclass(frozen=True)
class Send(ReviewButton, prefix="rp", action="g"):
    pass


@dataclass(frozen=True)
class Discard(ReviewButton, prefix="rp", action="x"):
    """"Hủy" on the review: asks to confirm."""


@dataclass(frozen=True)
class DiscardConfirmed(ReviewButton, prefix="rp", action="z"):
    pass


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
class FieldButton(CallbackData):
    """Fields shared by the buttons shown with one question (not a button itself)."""

    draft: int
    field: int


@dataclass(frozen=True)
class Choose(FieldButton, prefix="rp", action="c"):
    option: int


@dataclass(frozen=True)
class Toggle(FieldButton, prefix="rp", action="t"):
    option: int


@dataclass(frozen=True)
class Done(FieldButton, prefix="rp", action="m"):
    """"Xong" after a multiple choice."""


@dataclass(frozen=True)
class Keep(FieldButton, prefix="rp", action="k"):
    """"Giữ nguyên" when editing an answer."""


@dataclass(frozen=True)
class LastValue(FieldButton, prefix="rp", action="l"):
    """Take the value reported last period."""


@dataclass(frozen=True)
class Back(FieldButton, prefix="rp", action="b"):
    pass


@dataclass(frozen=True)
class Skip(FieldButton, prefix="rp", action="s"):
    pass


@dataclass(frozen=True)
class Edit(FieldButton, prefix="rp", action="e"):
    """"Sửa câu N" on the review."""


FIELD_BUTTONS = (Choose, Toggle, Done, Keep, LastValue, Back, Skip, Edit)
