"""``python -m bot`` in webhook mode as a subprocess: SIGKILLed right after answering 200,
the update is answered once after the restart; secrets never reach its log."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

from core import messages
from store.runtime import inbox as store_inbox
from store.db import make_engine, make_session_factory
from tests.e2e.fakebotapi import FakeBotAPI
from tests.e2e.harness import USER, BotProcess
from tests.e2e.webhook_harness import SECRET, free_port, webhook_env


async def test_killed_after_the_200_the_update_is_answered_once_after_restart(tmp_path: Path) -> None:
    async with FakeBotAPI() as api:
        proc = BotProcess(api, tmp_path, env=webhook_env(free_port()))
        await proc.start()
        try:
            api.hang_methods.add("sendMessage")  # the reply never leaves: the process dies first
            api.push_command(USER, "help")
            await api.wait_until(lambda: bool(api.calls_of("sendMessage")), timeout=30)
            assert api.webhook is not None and api.webhook.answers[200] == 1  # Telegram was told "received"
            proc.kill()
            api.hang_methods.clear()
            await proc.start()
            reply = (await api.wait_for(USER.id, timeout=30))[0]
            assert "/huy" in reply.text
            factory = make_session_factory(make_engine(proc.settings().database_url))
            await api.wait_until(lambda: store_inbox.pending_count(factory) == 0, timeout=30)
            api.push_command(USER, "huy")
            assert (await api.wait_for(USER.id, count=2, timeout=30))[1].text == messages.NOTHING_TO_CANCEL
        finally:
            assert await proc.stop() == 0
        assert len(api.sent(USER.id)) == 2  # the killed update's reply once, then the next one
        log = proc.log()
        assert "webhook for telegram registered" in log
        assert SECRET not in log and api.token not in log


async def test_webhook_mode_refuses_a_weak_secret_and_polling_refuses_a_set_webhook_url(tmp_path: Path) -> None:
    async with FakeBotAPI() as api:
        port = free_port()
        weak = BotProcess(api, tmp_path / "weak", env={**webhook_env(port), "WEBHOOK_SECRET": "short"})
        code = await _exit_code(weak, [])
        assert code == 2 and "WEBHOOK_SECRET phải dài 8–256 ký tự" in weak.log()
        polling = BotProcess(api, tmp_path / "polling", env=webhook_env(port))
        assert await _exit_code(polling, ["serve", "--polling"]) == 2
        assert "LỖI: đã đặt WEBHOOK_URL" in polling.log()
        assert api.calls_of("deleteWebhook") == []


async def _exit_code(proc: BotProcess, args: list[str]) -> int:
    """Run ``python -m bot ARGS`` to its end with the process's environment."""
    with open(proc.log_path, "ab") as log:
        done = await asyncio.to_thread(subprocess.run, [sys.executable, "-m", "bot", *args], cwd=proc.workdir,
                                       env=proc.env, stdout=log, stderr=subprocess.STDOUT, timeout=60)
    return done.returncode
