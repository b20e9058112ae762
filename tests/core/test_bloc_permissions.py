"""The reviewer role is data: the officers of a bloc's leading commune review that bloc, and only it."""

from __future__ import annotations

from core.permissions import can_on_bloc
from store.models import Bloc, Officer, OfficerProvince


def _officer(role: str = "officer", commune: int | None = None, provinces: tuple[int, ...] = (),
             active: bool = True) -> Officer:
    return Officer(full_name="x", role=role, commune_code=commune, active=active,
                   provinces=[OfficerProvince(province_code=p) for p in provinces])


BLOC = Bloc(id=1, province_code=12, year=2026, name="Khối 1", folded="khoi 1", leader_code=3001, deputy_code=3002)


def test_leader_officers_review_their_bloc_only() -> None:
    leader, deputy, member = _officer(commune=3001), _officer(commune=3002), _officer(commune=3003)
    assert can_on_bloc(leader, "emulation.review", BLOC)
    assert not can_on_bloc(deputy, "emulation.review", BLOC) and not can_on_bloc(member, "emulation.review", BLOC)
    assert not can_on_bloc(_officer(commune=3001, active=False), "emulation.review", BLOC)
    other = Bloc(id=2, province_code=12, year=2026, name="Khối 2", folded="khoi 2", leader_code=3004)
    assert not can_on_bloc(leader, "emulation.review", other)
    assert not can_on_bloc(leader, "emulation.view", BLOC)  # the province's view: the leader reviews instead
    assert not can_on_bloc(leader, "emulation.publish", BLOC)
    assert not can_on_bloc(None, "emulation.review", BLOC)


def test_province_officers_publish_for_their_provinces() -> None:
    mine, theirs = _officer("supervisor", provinces=(12,)), _officer("supervisor", provinces=(11,))
    for action in ("emulation.publish", "emulation.reopen", "emulation.export", "emulation.view", "blocs.view"):
        assert can_on_bloc(mine, action, BLOC) and not can_on_bloc(theirs, action, BLOC)
    assert not can_on_bloc(mine, "emulation.review", BLOC)  # the province does not score in the bloc's place
    assert can_on_bloc(_officer("admin"), "emulation.review", BLOC)
