"""Zalo: the lines the channel owes outside a handled update leave through the outbox too."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from core import messages
from core.types import Reply
from store.models import OutboxMessage, User
from tests.e2e.fakezaloapi import FakeZaloAPI
from tests.e2e.zalo_harness import ZUSER, ZChat, running_zalo


async def test_apology_and_group_notice_go_through_the_outbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import bot.channels.zalo.channel as zalo

    real, calls = zalo.convert, {"n": 0}

    def flaky(raw):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 2:  # the second update's handling fails in the channel layer
            raise ValueError("conversion exploded")
        return real(raw)

    monkeypatch.setattr(zalo, "convert", flaky)
    async with running_zalo(tmp_path, api=await FakeZaloAPI(single_object=True).start()) as (api, services, _core):
        hoa = ZChat(api, ZUSER)
        await hoa.text("/start")
        assert await hoa.text("xin chào") == messages.ERROR
        api.push_group_text(ZUSER, "g-9", "chào bot")
        await api.wait_for("g-9")

        def owed() -> list[OutboxMessage]:
            with services.session_factory() as session:
                return list(session.scalars(select(OutboxMessage).where(
                    OutboxMessage.dedup_key.like("say:%") | (OutboxMessage.chat_id == "g-9"))
                    .order_by(OutboxMessage.id)))

        await api.wait_until(lambda: all(r.state == "sent" for r in owed()))  # the outcome is recorded after the call
        rows = owed()
        with services.session_factory() as session:
            assert [(r.chat_id, r.kind, Reply.from_payload(r.payload).text, r.state) for r in rows] == [
                (str(ZUSER.id), "reply", messages.ERROR, "sent"),
                ("g-9", "notice", messages.GROUP_ONLY_PRIVATE, "sent")]
            assert rows[1].user_id is None
            assert session.scalars(select(User.chat_id)).all() == [str(ZUSER.id)]  # the group is nobody's chat
        await api.stop()
