"""Kill -9 between queueing a reply and delivering it: after restart it arrives exactly once."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from store.db import make_engine, make_session_factory, transaction
from store.models import OutboxMessage, ProcessedUpdate
from tests.e2e.fakebotapi import FakeBotAPI
from tests.e2e.harness import USER, BotProcess


def _outbox_states(proc: BotProcess) -> list[tuple[str, str]]:
    engine = make_engine(proc.env["DATABASE_URL"])
    try:
        with transaction(make_session_factory(engine)) as session:
            return [(r.kind, r.state) for r in session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]
    finally:
        engine.dispose()


def _processed(proc: BotProcess) -> int:
    engine = make_engine(proc.env["DATABASE_URL"])
    try:
        with transaction(make_session_factory(engine)) as session:
            return len(session.scalars(select(ProcessedUpdate)).all())
    finally:
        engine.dispose()


async def test_sigkill_before_send_delivers_once_after_restart(tmp_path: Path) -> None:
    async with FakeBotAPI() as api:
        proc = BotProcess(api, tmp_path / "bot", fake_now="2026-06-25T08:00:00+07:00")
        await proc.start()
        try:
            # The first run handles /help and queues the answer, but sendMessage never returns;
            # its getUpdates offsets are not taken as confirmations, so the update comes again.
            api.hang_methods.add("sendMessage")
            api.hold_confirmations = True
            api.push_command(USER, "help")
            await api.wait_until(lambda: any(c.method == "sendMessage" for c in api.calls), timeout=30)
            proc.kill()  # SIGKILL while the reply is in flight: in the outbox, not delivered
            assert api.sent(USER.id) == []
            # The attempt was recorded before the call: 'sending', claimed by the dead worker.
            assert ("reply", "sending") in _outbox_states(proc)
            assert api.pending_updates == 1  # never confirmed: Telegram will deliver it again

            api.hang_methods.clear()
            api.hold_confirmations = False
            await proc.start()  # sends the leftover, then polls and sees the same update again
            await api.wait_for(USER.id, lambda c: "/huy" in c.text, timeout=30)
            await api.wait_until(lambda: api.pending_updates == 0, timeout=30)  # redelivery confirmed

            # A later message proves the bot is serving and lets any duplicate show up first.
            api.push_message(USER, "/help")
            await api.wait_for(USER.id, lambda c: "/huy" in c.text, count=2, timeout=30)
            answers = [c for c in api.sent(USER.id) if "/huy" in c.text]
            assert len(answers) == 2, [c.text[:40] for c in answers]  # one per update, none twice
            # The bot marks a reply sent just after Telegram answers: poll the database for it.
            await api.wait_until(lambda: _outbox_states(proc).count(("reply", "sent")) == 2, timeout=30)
            assert {st for _, st in _outbox_states(proc)} == {"sent"}
            assert _processed(proc) == 2
            # The redelivery was recognised (by the inbox, which had it handled already) and the
            # update handled once; its reply left through the sender after the restart.
            assert proc.log().count("update 1 handled") == 1
            assert "TEST-ONLY: clock frozen" in proc.log()
        finally:
            await proc.stop()


async def test_graceful_stop_and_restart_keeps_serving(tmp_path: Path) -> None:
    async with FakeBotAPI() as api:
        proc = BotProcess(api, tmp_path / "bot")
        await proc.start()
        try:
            api.push_command(USER, "start")
            await api.wait_for(USER.id, timeout=30)
            assert await proc.stop() == 0
            api.push_command(USER, "help")  # arrives while the bot is down
            await proc.start()
            calls = await api.wait_for(USER.id, count=2, timeout=30)
            assert "/huy" in calls[1].text
            assert len(api.sent(USER.id)) == 2
        finally:
            await proc.stop()


async def test_wrong_token_exits_with_a_clear_error(tmp_path: Path) -> None:
    import asyncio
    import os
    import subprocess
    import sys

    from tests.e2e.harness import REPO

    async with FakeBotAPI() as api:
        env = {**os.environ, "BOT_TOKEN": "999:WRONG", "TELEGRAM_API_BASE_URL": api.url,
               "DATABASE_URL": f"sqlite:///{tmp_path / 'b.sqlite3'}", "DATA_DIR": str(tmp_path / "d"),
               "LOAD_SAMPLES": "false", "PYTHONPATH": str(REPO)}
        proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", cwd=tmp_path, env=env,
                                                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        out, _ = await asyncio.wait_for(proc.communicate(), 120)
        assert proc.returncode == 1, out.decode()[-2000:]
        assert "LỖI: không chạy được bot: Telegram từ chối BOT_TOKEN".encode() in out
