"""Why serving could not start, in one line for the operator: one place for every entry point.

Polling (Telegram alone), the channels together (Zalo, or Telegram and Zalo) and webhook mode
all fail the same ways: a refused token, an unreachable API, a port in use.
"""

from __future__ import annotations

import logging

from telegram.error import InvalidToken, NetworkError

from bot.channels.zalo.api import ZaloError
from core.settings import Settings

log = logging.getLogger(__name__)

# What starting the channels raises when it cannot serve (anything else is a bug, not a setting);
# webhook mode also listens on a port.
START_FAILURES: tuple[type[BaseException], ...] = (InvalidToken, NetworkError, ZaloError)
LISTEN_FAILURES: tuple[type[BaseException], ...] = (*START_FAILURES, OSError)


def failure_line(settings: Settings, exc: BaseException) -> str:
    if isinstance(exc, InvalidToken):
        return "Telegram refused BOT_TOKEN: check the token from @BotFather"
    if isinstance(exc, ZaloError):
        if exc.bad_token:
            return "Zalo refused ZALO_BOT_TOKEN: check the token in Zalo Bot Manager"
        return f"cannot reach the Zalo Bot API at {settings.zalo_api_base_url}: {exc}"
    if isinstance(exc, NetworkError):
        return f"cannot reach the Bot API at {settings.telegram_api_base_url}: {exc}"
    return f"cannot listen on port {settings.port}: {exc}"


def serving_failed(settings: Settings, exc: BaseException) -> int:
    """Log why serving stopped before it began; the exit status of the entry point."""
    log.error("%s", failure_line(settings, exc))
    return 1
