"""Permissions as data: one scope per officer; the router checks declared actions."""

from __future__ import annotations

from types import SimpleNamespace

from core.permissions import Role, can, scope
from core.router import Router
from store.models import Commune


def _officer(role: str, commune: int | None = None, provinces: tuple[int, ...] = (), active: bool = True):
    return SimpleNamespace(role=role, commune_code=commune, active=active,
                           provinces=[SimpleNamespace(province_code=p) for p in provinces])


def test_scope_by_role() -> None:
    here, there = Commune(code=1, province_code=10), Commune(code=2, province_code=20)
    officer, supervisor, admin = _officer("officer", 1), _officer("supervisor", provinces=(10,)), _officer("admin")
    assert scope(officer).role is Role.OFFICER and scope(officer).communes == {1}
    assert can(officer, "report.fill", commune=here) and not can(officer, "report.fill", commune=there)
    assert not can(officer, "broadcast.send") and not can(officer, "report.view", province_code=10)
    assert can(supervisor, "report.summary", province_code=10) and not can(supervisor, "report.summary", province_code=20)
    assert can(supervisor, "report.view", commune=here) and not can(supervisor, "report.fill", commune=here)
    assert scope(admin).everywhere and can(admin, "broadcast.send", province_code=20)
    for nobody in (None, _officer("officer", 1, active=False), _officer("mayor", 1)):
        assert not can(nobody, "report.fill", commune=here) and can(nobody, "ask")


def test_help_lists_commands_by_declared_action() -> None:
    router = Router()

    async def handler(ctx):  # pragma: no cover - never run
        return []

    router.command("baocao", "x", public=False, action="report.fill")(handler)
    router.command("thongbao", "x", public=False, action="broadcast.send")(handler)
    names = lambda role: [c.name for c in router.visible_commands(role)]  # noqa: E731
    assert names("officer") == ["baocao"] and names("supervisor") == ["thongbao"]
    assert names("admin") == ["baocao", "thongbao"] and names(None) == []
