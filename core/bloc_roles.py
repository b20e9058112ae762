"""Who acts on a bloc, as data: the officers of its leading commune review it that year;
the province's supervisors see it, publish and reopen its ranking; admins do everything.

A bloc's leader is set per year (``Bloc.leader_code``), so leading a bloc in 2026 gives no
right over it in 2027: the check is always against the bloc row of that year.
"""

from __future__ import annotations

from typing import Optional

from core.permissions import Role, can, role_of
from store.models import Bloc, Officer


def reviews(officer: Optional[Officer], bloc: Bloc) -> bool:
    """May review (change scores, decide explanations, close the review) ``bloc``."""
    if role_of(officer) is Role.ADMIN:
        return True
    return (officer is not None and can(officer, "emulation.review") and officer.commune_code is not None
            and officer.commune_code == bloc.leader_code)


def oversees(officer: Optional[Officer], bloc: Bloc) -> bool:
    """A supervisor of the bloc's province (or an admin): sees, publishes and reopens its ranking."""
    return can(officer, "emulation.publish", province_code=bloc.province_code)


def sees(officer: Optional[Officer], bloc: Bloc) -> bool:
    """May see the bloc's sheets and ranking: its reviewers and the province."""
    return reviews(officer, bloc) or oversees(officer, bloc)
