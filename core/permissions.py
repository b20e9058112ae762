"""Who may do what on which unit, as data: roles, their actions, and one scope per officer.

Every command and button declares the action it performs ("report.fill", "period.summary",
…) when it registers (core/router.py); the router checks ``scope(officer).may(action)`` before
the handler runs and refuses and audits once. Handlers then only narrow: ``scope.communes`` /
``scope.provinces`` say which units the officer may act on (None: every unit, for admins).
Hidden buttons are not permissions: every button's action is checked the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

from core import messages
from core.errors import Refused as Refused  # handlers raise it with the permission checks
from store.models import Bloc, Commune, Officer
from store.roles import Role, parse_role

if TYPE_CHECKING:
    from core.context import Context
    from core.types import Reply


__all__ = ["BLOC_REVIEW_ACTIONS", "PUBLIC_ACTIONS", "ROLE_ACTIONS", "can_on_bloc", "Refused", "Role", "Scope", "can", "home_provinces", "refuse",
           "refusal_text", "require", "role_of", "scope", "supervised_provinces"]

PUBLIC_ACTIONS = frozenset({"ask", "documents.read"})
ROLE_ACTIONS: dict[Role, frozenset[str]] = {
    Role.OFFICER: frozenset({"report.fill", "report.view", "deadlines.view", "profile.view", "unit.change",
                             "emulation.score", "emulation.standing", "emulation.review", "blocs.view",
                             "emulation.register", "emulation.registrations", "emulation.pledge",
                             "award.propose", "award.dossier", "award.view"}),
    Role.SUPERVISOR: frozenset({
        "report.view", "report.summary", "report.export", "period.create", "broadcast.send",
        "officer.approve", "officer.deactivate", "invite.create", "officer.list", "deadlines.view",
        "profile.view", "directives.load", "blocs.view", "emulation.view", "emulation.publish",
        "emulation.reopen", "emulation.export", "emulation.registrations", "award.view", "award.appraise",
        "award.decide", "award.export",
    }),
}


def role_of(officer: Optional[Officer]) -> Optional[Role]:
    if officer is None or not officer.active:
        return None
    return parse_role(officer.role)  # an unknown role string in the database grants nothing


@dataclass(frozen=True)
class Scope:
    """What one officer may do: actions, and the units they may do them on (None: all)."""

    role: Optional[Role]
    actions: frozenset[str]
    communes: Optional[frozenset[int]]
    provinces: Optional[frozenset[int]]

    def may(self, action: str) -> bool:
        return action in PUBLIC_ACTIONS or self.role is Role.ADMIN or action in self.actions

    def covers_commune(self, commune: Commune) -> bool:
        if self.role is Role.ADMIN:
            return True
        if self.communes is not None and commune.code in self.communes:
            return True
        return self.provinces is not None and commune.province_code in self.provinces

    def covers_province(self, province_code: int) -> bool:
        return self.role is Role.ADMIN or (self.provinces is not None and province_code in self.provinces)

    @property
    def everywhere(self) -> bool:
        return self.role is Role.ADMIN


def scope(officer: Optional[Officer]) -> Scope:
    """The one place that turns an officer row into permissions."""
    role = role_of(officer)
    if role is None or officer is None:
        return Scope(None, frozenset(), frozenset(), frozenset())
    if role is Role.ADMIN:
        return Scope(role, frozenset(), None, None)
    if role is Role.OFFICER:
        communes = frozenset({officer.commune_code}) if officer.commune_code is not None else frozenset()
        return Scope(role, ROLE_ACTIONS[role], communes, frozenset())
    return Scope(role, ROLE_ACTIONS[role], frozenset(), frozenset(supervised_provinces(officer)))


def supervised_provinces(officer: Officer) -> set[int]:
    return {p.province_code for p in officer.provinces}


def home_provinces(officer: Optional[Officer]) -> set[int]:
    """Provinces to show first (documents, search): the officer's commune's, or those overseen."""
    if officer is None:
        return set()
    codes = supervised_provinces(officer)
    if officer.commune is not None:
        codes.add(officer.commune.province_code)
    return codes


def can(officer: Optional[Officer], action: str, *, commune: Optional[Commune] = None,
        province_code: Optional[int] = None) -> bool:
    """True when ``officer`` may do ``action`` on ``commune`` (or ``province_code``)."""
    s = scope(officer)
    if action in PUBLIC_ACTIONS:
        return True
    if not s.may(action):
        return False
    if commune is not None:
        return s.covers_commune(commune)
    if province_code is not None:
        return s.covers_province(province_code)
    return s.everywhere or bool(s.communes) or bool(s.provinces) or s.role is Role.OFFICER


# What the officers of a bloc's leading commune may do on that bloc (and only on it): the
# reviewer role is data (Bloc.leader_code for the bloc's year), not a role on the officer row.
# The registrations list and the bloc's pledge (giao ước) are the leader's too, and proposing awards.
BLOC_REVIEW_ACTIONS = frozenset({"emulation.review", "emulation.registrations", "emulation.pledge",
                                 "award.propose"})
# What a province officer may do on the blocs of the provinces they oversee.
BLOC_PROVINCE_ACTIONS = frozenset({"blocs.view", "emulation.view", "emulation.publish", "emulation.reopen",
                                   "emulation.export", "emulation.registrations"})


def can_on_bloc(officer: Optional[Officer], action: str, bloc: Bloc) -> bool:
    """True when ``officer`` may do ``action`` on ``bloc``: review actions for the officers of its
    leading commune; province actions for the supervisors of its province; admins everything."""
    s = scope(officer)
    if not s.may(action) or officer is None:
        return False
    if s.role is Role.ADMIN:
        return True
    if action in BLOC_REVIEW_ACTIONS:
        return s.role is Role.OFFICER and bloc.leader_code is not None and officer.commune_code == bloc.leader_code
    if action in BLOC_PROVINCE_ACTIONS:
        return s.covers_province(bloc.province_code)
    return False


def refusal_text(ctx: "Context") -> str:
    return messages.NOT_REGISTERED if ctx.officer is None else messages.NOT_ALLOWED


def refuse(ctx: "Context", action: str, target: str = "", **detail: object) -> list["Reply"]:
    """Audit a refusal and answer politely (NOT_REGISTERED for strangers, NOT_ALLOWED otherwise)."""
    ctx.audit(action, target[:200], "refused", **detail)
    return messages.text(refusal_text(ctx))


def require(ctx: "Context", action: str, *, commune: Optional[Commune] = None,
            province_code: Optional[int] = None, target: str = "") -> Optional[list["Reply"]]:
    """None when allowed; otherwise the audited polite refusal to return."""
    if can(ctx.officer, action, commune=commune, province_code=province_code):
        return None
    if not target:
        target = f"commune:{commune.code}" if commune is not None else (
            f"province:{province_code}" if province_code is not None else "")
    return refuse(ctx, action, target)
