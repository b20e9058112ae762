"""Settings from the environment and ``.env`` (pydantic-settings)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Optional

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from store.db import database_password

REPO_SAMPLE_DIR = Path(__file__).resolve().parent.parent / "store" / "sample"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    bot_token: Optional[str] = None
    telegram_api_base_url: str = "https://api.telegram.org"
    database_url: str = "sqlite:///bot.sqlite3"
    # Where the bot keeps files it stores: report photos, exports, the search index.
    data_dir: Path = Path("bot-data")
    sample_dir: Path = REPO_SAMPLE_DIR
    load_samples: bool = True  # load bundled directives and forms on first start
    log_level: str = "INFO"
    # TEST-ONLY: freeze the clock at this instant (BOT_FAKE_NOW=2026-06-25T08:00:00+07:00) so
    # subprocess end-to-end tests control time; never set it in production.
    fake_now: Optional[datetime] = Field(default=None, validation_alias=AliasChoices("BOT_FAKE_NOW", "fake_now"))

    # Outbox pacing (Telegram: 30 messages/s overall, 1/s per chat).
    outbox_rate_per_second: float = 28.0
    outbox_per_chat_interval_seconds: float = 1.0
    outbox_max_attempts: int = 6  # network errors retried with backoff, then failed
    outbox_max_in_flight: int = 16  # concurrent sends (latency to Telegram is ~100-300 ms)
    # Every worker schedules the sweep; only the holder of the sweep role runs it (tests shorten it).
    sweep_interval_seconds: float = 60.0
    # Zalo is paced on its own (its OA limits differ from Telegram's).
    zalo_rate_per_second: float = 10.0
    zalo_per_chat_interval_seconds: float = 1.0

    # Reminders (defaults for periods without their own policy; times are Asia/Ho_Chi_Minh).
    reminder_offsets: str = "-7d@08:00,-3d@08:00,-1d@08:00,0d@08:00"  # before / on the due day
    reminder_overdue_time: str = "08:00"  # daily while overdue, at this local time
    reminder_overdue_limit: int = 5  # at most this many overdue reminders per period
    quiet_hours: str = "21:00-07:00"  # nothing is sent then; what falls due waits for the morning
    digest_time: str = "08:00"  # supervisors' daily overdue digest

    def secrets(self) -> list[Optional[str]]:
        """Values that must never reach a log line or an output: tokens, passwords."""
        return [self.bot_token, database_password(self.database_url)]

    @property
    def files_dir(self) -> Path:
        return self.data_dir / "files"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"
