"""Settings are parsed and checked at start: a typo names the setting before anything runs."""

from __future__ import annotations

import subprocess
import sys
from datetime import time
from pathlib import Path

import pytest
from pydantic import ValidationError

from core.settings import Settings
from core.timespec import QuietHours

REPO = Path(__file__).resolve().parents[2]


def test_reminder_times_are_parsed_types() -> None:
    s = Settings(_env_file=None, reminder_offsets="-7d@08:00, -90m", quiet_hours="22:00-06:00", digest_time="")
    assert [step.key for step in s.reminder_offsets] == ["-7d@08:00", "-90m"]
    assert s.quiet_hours == QuietHours(time(22, 0), time(6, 0))
    assert s.digest_time is None  # empty: no digest
    s.reminder_overdue_time = "09:30"  # assignments are parsed too
    assert s.reminder_overdue_time == time(9, 30)


@pytest.mark.parametrize("name,value", [("quiet_hours", "21h-7h"), ("reminder_offsets", "-7 ngay"),
                                        ("digest_time", "24:00"), ("reminder_offsets", "+1d@08:00")])
def test_a_typo_is_refused_at_construction(name: str, value: str) -> None:
    with pytest.raises(ValidationError):
        Settings(_env_file=None, **{name: value})


def test_cli_names_the_bad_setting_in_one_vietnamese_line(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "QUIET_HOURS": "21-7", "DATABASE_URL": f"sqlite:///{tmp_path / 'b.db'}",
           "PYTHONPATH": str(REPO)}
    out = subprocess.run([sys.executable, "-m", "bot", "periods", "list"], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 2
    assert out.stderr.strip().splitlines() == [
        "Cài đặt QUIET_HOURS không hợp lệ: giờ yên lặng không hợp lệ: “21-7” (ví dụ 21:00-07:00)"]
    assert "Traceback" not in out.stderr


@pytest.mark.parametrize("env,line", [
    ({"RATE_LIMIT_MESSAGES": "-5"}, "Cài đặt RATE_LIMIT_MESSAGES phải từ 1 trở lên"),
    ({"FILE_LINK_TTL_SECONDS": "-1"}, "Cài đặt FILE_LINK_TTL_SECONDS phải từ 60 trở lên"),
    ({"PORT": "99999", "OUTBOX_RATE_PER_SECOND": "0"},
     "Cài đặt OUTBOX_RATE_PER_SECOND phải lớn hơn 0; PORT phải không quá 65535"),
    ({"RETENTION_DAYS": "ba mươi"}, "Cài đặt RETENTION_DAYS phải là số nguyên"),
    ({"FILE_LINK_KEY": "Sup3r-Secret-but-short"}, "Cài đặt FILE_LINK_KEY không hợp lệ: phải dài ít nhất 43 ký tự "
     "ngẫu nhiên (tạo bằng: python -c \"import secrets; print(secrets.token_urlsafe(32))\")"),
    ({"TELEGRAM_WEBHOOK_SECRET": "Same-Secret_123", "ZALO_WEBHOOK_SECRET": "Same-Secret_123"},
     "Cài đặt TELEGRAM_WEBHOOK_SECRET, ZALO_WEBHOOK_SECRET và FILE_LINK_KEY phải khác nhau"),
])
def test_absurd_values_are_refused_in_one_line_without_the_secret(tmp_path: Path, env: dict[str, str],
                                                                   line: str) -> None:
    base = {"PATH": "/usr/bin:/bin", "DATABASE_URL": f"sqlite:///{tmp_path / 'b.db'}", "PYTHONPATH": str(REPO),
            "BOT_TOKEN": "123456:TOKEN-never-printed"}
    out = subprocess.run([sys.executable, "-m", "bot", "periods", "list"], cwd=tmp_path, env={**base, **env},
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 2
    assert out.stderr.strip().splitlines() == [line]
    assert "Traceback" not in out.stderr and "TOKEN-never-printed" not in out.stderr
    assert "Sup3r" not in out.stderr and "Same-Secret" not in out.stderr


def test_tokens_and_secrets_are_secretstr() -> None:
    s = Settings(_env_file=None, bot_token="123456:abc-token", zalo_bot_token="zalo-token-1",
                 telegram_webhook_secret="tg-secret-123", file_link_key="k" * 20 + "abcdefghijklmnopqrstuvwxyz")
    shown = f"{s!r} {s}"
    for value in ("abc-token", "zalo-token-1", "tg-secret-123", "abcdefghij"):
        assert value not in shown
    assert "123456:abc-token" in s.secrets() and "tg-secret-123" in s.secrets()
