"""Run the real bot (python-telegram-bot + core + database) against the fake Bot API.

In-process::

    async with running_bot(tmp_path) as (api, services, core):
        api.push_command(USER, "start")
        calls = await api.wait_for(USER.id)

As a subprocess (``python -m bot``), for kill -9 tests::

    async with FakeBotAPI() as api:
        proc = BotProcess(api, tmp_path, fake_now="2026-06-25T08:00:00+07:00")
        await proc.start()
        ...
        proc.kill()              # SIGKILL: no cleanup at all
        await proc.start()       # same database and data dir
        await proc.stop()
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any, AsyncIterator, Optional

from core.settings import Settings
from core.context import Services
from core.dispatch import BotCore
from store.clock import Clock
from tests.e2e.fakebotapi import FakeBotAPI, FakeUser

REPO = Path(__file__).resolve().parents[2]
USER = FakeUser(id=111222333, first_name="Lan", last_name="Nguyễn", username="lan_vp")


def bot_settings(api: FakeBotAPI, workdir: Path, **overrides: Any) -> Settings:
    """Settings for a bot talking to ``api`` with its database and files under ``workdir``."""
    values: dict[str, Any] = dict(
        _env_file=None, bot_token=api.token, telegram_api_base_url=api.url,
        database_url=f"sqlite:///{workdir / 'bot.sqlite3'}", data_dir=workdir / "data",
        # Dialog tests answer at once; the fake API only enforces Telegram's per-chat second
        # when a test asks it to (those tests set the interval back).
        outbox_per_chat_interval_seconds=0.0,
    )
    values.update(overrides)
    return Settings(**values)


@contextlib.asynccontextmanager
async def running_bot(workdir: Path, *, api: Optional[FakeBotAPI] = None, clock: Optional[Clock] = None,
                      services: Optional[Services] = None, core: Optional[BotCore] = None,
                      **settings_overrides: Any) -> AsyncIterator[tuple[FakeBotAPI, Services, BotCore]]:
    """The real Telegram channel in this event loop, polling a fake API (started if not given)."""
    from bot.channels.telegram.channel import TelegramChannel
    from bot.services import build_services

    async with contextlib.AsyncExitStack() as stack:
        if api is None:
            api = await stack.enter_async_context(FakeBotAPI())
        settings = bot_settings(api, workdir, **settings_overrides)
        if services is None:
            services = build_services(settings, clock)
        channel = TelegramChannel(settings, services, core)
        async with channel.running(poll_timeout=0.5):
            yield api, channel.services, channel.core


class BotProcess:
    """``python -m bot`` in a subprocess, with env pointing at the fake API and temp storage."""

    def __init__(self, api: FakeBotAPI, workdir: Path, *, fake_now: Optional[str] = None,
                 env: Optional[dict[str, str]] = None) -> None:
        self.api = api
        self.workdir = workdir
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.log_path = workdir / "bot.log"
        self.proc: Optional[subprocess.Popen[bytes]] = None
        self.env = {
            **os.environ,
            "BOT_TOKEN": api.token,
            "TELEGRAM_API_BASE_URL": api.url,
            "DATABASE_URL": f"sqlite:///{workdir / 'bot.sqlite3'}",
            "DATA_DIR": str(workdir / "data"),
            "LOG_LEVEL": "INFO",
            "PYTHONUNBUFFERED": "1",
            "OUTBOX_PER_CHAT_INTERVAL_SECONDS": "0",  # as bot_settings: dialog tests answer at once
            "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""),
        }
        if fake_now:
            self.env["BOT_FAKE_NOW"] = fake_now
        self.env.update(env or {})
        self.starts = 0

    def settings(self) -> Settings:
        """Settings equal to the subprocess's, to open its database from the test."""
        return Settings(_env_file=None, bot_token=self.api.token, telegram_api_base_url=self.api.url,
                        database_url=self.env["DATABASE_URL"], data_dir=Path(self.env["DATA_DIR"]),
                        fake_now=self.env.get("BOT_FAKE_NOW"))

    async def start(self, timeout: float = 60.0) -> None:
        """Start the bot and wait until it polls for updates, or in webhook mode until it has
        registered its webhook (it is then fully started)."""
        assert self.proc is None or self.proc.poll() is not None, "already running"
        polls_before = self.api.get_updates_calls
        webhooks_before = len(self.api.calls_of("setWebhook"))
        webhook_mode = bool(self.env.get("WEBHOOK_URL"))

        def started() -> bool:
            if webhook_mode:
                return len([c for c in self.api.calls_of("setWebhook") if c.status == 200]) > webhooks_before
            return self.api.get_updates_calls > polls_before

        self.starts += 1
        log = open(self.log_path, "ab")
        log.write(f"\n=== start {self.starts} ===\n".encode())
        log.flush()
        self.proc = subprocess.Popen([sys.executable, "-m", "bot"], cwd=self.workdir, env=self.env,
                                     stdout=log, stderr=subprocess.STDOUT)
        log.close()
        deadline = asyncio.get_running_loop().time() + timeout
        while not started():
            if self.proc.poll() is not None:
                raise AssertionError(f"bot exited with {self.proc.returncode}:\n{self.log()[-3000:]}")
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"bot did not start polling in {timeout}s:\n{self.log()[-3000:]}")
            await asyncio.sleep(0.05)

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Kill the bot without any cleanup (default SIGKILL) and reap it."""
        assert self.proc is not None
        self.proc.send_signal(sig)
        self.proc.wait(timeout=30)

    async def restart(self) -> None:
        self.kill()
        await self.start()

    async def stop(self, timeout: float = 20.0) -> int:
        """Graceful stop (SIGTERM); returns the exit code."""
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else 0
        self.proc.send_signal(signal.SIGTERM)
        deadline = asyncio.get_running_loop().time() + timeout
        while self.proc.poll() is None:
            if asyncio.get_running_loop().time() > deadline:
                self.proc.kill()
                self.proc.wait()
                break
            self.api.wake_pollers()  # end the bot's long poll instead of waiting it out
            await asyncio.sleep(0.1)
        return self.proc.returncode

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""
