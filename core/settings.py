"""Settings from the environment and ``.env`` (pydantic-settings)."""

from __future__ import annotations

import re
from datetime import datetime, time
from pathlib import Path
from typing import Annotated, Any, Optional

from pydantic import AliasChoices, BeforeValidator, Field, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from core.timespec import PolicyError, QuietHours, Step, parse_hhmm

from store.db import database_password

WEBHOOK_SECRET_PATTERN = re.compile(r"[A-Za-z0-9_-]{8,256}")
LINK_KEY_MIN_CHARS = 43  # secrets.token_urlsafe(32): 32 random bytes
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


def _webhook_secret(value: Any) -> Any:
    """Telegram takes 1-256 and Zalo 8-256 of A-Z a-z 0-9 _ -; the value is never echoed back."""
    text = value.get_secret_value() if isinstance(value, SecretStr) else value
    if isinstance(text, str) and text and not WEBHOOK_SECRET_PATTERN.fullmatch(text):
        raise ValueError("phải dài 8–256 ký tự, chỉ gồm A-Z, a-z, 0-9, _ hoặc -")
    return value


def _link_key(value: Any) -> Any:
    """At least 32 random bytes: 43 characters of secrets.token_urlsafe(32), not a repeated pattern."""
    text = value.get_secret_value() if isinstance(value, SecretStr) else value
    if isinstance(text, str) and text and (len(text) < LINK_KEY_MIN_CHARS or len(set(text)) < 16):
        raise ValueError(f"phải dài ít nhất {LINK_KEY_MIN_CHARS} ký tự ngẫu nhiên (tạo bằng: python -c "
                         "\"import secrets; print(secrets.token_urlsafe(32))\")")
    return value


def reveal(secret: Optional[SecretStr]) -> str:
    """The plain value of a secret setting, for the one call that needs it ('' when unset)."""
    return secret.get_secret_value() if secret is not None else ""


Steps = Annotated[tuple[Step, ...], NoDecode, BeforeValidator(_steps)]
ClockTime = Annotated[Optional[time], NoDecode, BeforeValidator(_clock_time)]
Quiet = Annotated[QuietHours, NoDecode, BeforeValidator(_quiet)]
WebhookSecret = Annotated[Optional[SecretStr], BeforeValidator(_webhook_secret)]
LinkKey = Annotated[Optional[SecretStr], BeforeValidator(_link_key)]


class Settings(BaseSettings):
    # Reminder times are parsed here, so a typo stops the bot at start with the setting's name,
    # not at the first sweep; assignments (tests, CLI overrides) are parsed the same way.
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore",
                                      validate_assignment=True, arbitrary_types_allowed=True)

    bot_token: Optional[SecretStr] = None
    telegram_api_base_url: str = "https://api.telegram.org"
    # Zalo Bot Platform: the bot's token; the tests point the base URL at their fake server.
    zalo_bot_token: Optional[SecretStr] = None
    zalo_api_base_url: str = "https://bot-api.zaloplatforms.com"
    zalo_poll_timeout_seconds: int = Field(default=30, ge=1, le=120)  # getUpdates long poll (development; production uses the webhook)
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
    outbox_rate_per_second: float = Field(default=28.0, gt=0, le=1000)
    outbox_per_chat_interval_seconds: float = Field(default=1.0, ge=0, le=3600)
    # Live replies to one chat may go this many at once, then one per interval (a token bucket:
    # Telegram allows short bursts); reminders and broadcasts keep one per interval.
    outbox_per_chat_burst: int = Field(default=3, ge=1, le=100)
    outbox_max_attempts: int = Field(default=6, ge=1, le=100)  # network errors retried with backoff, then failed
    outbox_max_in_flight: int = Field(default=16, ge=1, le=1000)  # concurrent sends (latency to Telegram is ~100-300 ms)
    # Every worker schedules the sweep; only the holder of the sweep role runs it (tests shorten it).
    sweep_interval_seconds: float = Field(default=60.0, gt=0, le=86400)
    # Zalo publishes no numeric send limits for bots: stay well under Telegram's and let its
    # rate-limit answers pause sending (README "Zalo pacing").
    zalo_rate_per_second: float = Field(default=10.0, gt=0, le=1000)
    zalo_per_chat_interval_seconds: float = Field(default=1.0, ge=0, le=3600)
    # One Zalo send in flight at a time: at Zalo's low pace this costs no throughput while the
    # platform answers within 1/rate, and a kill can then repeat at most one message
    # (README "Zalo pacing").
    zalo_max_in_flight: int = Field(default=1, ge=1, le=1000)

    # Webhook mode (production): WEBHOOK_URL is the public HTTPS base the platforms POST to
    # (<WEBHOOK_URL>/webhook/telegram, /webhook/zalo); without it the bot polls. Each platform has
    # its own secret (one platform, or a proxy logging its headers, cannot forge the other's
    # updates) and the /files links have their own signing key (README "Settings").
    webhook_url: Optional[str] = None
    telegram_webhook_secret: WebhookSecret = None
    zalo_webhook_secret: WebhookSecret = None
    file_link_key: LinkKey = None  # signs /files links; >= 32 random bytes
    # The one secret of earlier versions: refused at start (bot.webhook.serve.settings_problem).
    webhook_secret: Optional[SecretStr] = None
    port: int = Field(default=8080, ge=1, le=65535)
    # Bandit B104 waived: the webhook server sits behind a load balancer or in a container, so it
    # listens on every interface by default; WEB_HOST narrows it.
    web_host: str = "0.0.0.0"  # nosec B104
    # /metrics and /healthz: their own listener, on loopback by default (a scraper or probe on
    # the same host or pod); 0 picks a free port (tests).
    metrics_host: str = "127.0.0.1"
    metrics_port: int = Field(default=9464, ge=0, le=65535)
    # While the database is unreachable, updates stay unacknowledged and are retried with
    # backoff up to this many seconds apart (recovery takes at most this long once it is back).
    database_retry_max_seconds: float = Field(default=5.0, gt=0, le=3600)
    file_link_ttl_seconds: int = Field(default=3600, ge=60, le=7 * 86400)  # signed /files links (XLSX, charts for Zalo) stop working after this

    # Reminders (defaults for periods without their own policy; times are Asia/Ho_Chi_Minh).
    reminder_offsets: Steps = "-7d@08:00,-3d@08:00,-1d@08:00,0d@08:00"  # type: ignore[assignment]  # before / on the due day
    reminder_overdue_time: ClockTime = "08:00"  # type: ignore[assignment]  # daily while overdue, at this local time
    reminder_overdue_limit: int = Field(default=5, ge=0, le=365)  # at most this many overdue reminders per period
    quiet_hours: Quiet = "21:00-07:00"  # type: ignore[assignment]  # nothing is sent then; what falls due waits for the morning
    digest_time: ClockTime = "08:00"  # type: ignore[assignment]  # supervisors' daily overdue digest

    # Per-user limit: at most this many messages per window; one polite notice, then silence.
    rate_limit_messages: int = Field(default=60, ge=1, le=10**9)  # 10**9: no limit (benchmarks)
    rate_limit_window_seconds: float = Field(default=60.0, gt=0, le=86400)

    # Retention: removed officers' name, phone and chat ids are erased after this many days;
    # delivered outbox texts, processed-update keys, exports and charts after RETENTION_DAYS.
    officer_erase_after_days: int = Field(default=30, ge=1, le=3650)
    retention_days: int = Field(default=90, ge=1, le=3650)

    @model_validator(mode="after")
    def _distinct(self) -> "Settings":
        """One value per purpose: a secret shared between two of them is refused."""
        values = [reveal(s) for s in (self.telegram_webhook_secret, self.zalo_webhook_secret, self.file_link_key)]
        given = [v for v in values if v]
        if len(set(given)) != len(given):
            raise ValueError("TELEGRAM_WEBHOOK_SECRET, ZALO_WEBHOOK_SECRET và FILE_LINK_KEY phải khác nhau")
        if self.metrics_port and self.metrics_port == self.port:
            raise ValueError("METRICS_PORT phải khác PORT")
        return self

    def secrets(self) -> list[Optional[str]]:
        """Values that must never reach a log line or an output: tokens, passwords."""
        hidden = (self.bot_token, self.zalo_bot_token, self.telegram_webhook_secret, self.zalo_webhook_secret,
                  self.file_link_key, self.webhook_secret)
        return [reveal(s) or None for s in hidden] + [database_password(self.database_url)]

    @property
    def files_dir(self) -> Path:
        return self.data_dir / "files"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"


MESSAGES = {  # pydantic's error types, said in Vietnamese (the values are never echoed: secrets)
    "greater_than": "phải lớn hơn {gt}", "greater_than_equal": "phải từ {ge} trở lên",
    "less_than": "phải nhỏ hơn {lt}", "less_than_equal": "phải không quá {le}",
    "int_parsing": "phải là số nguyên", "int_from_float": "phải là số nguyên",
    "float_parsing": "phải là số", "bool_parsing": "phải là true hoặc false",
    "datetime_parsing": "phải là thời điểm ISO 8601", "datetime_from_date_parsing": "phải là thời điểm ISO 8601",
}


def settings_error_line(error: ValidationError) -> str:
    """A refused configuration in one Vietnamese line that names each bad setting."""
    parts = []
    for item in error.errors():
        name = ".".join(str(part) for part in item["loc"]).upper()
        template = MESSAGES.get(item["type"])
        ctx = {k: int(v) if isinstance(v, float) and v.is_integer() else v for k, v in (item.get("ctx") or {}).items()}
        text = template.format(**ctx) if template else item["msg"].removeprefix("Value error, ")
        parts.append(f"{name} {text}" if template else (f"{name} không hợp lệ: {text}" if name else text))
    return "Cài đặt " + "; ".join(parts)
