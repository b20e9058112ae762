"""``python -m bot``: which channel it serves, its help, its errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import bot.cli as cli
from core.settings import Settings

REPO = Path(__file__).resolve().parents[2]


def test_help_lists_serve(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "bot", "--help"], capture_output=True, text=True, cwd=REPO,
                            timeout=120)
    assert result.returncode == 0
    assert "serve" in result.stdout


def test_unknown_subcommand_exits_2(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "bot", "khongco"], capture_output=True, text=True, cwd=REPO,
                            timeout=120)
    assert result.returncode == 2
    assert result.stderr.startswith("LỖI: không có lệnh “khongco”")
    assert len(result.stderr.strip().splitlines()) == 1  # one line, no usage dump


def test_no_token_serves_console(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, Settings] = {}

    async def fake_console(settings: Settings) -> int:
        seen["console"] = settings
        return 0

    monkeypatch.delenv("BOT_TOKEN", raising=False)
    monkeypatch.chdir(Path("/"))  # no .env here
    monkeypatch.setattr("bot.channels.console.chat.run_console", fake_console)
    assert cli.main([]) == 0
    assert seen["console"].bot_token is None


def test_token_serves_telegram_unless_console_forced(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []

    def fake_telegram(settings: Settings) -> int:
        seen.append(f"telegram {settings.bot_token} {settings.telegram_api_base_url}")
        return 0

    async def fake_console(settings: Settings) -> int:
        seen.append("console")
        return 0

    monkeypatch.setenv("BOT_TOKEN", "1:abc")
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", "http://127.0.0.1:9")
    monkeypatch.chdir(Path("/"))
    monkeypatch.setattr("bot.channels.telegram.channel.run_telegram", fake_telegram)
    monkeypatch.setattr("bot.channels.console.chat.run_console", fake_console)
    assert cli.main([]) == 0
    assert cli.main(["serve", "--console"]) == 0
    assert seen == ["telegram 1:abc http://127.0.0.1:9", "console"]


def test_fake_now_is_test_only_and_frozen(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from bot.services import build_services
    from store.clock import FakeClock, SystemClock

    settings = Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'a.db'}", data_dir=tmp_path / "d")
    assert isinstance(build_services(settings, startup=False).clock, SystemClock)
    monkeypatch.setenv("BOT_FAKE_NOW", "2026-06-25T08:00:00+07:00")
    frozen = Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'b.db'}", data_dir=tmp_path / "d")
    clock = build_services(frozen, startup=False).clock
    assert isinstance(clock, FakeClock)
    assert frozen.fake_now is not None
    assert clock.now() == frozen.fake_now  # 08:00 in Vietnam, 01:00 UTC
    assert clock.now().timestamp() == 1782349200
