"""Secrets and private data: the token never reaches a log line; groups never get private replies."""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import select

from bot.logsetup import RedactSecrets
from store.models import OutboxMessage, User
from tests.e2e.fakebotapi import FakeBotAPI
from tests.e2e.harness import USER, BotProcess, running_bot

GROUP_ID = -100123


async def test_token_and_database_password_never_in_the_log(tmp_path: Path) -> None:
    """A real ``python -m bot`` run at DEBUG level, every library included: grep its log."""
    async with FakeBotAPI(token="987654:SECRET-token-xyz") as api:
        proc = BotProcess(api, tmp_path / "bot", env={"LOG_LEVEL": "DEBUG"})
        await proc.start()
        try:
            api.push_command(USER, "start")
            api.push_message(USER, "Chỉ thị 02/CT-UBND ban hành ngày nào?")
            await api.wait_for(USER.id, count=2, timeout=30)
        finally:
            await proc.stop()
        log = proc.log()
    assert "getUpdates" in log or "sendMessage" in log or "HTTP" in log or "Telegram" in log
    assert "SECRET-token-xyz" not in log
    assert "987654:" not in log


def test_redaction_covers_arguments_tracebacks_and_url_passwords() -> None:
    redact = RedactSecrets(["p@ss:word", "123:ABC"])
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "url %s", ("https://h/bot123:ABC/getMe",), None)
    try:
        raise RuntimeError("cannot connect postgresql+psycopg://bot:p%40ss%3Aword@db/thidua")
    except RuntimeError:
        import sys

        record.exc_info = sys.exc_info()
    redact.filter(record)
    text = record.getMessage() + (record.exc_text or "")
    assert "123:ABC" not in text and "p%40ss" not in text and "p@ss:word" not in text
    assert "***" in text
    other = logging.LogRecord("x", logging.INFO, __file__, 1, "POST https://api/bot55:zzz/sendMessage", None, None)
    redact.filter(other)
    assert "55:zzz" not in other.getMessage()


async def test_group_chat_gets_one_notice_and_the_bot_leaves(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as (api, services, _core):
        api.push_command(USER, "start")  # the private chat exists first
        await api.wait_for(USER.id)
        api.push_added_to_group(USER, GROUP_ID)
        api.push_group_message(USER, GROUP_ID, "/toi")
        api.push_group_message(USER, GROUP_ID, "/canbo")
        notices = await api.wait_for(GROUP_ID)
        assert "chat riêng" in notices[0].text
        left = await api.wait_for(method="leaveChat")
        assert int(left[0].params["chat_id"]) == GROUP_ID
        api.push_command(USER, "toi")  # private replies still go to the private chat
        await api.wait_for(USER.id, count=2)
        with services.session_factory() as session:
            user = session.scalar(select(User).where(User.channel == "telegram", User.external_id == str(USER.id)))
            assert user is not None and user.chat_id == str(USER.id)
        group_sends = [c for c in api.calls if c.chat_id == GROUP_ID and c.method == "sendMessage"]
        assert len(group_sends) == 1, [c.text for c in group_sends]
        assert api.calls.index(group_sends[0]) < api.calls.index(left[0])  # told, then left

        def group_rows() -> list[tuple[str, object, str]]:  # the notice went through the outbox, for no user
            with services.session_factory() as session:
                rows = session.scalars(select(OutboxMessage).where(OutboxMessage.chat_id == str(GROUP_ID)))
                return [(r.kind, r.user_id, r.state) for r in rows]

        await api.wait_until(lambda: group_rows() != [("notice", None, "sending")])  # outcome recorded after the call
        assert group_rows() == [("notice", None, "sent")]
