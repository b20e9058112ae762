"""Why the bot could not start serving, as the one Vietnamese line an operator reads (``LỖI: …``).

Polling, Zalo-only and webhook starts meet the same failures (a refused token, an unreachable
platform, a port in use); each is told here once, without the exception's English text or any
secret, and the technical detail goes to the debug log.
"""

from __future__ import annotations

import logging
import sys
from typing import Optional

from telegram.error import InvalidToken, NetworkError

from bot.channels.zalo.api import ZaloError
from core.settings import Settings

log = logging.getLogger(__name__)

# What a start can fail on; anything else is a bug and keeps its traceback in the log.
START_FAILURES = (InvalidToken, ZaloError, NetworkError, OSError)


def start_failure(exc: BaseException, settings: Settings) -> Optional[str]:
    """The operator's line for a failed start (None: not a start failure)."""
    if isinstance(exc, InvalidToken):
        return "Telegram từ chối BOT_TOKEN: kiểm tra lại mã lấy từ @BotFather"
    if isinstance(exc, ZaloError):
        if exc.bad_token:
            return "Zalo từ chối ZALO_BOT_TOKEN: kiểm tra lại mã trong Zalo Bot Manager"
        return f"không kết nối được Zalo Bot API tại {settings.zalo_api_base_url}"
    if isinstance(exc, NetworkError):
        return f"không kết nối được Bot API của Telegram tại {settings.telegram_api_base_url}"
    if isinstance(exc, OSError):
        return (f"không mở được cổng (PORT {settings.port}, METRICS_PORT {settings.metrics_port}): "
                "cổng đang bị chương trình khác dùng hoặc không có quyền")
    return None


def report_start_failure(exc: BaseException, settings: Settings) -> int:
    """Print the ``LỖI:`` line (stderr) and return the exit status 1."""
    log.debug("start failed", exc_info=exc)
    print(f"LỖI: không chạy được bot: {start_failure(exc, settings)}", file=sys.stderr)
    return 1
