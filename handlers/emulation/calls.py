"""The emulation features' buttons as typed data (core/callbacks.py).

``cd:`` self-scoring (/chamdiem), ``kc:`` the bloc's review (/khoicham) and the commune's
explanation, ``xh:`` the ranking (/xephang, publish, reopen). Numbers only: sheet, criterion
position, period, bloc and adjustment ids. Buttons are not permissions: every handler checks
the ids against the officer in the store's permission rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from core.callbacks import CallbackData, OpenSheet

__all__ = ["OpenSheet"]  # "cd:o" is shared with reminders (core.callbacks)


# -- self-scoring (/chamdiem) ----------------------------------------------------------------
@dataclass(frozen=True)
class SheetButton(CallbackData):
    """Fields shared by the buttons of one criterion (not a button itself)."""

    sheet: int
    item: int  # the criterion's position in the table (0-based)


@dataclass(frozen=True)
class KeepScore(SheetButton, prefix="cd", action="k"):
    """"Giữ nguyên" the score already given."""


@dataclass(frozen=True)
class NextItem(SheetButton, prefix="cd", action="n"):
    """"Tiếp" after the evidence and note of a criterion."""


@dataclass(frozen=True)
class BackItem(SheetButton, prefix="cd", action="b"):
    """"Quay lại" to the previous criterion."""


@dataclass(frozen=True)
class EditItem(SheetButton, prefix="cd", action="e"):
    """A criterion picked on the review screen (reopened)."""


@dataclass(frozen=True)
class ShowReview(CallbackData, prefix="cd", action="r"):
    sheet: int


@dataclass(frozen=True)
class SubmitSheet(CallbackData, prefix="cd", action="g"):
    sheet: int


# -- the bloc's review (/khoicham) -----------------------------------------------------------
@dataclass(frozen=True)
class BlocPeriodButton(CallbackData):
    """Fields shared by the buttons about one bloc in one period (not a button itself)."""

    period: int
    bloc: int


@dataclass(frozen=True)
class BlocSheets(BlocPeriodButton, prefix="kc", action="l"):
    """The sheets of a bloc for a period."""


@dataclass(frozen=True)
class ViewSheet(CallbackData, prefix="kc", action="v"):
    sheet: int


@dataclass(frozen=True)
class AdjustItem(SheetButton, prefix="kc", action="a"):
    """"Sửa điểm" of one criterion of a commune's sheet: asks the new score and the reason."""


@dataclass(frozen=True)
class Decide(CallbackData, prefix="kc", action="d"):
    """The leader's answer to an explanation: accept (the self-score restored) or keep the change."""

    explanation: int
    accept: bool


@dataclass(frozen=True)
class Explain(CallbackData, prefix="kc", action="x"):
    """The commune's "Giải trình" of a changed score (a review ``ScoreChange``)."""

    change: int


@dataclass(frozen=True)
class ExplainDone(CallbackData, prefix="kc", action="y"):
    """"Gửi giải trình" once the text and files are given."""

    explanation: int


@dataclass(frozen=True)
class CloseReview(BlocPeriodButton, prefix="kc", action="c"):
    """"Đóng chấm" of the bloc: asks for the confirmation first."""


@dataclass(frozen=True)
class CloseReviewConfirmed(BlocPeriodButton, prefix="kc", action="z"):
    """The confirmed close: the bloc's ranking is computed and stored."""


# -- ranking (/xephang) ----------------------------------------------------------------------
@dataclass(frozen=True)
class ShowRanking(BlocPeriodButton, prefix="xh", action="s"):
    """The bloc's ranking for the period."""


@dataclass(frozen=True)
class Publish(BlocPeriodButton, prefix="xh", action="p"):
    """"Công bố" the ranking (province supervisor)."""


@dataclass(frozen=True)
class Reopen(BlocPeriodButton, prefix="xh", action="r"):
    """"Mở lại" a published ranking (province supervisor, with a reason)."""


@dataclass(frozen=True)
class ExportAll(CallbackData, prefix="xh", action="x"):
    period: int
    bloc: Optional[int] = None  # the bloc whose chart comes with the workbook (None: the first few)


@dataclass(frozen=True)
class YesNo(SheetButton, prefix="cd", action="y"):
    """"Đạt" / "Không đạt" on a yes/no criterion."""

    yes: bool


@dataclass(frozen=True)
class ReScore(SheetButton, prefix="cd", action="s"):
    """Back from the evidence step to the score of the same criterion."""
