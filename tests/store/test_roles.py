"""Roles as stored: only the three exact spellings are roles, and each has a Vietnamese label."""

from __future__ import annotations

from core.permissions import Role as CoreRole
from store.roles import ROLE_LABELS, Role, parse_role


def test_only_exact_spellings_are_roles() -> None:
    assert parse_role("supervisor") is Role.SUPERVISOR
    assert parse_role("Admin") is None and parse_role("") is None and parse_role("king") is None


def test_every_role_has_a_label_found_by_its_stored_string() -> None:
    assert set(ROLE_LABELS) == set(Role)
    assert ROLE_LABELS["officer"] == ROLE_LABELS[Role.OFFICER] == "cán bộ xã/phường"


def test_core_permissions_uses_the_same_enum() -> None:
    assert CoreRole is Role
