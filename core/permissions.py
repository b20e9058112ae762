"""Who may do what on which unit: every handler asks here; hidden buttons are not permissions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from core import messages
from store.models import Commune, Officer

if TYPE_CHECKING:
    from core.context import Context
    from core.types import Reply

PUBLIC_ACTIONS = frozenset({"ask", "documents.read"})
# Officers act on their own commune only.
OFFICER_ACTIONS = frozenset({"report.fill", "report.view", "deadlines.view", "profile.view", "unit.change"})
# Supervisors act on communes of the provinces they oversee.
SUPERVISOR_ACTIONS = frozenset({
    "report.view", "report.summary", "report.export", "period.create", "broadcast.send",
    "officer.approve", "officer.deactivate", "invite.create", "officer.list", "deadlines.view",
    "profile.view",
})


def supervised_provinces(officer: Officer) -> set[int]:
    return {p.province_code for p in officer.provinces}


def can(officer: Optional[Officer], action: str, *, commune: Optional[Commune] = None,
        province_code: Optional[int] = None) -> bool:
    """True when ``officer`` may do ``action`` on ``commune`` (or ``province_code``)."""
    if action in PUBLIC_ACTIONS:
        return True
    if officer is None or not officer.active:
        return False
    if officer.role == "admin":
        return True
    if officer.role == "officer":
        if action not in OFFICER_ACTIONS:
            return False
        if commune is None:
            return province_code is None
        return officer.commune_code == commune.code
    if officer.role == "supervisor":
        if action not in SUPERVISOR_ACTIONS:
            return False
        provinces = supervised_provinces(officer)
        if commune is not None:
            return commune.province_code in provinces
        if province_code is not None:
            return province_code in provinces
        return bool(provinces)
    return False


def refuse(ctx: "Context", action: str, target: str = "", **detail: object) -> list["Reply"]:
    """Audit a refusal and answer politely (NOT_REGISTERED for strangers, NOT_ALLOWED otherwise)."""

    ctx.audit(action, target[:200], "refused", **detail)
    return messages.text(messages.NOT_REGISTERED if ctx.officer is None else messages.NOT_ALLOWED)


def require(ctx: "Context", action: str, *, commune: Optional[Commune] = None,
            province_code: Optional[int] = None, target: str = "") -> Optional[list["Reply"]]:
    """None when allowed; otherwise the audited polite refusal to return."""
    if can(ctx.officer, action, commune=commune, province_code=province_code):
        return None
    if not target:
        target = f"commune:{commune.code}" if commune is not None else (
            f"province:{province_code}" if province_code is not None else "")
    return refuse(ctx, action, target)
