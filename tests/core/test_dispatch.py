"""The core pipeline on real databases: users, dialogs, redelivery, outbox, long replies."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.services import build_services
from core.settings import Settings
from handlers.app import build_router
from core import outbox
from core.dispatch import BotCore
from core.types import Incoming, Reply, UserRef
from store.db import transaction
from store.models import OutboxMessage, ProcessedUpdate, User

ALICE = UserRef("test", "1", "1", "Alice")


@pytest.fixture
def core(database_url: str, tmp_path: Path, clock) -> BotCore:
    settings = Settings(_env_file=None, database_url=database_url, data_dir=tmp_path / "d", load_samples=False)
    return BotCore(build_services(settings, clock, startup=False), build_router())


async def test_help_lists_commands(core: BotCore) -> None:
    out = await core.handle(Incoming(user=ALICE, update_key="u1", command="help"))
    assert "/help" in out[0].reply.text


async def test_redelivered_update_is_not_handled_twice(core: BotCore) -> None:
    first = await core.handle(Incoming(user=ALICE, update_key="u2", command="help"))
    again = await core.handle(Incoming(user=ALICE, update_key="u2", command="help"))
    assert first and again == []
    with core.services.session_factory() as s:
        assert s.scalar(select(func.count()).select_from(ProcessedUpdate)) == 1
        assert s.scalar(select(func.count()).select_from(OutboxMessage)) == 1


async def test_unknown_command_and_empty_text_get_polite_replies(core: BotCore) -> None:
    out = await core.handle(Incoming(user=ALICE, update_key="u3", command="xyz"))
    assert "Không có lệnh /xyz" in out[0].reply.text
    out = await core.handle(Incoming(user=ALICE, update_key="u4", text="   "))
    assert "Tin nhắn trống" in out[0].reply.text


async def test_sent_replies_leave_the_queue(core: BotCore) -> None:
    out = await core.handle(Incoming(user=ALICE, update_key="u5", command="help"))
    with transaction(core.services.session_factory) as s:
        outbox.mark_shown(s, [out[0].outbox_id], core.services.clock.now())
    with core.services.session_factory() as s:
        assert s.get(OutboxMessage, out[0].outbox_id).state == "sent"


def _rows(core: BotCore) -> list[OutboxMessage]:
    with core.services.session_factory() as s:
        return list(s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


async def test_group_notice_is_queued_once_and_changes_no_user(core: BotCore) -> None:
    await core.handle(Incoming(user=ALICE, update_key="g0", command="help"))  # Alice's private chat "1"
    assert core.group_notice("test", "-100") is True
    assert core.group_notice("test", "-100") is True  # still queued: the channel must not leave yet
    notices = [r for r in _rows(core) if r.chat_id == "-100"]
    assert len(notices) == 1 and notices[0].user_id is None and notices[0].kind == "notice"
    reply = Reply.from_payload(notices[0].payload)
    assert reply.leave_chat and "chat riêng" in reply.text
    with transaction(core.services.session_factory) as s:
        outbox.mark_shown(s, [notices[0].id], core.services.clock.now())
    assert core.group_notice("test", "-100") is False  # said long ago: the channel just leaves
    with core.services.session_factory() as s:
        assert s.scalars(select(User.chat_id)).all() == ["1"]


async def test_say_queues_a_line_once_without_changing_the_user(core: BotCore) -> None:
    await core.handle(Incoming(user=ALICE, update_key="s0", command="help"))
    moved = UserRef("test", "1", "999", "Alice")  # even a different chat id in the ref
    assert core.say(moved, "Xin lỗi", "error:s1") is True
    assert core.say(moved, "Xin lỗi", "error:s1") is False  # a redelivered update: once
    assert core.say(UserRef("test", "1", "-5", "Alice", private=False), "Xin lỗi", "error:s2") is False
    said = [r for r in _rows(core) if r.dedup_key.startswith("say:")]
    assert [(r.chat_id, r.kind, r.user_id is not None) for r in said] == [("999", "reply", True)]
    with core.services.session_factory() as s:
        assert s.scalars(select(User.chat_id)).all() == ["1"]  # looked up, never changed
