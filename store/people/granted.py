"""What an officer-list import may not undo: a role given by ``admin grant``.

An officer granted by hand keeps their role and their name when a list is imported again: a
row that would lower the role (admin → supervisor → commune officer) or rename them is
refused with what it would have changed, unless the import is told ``override``. Anything
else in the row (position, Telegram id, the commune of the same role) still applies.
"""

from __future__ import annotations

from typing import Any, Optional

from store.roles import ROLE_LABELS, Role

RANK = {Role.OFFICER: 0, Role.SUPERVISOR: 1, Role.ADMIN: 2}
OVERRIDE_FLAG = "--override-granted"


def undoes_grant(current: Any, new_role: Role, new_name: str) -> Optional[str]:
    """Why this row may not be applied to ``current`` (a row with ``role``, ``full_name``,
    ``granted_by_hand``) as it stands, or None when it may."""
    if not current.granted_by_hand:
        return None
    old_role = Role(current.role)
    changes = []
    if RANK[new_role] < RANK[old_role]:
        changes.append(f"hạ vai trò {ROLE_LABELS[old_role]} → {ROLE_LABELS[new_role]}")
    if new_name != current.full_name:
        changes.append(f"đổi tên → {new_name}")
    if not changes:
        return None
    return (f"{current.full_name} được cấp vai trò bằng lệnh admin grant: danh sách sẽ {', '.join(changes)}; "
            f"chưa đổi (thêm {OVERRIDE_FLAG} để ghi đè)")
