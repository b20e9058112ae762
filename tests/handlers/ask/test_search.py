"""/tim: usage hint, pages of 5 with section buttons, paging buttons, stale buttons."""

from __future__ import annotations


import pytest
from sqlalchemy import select

from core.dispatch import BotCore
from core.messages import STALE_BUTTON
from handlers.ask.search import USAGE
from core.types import Incoming, Reply, UserRef
from store.models import AuditLog
from tests.handlers.ask.corpus import sample_core

USER = UserRef("test", "7", "7", "Cán bộ")


@pytest.fixture(scope="module")
def core(tmp_path_factory: pytest.TempPathFactory) -> BotCore:
    return sample_core(tmp_path_factory, "tim")


_n = 0


async def send(core: BotCore, **kw) -> Reply:
    global _n
    _n += 1
    out = await core.handle(Incoming(user=USER, update_key=f"tim-{_n}", **kw))
    return out[-1].reply


async def test_usage_without_keywords(core: BotCore) -> None:
    assert (await send(core, command="tim", args="")).text == USAGE


async def test_pages_of_five_with_section_buttons(core: BotCore) -> None:
    first = await send(core, command="tim", args="thi dua khen thuong")
    assert "trang 1/" in first.text
    result_buttons = [b for row in first.buttons for b in row if not b.data.startswith("tim:")]
    assert len(result_buttons) == 5 and all(b.data.startswith(("sec:", "doc:")) for b in result_buttons)
    # labelled by what the passage is about, not "1" … "5"
    assert all(b.text[0].isdigit() and len(b.text) > 4 and len(b.text) <= 44 for b in result_buttons)
    assert first.text.count("Nguồn:") == 5
    nxt = next(b.data for row in first.buttons for b in row if b.data.startswith("tim:"))
    assert len(nxt.encode()) <= 64
    second = await send(core, button=nxt)
    assert "trang 2/" in second.text and second.buttons[0][0].text.startswith("6. ")
    back = next(b.data for row in second.buttons for b in row if b.text.startswith("◀"))
    assert "trang 1/" in (await send(core, button=back)).text


async def test_long_keywords_still_fit_in_button_data(core: BotCore) -> None:
    reply = await send(core, command="tim", args="phong trào thi đua yêu nước xây dựng nông thôn mới đô thị văn minh "
                                                 "cán bộ công chức viên chức văn hóa công sở")
    assert all(len(b.data.encode()) <= 64 for row in reply.buttons for b in row)


async def test_nothing_found_and_stale_buttons(core: BotCore) -> None:
    assert "Không tìm thấy" in (await send(core, command="tim", args="xyzzy quux")).text
    assert (await send(core, button="tim:0000:1:thi dua")).text == STALE_BUTTON
    assert (await send(core, button="tim:garbage")).text == STALE_BUTTON
    assert (await send(core, button="tim:x:١:abc")).text == STALE_BUTTON  # not ASCII digits
    with core.services.session_factory() as s:
        stale = list(s.scalars(select(AuditLog.target).where(AuditLog.action == "button.stale")))
    assert stale == ["tim:0000:1:thi dua", "tim:garbage", "tim:x:١:abc"]  # each refused and audited once, by the router
