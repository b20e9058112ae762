"""Role grants (first admin, supervisors promoted in place) and deactivation."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from store.db import transaction
from store.models import AuditLog
from store.people.officers import GrantError, grant_role, set_active, user_provinces
from tests.store.people.unitworld import services_with_units


@pytest.fixture
def services(database_url: str, tmp_path: Path, clock):
    return services_with_units(database_url, tmp_path, clock)


def test_grant_first_admin_and_supervisor(services) -> None:
    now = services.clock.now()
    with transaction(services.session_factory) as s:
        admin = grant_role(s, role="admin", phone="+84 901 234 567", full_name="Quản trị", now=now)
        assert admin.role == "admin" and admin.phone == "0901234567"
        sup = grant_role(s, role="supervisor", telegram_id="777", province_codes=(11,), now=now)
        assert user_provinces(sup) == [11]
        # promoting an existing officer keeps one record
        again = grant_role(s, role="supervisor", telegram_id="777", province_codes=(12,), now=now)
        assert again.id == sup.id and user_provinces(again) == [11, 12]
        with pytest.raises(GrantError):
            grant_role(s, role="supervisor", phone="0901234567", now=now)
        with pytest.raises(GrantError):
            grant_role(s, role="admin", phone="123", now=now)
        with pytest.raises(GrantError):
            grant_role(s, role="king", phone="0901234567", now=now)
        assert set_active(s, sup, False, now=now) is True
        assert set_active(s, sup, False, now=now) is False
    with services.session_factory() as s:
        audits = list(s.scalars(select(AuditLog).order_by(AuditLog.id)))
        assert [a.action for a in audits] == ["role.grant", "role.grant", "role.grant", "officer.deactivate"]
        # a new officer had no role before; the promotion records the role it replaced
        assert [(a.detail["from"], a.detail["to"]) for a in audits[:3]] == [
            (None, "admin"), (None, "supervisor"), ("supervisor", "supervisor")]
