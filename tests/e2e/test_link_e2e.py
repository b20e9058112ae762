"""/lienket through the fake Telegram and Zalo APIs, both channels served by one process: the
code typed on Zalo links nothing until the Telegram account that made it presses «Đồng ý»."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import select, update

from store.db import transaction
from store.models import User
from tests.e2e.fakebotapi import FakeBotAPI, FakeUser
from tests.e2e.fakezaloapi import FakeZaloAPI, FakeZaloUser
from tests.e2e.zalo_harness import ZChat, running_zalo
from tests.handlers.report_setup import build_world

AN = FakeUser(id=1, first_name="An")
AN_ZALO = FakeZaloUser("7100000000000000042", "An trên Zalo")
STRANGER = FakeZaloUser("7100000000000000066", "Người lạ")


def _officer_of(services, external_id: str):
    with services.session_factory() as s:
        return s.scalar(select(User.officer_id).where(User.external_id == external_id))


async def test_a_code_typed_on_zalo_links_only_after_telegram_confirms(tmp_path: Path, clock) -> None:
    world = build_world(f"sqlite:///{tmp_path / 'bot.sqlite3'}", tmp_path / "data", clock)
    services = world.core.services
    with transaction(services.session_factory) as s:  # Lò Văn An uses Telegram
        s.execute(update(User).where(User.external_id == "1").values(channel="telegram"))
    async with FakeBotAPI() as telegram, FakeZaloAPI() as api:
        async with running_zalo(tmp_path, api=api, telegram=telegram, services=services, quiet_hours=""):
            telegram.push_command(AN, "lienket")
            said = (await telegram.wait_for(AN.id, lambda c: "Mã liên kết" in c.text))[0].text
            code = re.search(r"LK-[A-Z0-9]{5}-[A-Z0-9]{5}", said).group(0)
            # A stranger who saw the code: the Telegram account says no, nothing is linked.
            assert "bấm «Đồng ý liên kết»" in await ZChat(api, STRANGER).text(code)
            ask = await telegram.wait_for(AN.id, lambda c: "Người lạ" in c.text)
            decline = next(b for b in ask[0].inline_buttons if b["text"] == "Không phải tôi")
            telegram.push_callback(AN, decline["callback_data"])
            await api.wait_for(STRANGER.id, lambda c: "chưa liên kết" in c.text)
            assert _officer_of(services, STRANGER.id) is None

            telegram.push_command(AN, "lienket")
            said = (await telegram.wait_for(AN.id, lambda c: "Mã liên kết" in c.text, count=2))[1].text
            code = re.search(r"LK-[A-Z0-9]{5}-[A-Z0-9]{5}", said).group(0)
            assert "bấm «Đồng ý liên kết»" in await ZChat(api, AN_ZALO).text(code.replace("-", " ").lower())
            assert _officer_of(services, AN_ZALO.id) is None  # typed, not yet confirmed
            ask = await telegram.wait_for(AN.id, lambda c: "An trên Zalo" in c.text)
            confirm = next(b for b in ask[0].inline_buttons if b["text"] == "Đồng ý liên kết")
            telegram.push_callback(AN, confirm["callback_data"])
            await api.wait_for(AN_ZALO.id, lambda c: "Đã liên kết với tài khoản Telegram của Lò Văn An" in c.text)
            await telegram.wait_for(AN.id, lambda c: "Đã liên kết tài khoản Zalo" in c.text)
    assert _officer_of(services, AN_ZALO.id) == _officer_of(services, "1") is not None
