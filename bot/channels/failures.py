"""Why serving could not start, as the one Vietnamese line an operator reads (``LỖI: …``): one
place for every entry point.

Polling (Telegram alone), the channels together (Zalo, or Telegram and Zalo) and webhook mode
all fail the same ways: a refused token, an unreachable API, a port in use. Each is told here
once, without the exception's English text or any secret; the detail goes to the debug log.
"""

from __future__ import annotations

import logging
import sys

from telegram.error import InvalidToken, NetworkError

from bot.channels.zalo.api import ZaloError
from core.settings import Settings

log = logging.getLogger(__name__)

# What starting the channels raises when it cannot serve (anything else is a bug, not a setting);
# webhook mode also listens on a port.
START_FAILURES: tuple[type[BaseException], ...] = (InvalidToken, NetworkError, ZaloError)
LISTEN_FAILURES: tuple[type[BaseException], ...] = (*START_FAILURES, OSError)


def failure_line(settings: Settings, exc: BaseException) -> str:
    """The operator's reason, in Vietnamese."""
    if isinstance(exc, InvalidToken):
        return "Telegram từ chối BOT_TOKEN: kiểm tra lại mã lấy từ @BotFather"
    if isinstance(exc, ZaloError):
        if exc.bad_token:
            return "Zalo từ chối ZALO_BOT_TOKEN: kiểm tra lại mã trong Zalo Bot Manager"
        return f"không kết nối được Zalo Bot API tại {settings.zalo_api_base_url}"
    if isinstance(exc, NetworkError):
        return f"không kết nối được Bot API của Telegram tại {settings.telegram_api_base_url}"
    return (f"không mở được cổng (PORT {settings.port}, METRICS_PORT {settings.metrics_port}): "
            "cổng đang bị chương trình khác dùng hoặc không có quyền")


def serving_failed(settings: Settings, exc: BaseException) -> int:
    """Print the ``LỖI:`` line (stderr); the exit status of the entry point."""
    log.debug("serving could not start", exc_info=exc)
    print(f"LỖI: không chạy được bot: {failure_line(settings, exc)}", file=sys.stderr)
    return 1
