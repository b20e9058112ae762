"""Settings from the environment and ``.env`` (pydantic-settings)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from pydantic_settings import BaseSettings, SettingsConfigDict

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

    # Outbox pacing (Telegram: 30 messages/s overall, 1/s per chat).
    outbox_rate_per_second: float = 28.0
    outbox_per_chat_interval_seconds: float = 1.0

    @property
    def files_dir(self) -> Path:
        return self.data_dir / "files"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"
