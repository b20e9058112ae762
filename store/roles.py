"""The three roles an officer can hold, as stored in ``officers.role``.

The enum lives in ``store/`` because storage queries filter on it (reminder recipients,
approvers, leavers) and ``store/`` imports nothing above it; ``core.permissions`` re-exports it
with the actions each role may perform.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Optional


class Role(StrEnum):
    OFFICER = "officer"  # a commune officer: their own commune
    SUPERVISOR = "supervisor"  # a province officer: the communes of the provinces they oversee
    ADMIN = "admin"  # everything


# How a role is named to officers (profile, registration, CLI output).
ROLE_LABELS: dict[str, str] = {
    Role.OFFICER: "cán bộ xã/phường",
    Role.SUPERVISOR: "cán bộ tỉnh",
    Role.ADMIN: "quản trị",
}


def parse_role(value: str) -> Optional[Role]:
    """The role spelled exactly ``value`` ("officer", …), or None for anything else."""
    try:
        return Role(value)
    except ValueError:
        return None
