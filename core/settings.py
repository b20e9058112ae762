"""Settings from the environment and ``.env`` (pydantic-settings)."""

from __future__ import annotations

from datetime import datetime, time
from pathlib import Path
from typing import Annotated, Any, Optional

from pydantic import AliasChoices, BeforeValidator, Field
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from core.timespec import PolicyError, QuietHours, Step, parse_hhmm

from store.db import database_password

REPO_SAMPLE_DIR = Path(__file__).resolve().parent.parent / "store" / "sample"


def _steps(value: Any) -> Any:
    """"-7d@08:00,-3d@08:00" → Steps; pre-due steps only (overdue ones come from the time and limit)."""
    if not isinstance(value, str):
        return value
    steps = tuple(Step.parse(part) for part in value.split(",") if part.strip())
    if any(step.overdue for step in steps):
        raise PolicyError("mốc trước hạn không được mang dấu +; nhắc quá hạn đặt bằng giờ và số lần")
    return steps


def _clock_time(value: Any) -> Any:
    """"08:00" → time; empty → None (that reminder or digest is off)."""
    if isinstance(value, str):
        return parse_hhmm(value) if value.strip() else None
    return value


def _quiet(value: Any) -> Any:
    return QuietHours.parse(value) if isinstance(value, str) else value


Steps = Annotated[tuple[Step, ...], NoDecode, BeforeValidator(_steps)]
ClockTime = Annotated[Optional[time], NoDecode, BeforeValidator(_clock_time)]
Quiet = Annotated[QuietHours, NoDecode, BeforeValidator(_quiet)]


class Settings(BaseSettings):
    # Reminder times are parsed here, so a typo stops the bot at start with the setting's name,
    # not at the first sweep; assignments (tests, CLI overrides) are parsed the same way.
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore",
                                      validate_assignment=True, arbitrary_types_allowed=True)

    bot_token: Optional[str] = None
    telegram_api_base_url: str = "https://api.telegram.org"
    # Zalo Bot Platform: the bot's token; the tests point the base URL at their fake server.
    zalo_bot_token: Optional[str] = None
    zalo_api_base_url: str = "https://bot-api.zaloplatforms.com"
    zalo_poll_timeout_seconds: int = 30  # getUpdates long poll (development; production uses the webhook)
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
    # Live replies to one chat may go this many at once, then one per interval (a token bucket:
    # Telegram allows short bursts); reminders and broadcasts keep one per interval.
    outbox_per_chat_burst: int = 3
    outbox_max_attempts: int = 6  # network errors retried with backoff, then failed
    outbox_max_in_flight: int = 16  # concurrent sends (latency to Telegram is ~100-300 ms)
    # Every worker schedules the sweep; only the holder of the sweep role runs it (tests shorten it).
    sweep_interval_seconds: float = 60.0
    # Zalo publishes no numeric send limits for bots: stay well under Telegram's and let its
    # rate-limit answers pause sending (README "Zalo pacing").
    zalo_rate_per_second: float = 10.0
    zalo_per_chat_interval_seconds: float = 1.0
    # One Zalo send in flight at a time: at Zalo's low pace this costs no throughput while the
    # platform answers within 1/rate, and a kill can then repeat at most one message
    # (README "Zalo pacing").
    zalo_max_in_flight: int = 1

    # Webhook mode (production): WEBHOOK_URL is the public HTTPS base the platforms POST to
    # (<WEBHOOK_URL>/webhook/telegram, /webhook/zalo); without it the bot polls.
    webhook_url: Optional[str] = None
    webhook_secret: Optional[str] = None  # 8-256 of A-Z a-z 0-9 _ - (both platforms accept these)
    port: int = 8080
    # Bandit B104 waived: the webhook server sits behind a load balancer or in a container, so it
    # listens on every interface by default; WEB_HOST narrows it.
    web_host: str = "0.0.0.0"  # nosec B104
    # While the database is unreachable, updates stay unacknowledged and are retried with
    # backoff up to this many seconds apart (recovery takes at most this long once it is back).
    database_retry_max_seconds: float = 5.0
    file_link_ttl_seconds: int = 3600  # signed /files links (XLSX, charts for Zalo) stop working after this

    # Reminders (defaults for periods without their own policy; times are Asia/Ho_Chi_Minh).
    reminder_offsets: Steps = "-7d@08:00,-3d@08:00,-1d@08:00,0d@08:00"  # type: ignore[assignment]  # before / on the due day
    reminder_overdue_time: ClockTime = "08:00"  # type: ignore[assignment]  # daily while overdue, at this local time
    reminder_overdue_limit: int = 5  # at most this many overdue reminders per period
    quiet_hours: Quiet = "21:00-07:00"  # type: ignore[assignment]  # nothing is sent then; what falls due waits for the morning
    digest_time: ClockTime = "08:00"  # type: ignore[assignment]  # supervisors' daily overdue digest

    # Per-user limit: at most this many messages per window; one polite notice, then silence.
    rate_limit_messages: int = 60
    rate_limit_window_seconds: float = 60.0

    # Retention: removed officers' name, phone and chat ids are erased after this many days;
    # delivered outbox texts, processed-update keys, exports and charts after RETENTION_DAYS.
    officer_erase_after_days: int = 30
    retention_days: int = 90

    def secrets(self) -> list[Optional[str]]:
        """Values that must never reach a log line or an output: tokens, passwords."""
        return [self.bot_token, self.zalo_bot_token, self.webhook_secret, database_password(self.database_url)]

    @property
    def files_dir(self) -> Path:
        return self.data_dir / "files"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"
