"""The council's vote recorded in chat by the province: two sent dossiers, one kept and one cut
by taps, the vote's record typed, a confirmation that lists both; a typed number never records
it, a dossier that moved since the list was shown makes the vote record nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from store.awards.dossier import Action, State
from store.awards.files import write_document
from store.awards.nominations import act, add_document, events_of, propose, published_ranking
from store.db import transaction
from store.models import Bloc, Nomination
from tests.handlers.awards.test_nominations_chat import _notices, _published
from tests.handlers.emulation.world import EmuWorld
from tests.store.awards.flow import PDF, REQUIRED
from tests.handlers.emulation.world import MEMBER


def _sent_dossiers(w: EmuWorld, count: int) -> list[int]:
    """The first ``count`` communes of the published ranking nominated, documents complete, sent."""
    now = w.core.services.clock.now()
    with transaction(w.core.services.session_factory) as s:
        bloc = s.get_one(Bloc, w.bloc_id)
        ranking = published_ranking(s, bloc)
        assert ranking is not None
        ids = []
        for row in [r for r in ranking.rows if r.get("place")][:count]:
            nom = propose(s, bloc=bloc, commune_code=int(row["commune_code"]), title_code="tt-ldtt",
                          title_name="Tập thể lao động tiên tiến", required=REQUIRED, ranking=ranking,
                          officer_id=None, now=now).nomination
            for doc in REQUIRED:
                stored = write_document(w.core.services.settings.files_dir, nom.year, nom.id, doc["code"], PDF)
                add_document(s, nom, doc["code"], stored, officer_id=None, now=now)
            assert act(s, nom.id, Action.SEND, officer_id=None, now=now).state is State.SENT
            ids.append(nom.id)
        return ids


def _states(w: EmuWorld) -> dict[int, str]:
    with w.core.services.session_factory() as s:
        return {nid: state for nid, state in s.execute(select(Nomination.id, Nomination.state))}


async def test_vote_keeps_one_cuts_one_and_tells_the_communes(world: EmuWorld) -> None:
    _leader, _member, sup = await _published(world)
    kept, cut = _sent_dossiers(world, 2)
    await sup.cmd("denghi")
    assert "Hồ sơ chờ thẩm định:" in sup.said
    await sup.press("Ghi biểu quyết của Hội đồng năm 2026")
    assert "2 hồ sơ chờ thẩm định" in sup.said
    labels = [b.text for r in sup.last for row in r.buttons for b in row]
    second = sup.find(labels[1])
    await sup.text("2")  # a typed number is not a tap here: nothing toggles
    assert "Bấm một hồ sơ" in sup.said
    await sup.send(button=second)
    shown = [b.text for r in sup.last for row in r.buttons for b in row]
    assert shown[0].startswith("☑ duyệt:") and shown[1].startswith("☐ không duyệt:")
    await sup.press("Tiếp »")
    await sup.text("Hội đồng biểu quyết 7/9 ngày 10/1/2027")
    assert "Duyệt (1):" in sup.said and "Không duyệt (1):" in sup.said and "là cuối cùng" in sup.said
    confirm = sup.find("Xác nhận ghi")
    await sup.text("1")
    assert "Bấm “Xác nhận ghi”" in sup.said and _states(world) == {kept: State.SENT, cut: State.SENT}
    await sup.send(button=confirm)
    assert _states(world) == {kept: State.APPROVED, cut: State.NOT_APPROVED}
    assert "Đã ghi biểu quyết: 1 hồ sơ được duyệt, 1 hồ sơ không duyệt" in sup.said
    with world.core.services.session_factory() as s:
        assert [e.reason for e in events_of(s, cut)][-1] == "Hội đồng biểu quyết 7/9 ngày 10/1/2027"
    texts = [n.payload["text"] for n in _notices(world, MEMBER)]
    assert any("Hội đồng đã biểu quyết" in t for t in texts)


async def test_a_dossier_moved_meanwhile_records_nothing(world: EmuWorld) -> None:
    _leader, _member, sup = await _published(world)
    first, second = _sent_dossiers(world, 2)
    await sup.cmd("denghi")
    await sup.press("Ghi biểu quyết của Hội đồng năm 2026")
    await sup.press("Tiếp »")
    await sup.text("Hội đồng biểu quyết 9/9 ngày 10/1/2027")
    now = world.core.services.clock.now()
    with transaction(world.core.services.session_factory) as s:  # returned by another officer meanwhile
        act(s, second, Action.RETURN, reason="Thiếu chữ ký trên tờ trình", officer_id=None, now=now)
    await sup.press("Xác nhận ghi")
    assert "bot không ghi gì" in sup.said
    assert _states(world) == {first: State.SENT, second: State.RETURNED}
    assert "1 hồ sơ chờ thẩm định" in sup.said  # the list shown again, without the returned one


@pytest.mark.parametrize("typed", ["có", "xong"])
async def test_typed_words_never_record_a_vote(world: EmuWorld, typed: str) -> None:
    _leader, _member, sup = await _published(world)
    first, = _sent_dossiers(world, 1)
    await sup.cmd("denghi")
    await sup.press("Ghi biểu quyết của Hội đồng năm 2026")
    await sup.press("Tiếp »")
    await sup.text("Hội đồng biểu quyết 9/9 ngày 10/1/2027")
    await sup.text(typed)
    assert _states(world) == {first: State.SENT}
