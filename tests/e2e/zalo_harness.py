"""Run the real Zalo channel (client + core + database + outbox) against the fake Zalo API.

In-process::

    async with running_zalo(tmp_path) as (api, services, core):
        api.push_text(ZUSER, "/start")
        calls = await api.wait_for(ZUSER.id)

As a subprocess (``python -m bot``) for kill -9 tests: ``ZaloBotProcess`` (same life cycle as
tests.e2e.harness.BotProcess, optionally with the fake Telegram API too).
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

from bot.serve import channels_running
from bot.services import build_services
from core.settings import Settings
from handlers.app import build_router
from core.context import Services
from core.dispatch import BotCore
from store.clock import Clock
from tests.e2e.fakebotapi import FakeBotAPI
from tests.e2e.fakezaloapi import FakeZaloAPI, FakeZaloUser

REPO = Path(__file__).resolve().parents[2]
ZUSER = FakeZaloUser(id="8123456789012345678", display_name="Lò Thị Hoa")


def zalo_settings(api: FakeZaloAPI, workdir: Path, telegram: Optional[FakeBotAPI] = None, **overrides: Any) -> Settings:
    values: dict[str, Any] = dict(
        _env_file=None, zalo_bot_token=api.token, zalo_api_base_url=api.url, zalo_poll_timeout_seconds=1,
        database_url=f"sqlite:///{workdir / 'bot.sqlite3'}", data_dir=workdir / "data", bot_token=None)
    if telegram is not None:
        values.update(bot_token=telegram.token, telegram_api_base_url=telegram.url)
    values.update(overrides)
    return Settings(**values)


@contextlib.asynccontextmanager
async def running_zalo(workdir: Path, *, api: Optional[FakeZaloAPI] = None, telegram: Optional[FakeBotAPI] = None,
                       clock: Optional[Clock] = None, services: Optional[Services] = None,
                       **overrides: Any) -> AsyncIterator[tuple[FakeZaloAPI, Services, BotCore]]:
    """The real channels in this event loop: Zalo polling a fake (started if not given), and
    Telegram too when ``telegram`` is given."""
    async with contextlib.AsyncExitStack() as stack:
        if api is None:
            api = await stack.enter_async_context(FakeZaloAPI())
        settings = zalo_settings(api, workdir, telegram, **overrides)
        services = services or build_services(settings, clock)
        core = BotCore(services, build_router())
        async with channels_running(settings, services=services, core=core):
            yield api, services, core


class ZaloBotProcess:
    """``python -m bot`` serving Zalo (and Telegram when given) in a subprocess."""

    def __init__(self, api: FakeZaloAPI, workdir: Path, *, telegram: Optional[FakeBotAPI] = None,
                 env: Optional[dict[str, str]] = None) -> None:
        self.api, self.telegram, self.workdir = api, telegram, workdir
        workdir.mkdir(parents=True, exist_ok=True)
        self.log_path = workdir / "bot.log"
        self.proc: Optional[subprocess.Popen[bytes]] = None
        self.env = {k: v for k, v in os.environ.items() if k not in ("BOT_TOKEN", "TELEGRAM_API_BASE_URL")}
        self.env.update({
            "ZALO_BOT_TOKEN": api.token, "ZALO_API_BASE_URL": api.url, "ZALO_POLL_TIMEOUT_SECONDS": "1",
            "DATABASE_URL": f"sqlite:///{workdir / 'bot.sqlite3'}", "DATA_DIR": str(workdir / "data"),
            "LOG_LEVEL": "INFO", "PYTHONUNBUFFERED": "1",
            "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""),
        })
        if telegram is not None:
            self.env.update(BOT_TOKEN=telegram.token, TELEGRAM_API_BASE_URL=telegram.url)
        self.env.update(env or {})

    def settings(self) -> Settings:
        return zalo_settings(self.api, self.workdir, self.telegram,
                             database_url=self.env["DATABASE_URL"], data_dir=Path(self.env["DATA_DIR"]))

    async def start(self, timeout: float = 60.0) -> None:
        """Start and wait until it polls Zalo (and Telegram when given): it is then serving."""
        zalo_before = self.api.get_updates_calls
        tg_before = self.telegram.get_updates_calls if self.telegram else 0
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen([sys.executable, "-m", "bot"], cwd=self.workdir, env=self.env,
                                         stdout=log, stderr=subprocess.STDOUT)
        deadline = asyncio.get_running_loop().time() + timeout
        while self.api.get_updates_calls <= zalo_before or (
                self.telegram is not None and self.telegram.get_updates_calls <= tg_before):
            if self.proc.poll() is not None:
                raise AssertionError(f"bot exited with {self.proc.returncode}:\n{self.log()[-3000:]}")
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"bot did not start in {timeout}s:\n{self.log()[-3000:]}")
            await asyncio.sleep(0.05)

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)

    async def stop(self, timeout: float = 20.0) -> int:
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else 0
        self.proc.send_signal(signal.SIGTERM)
        deadline = asyncio.get_running_loop().time() + timeout
        while self.proc.poll() is None:
            if asyncio.get_running_loop().time() > deadline:
                self.proc.kill()
                self.proc.wait()
                break
            self.api.wake_pollers()
            if self.telegram is not None:
                self.telegram.wake_pollers()
            await asyncio.sleep(0.1)
        return self.proc.returncode

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""


class ZChat:
    """One Zalo user: push something, wait for the bot's next message(s) to that chat."""

    def __init__(self, api: FakeZaloAPI, user: FakeZaloUser) -> None:
        self.api, self.user = api, user
        self.last: list[Any] = []

    async def _do(self, push: Any, replies: int, timeout: float) -> str:
        before = len(self.api.sent(self.user.id))
        push()
        calls = await self.api.wait_for(self.user.id, count=before + replies, timeout=timeout)
        self.last = calls[before:]
        return self.said

    async def text(self, text: str, replies: int = 1, timeout: float = 20) -> str:
        return await self._do(lambda: self.api.push_text(self.user, text), replies, timeout)

    async def image(self, content: bytes, replies: int = 1, timeout: float = 20) -> str:
        return await self._do(lambda: self.api.push_image(self.user, content), replies, timeout)

    async def text_after(self, push: Any, replies: int = 1, timeout: float = 20) -> str:
        """Any push helper of the fake taking the user (sticker, unsupported…)."""
        return await self._do(lambda: push(self.user), replies, timeout)

    @property
    def said(self) -> str:
        return "\n".join(c.text for c in self.last)
