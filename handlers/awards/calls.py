"""The nominations' buttons as typed data (core/callbacks.py), prefix ``dn:``.

Numbers and a title code only. Buttons that move a dossier carry its version (the count of its
moves): a button shown before the dossier moved is stale and moves nothing. Buttons are not
permissions: every handler checks the ids against the officer.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.callbacks import CallbackData, ShowDossier

__all__ = ["ShowDossier"]  # "dn:v" is shared with the reminders (core.callbacks)


@dataclass(frozen=True)
class PickCommune(CallbackData, prefix="dn", action="c"):
    """The leader picks a commune of the bloc's published ranking."""

    bloc: int
    commune: int


@dataclass(frozen=True)
class PickTitle(CallbackData, prefix="dn", action="t"):
    """…then a title of the year's catalogue: the nomination is made (a draft)."""

    bloc: int
    commune: int
    title: str


@dataclass(frozen=True)
class UploadDocument(CallbackData, prefix="dn", action="u"):
    """Send the file of one checklist entry (its position in the checklist)."""

    nomination: int
    item: int


@dataclass(frozen=True)
class DraftAchievement(CallbackData, prefix="dn", action="b"):
    """"Tải bản nháp báo cáo thành tích": the DOCX drafted from what the bot holds."""

    nomination: int


@dataclass(frozen=True)
class SendDossier(CallbackData, prefix="dn", action="s"):
    nomination: int
    version: int


@dataclass(frozen=True)
class Approve(CallbackData, prefix="dn", action="a"):
    """"Duyệt": asks for a confirmation that says what changes."""

    nomination: int
    version: int


@dataclass(frozen=True)
class ConfirmApprove(CallbackData, prefix="dn", action="y"):
    nomination: int
    version: int


@dataclass(frozen=True)
class ReturnDossier(CallbackData, prefix="dn", action="r"):
    """"Trả lại": asks the reason (what to fix)."""

    nomination: int
    version: int


@dataclass(frozen=True)
class Reject(CallbackData, prefix="dn", action="x"):
    """"Không duyệt" (the council's vote cut it): asks the reason, then a confirmation."""

    nomination: int
    version: int


@dataclass(frozen=True)
class ConfirmReject(CallbackData, prefix="dn", action="z"):
    nomination: int
    version: int


@dataclass(frozen=True)
class ExportNominations(CallbackData, prefix="dn", action="e"):
    """The province's XLSX of a year's nominations."""

    province: int
    year: int


@dataclass(frozen=True)
class RecordDecision(CallbackData, prefix="dn", action="q"):
    """"Ghi quyết định khen thưởng" on an approved dossier: asks number, day and level."""

    nomination: int


@dataclass(frozen=True)
class ConfirmDecision(CallbackData, prefix="dn", action="k"):
    nomination: int


@dataclass(frozen=True)
class CouncilVote(CallbackData, prefix="dn", action="h"):
    """"Ghi biểu quyết của Hội đồng": the sent dossiers of a province's year, to keep or cut."""

    province: int
    year: int


@dataclass(frozen=True)
class ToggleVote(CallbackData, prefix="dn", action="g"):
    """Keep or cut one dossier of the list (its place in the list the vote shows)."""

    item: int


@dataclass(frozen=True)
class VoteNext(CallbackData, prefix="dn", action="n"):
    """The list is set: ask the vote's record (the reason written on every dossier)."""


@dataclass(frozen=True)
class ConfirmVote(CallbackData, prefix="dn", action="w"):
    province: int
    year: int
