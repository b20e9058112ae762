"""Logging for every entry point: one line per event, secrets never written.

httpx logs each request URL at INFO, and Bot API URLs carry the token
(``…/bot<TOKEN>/getMe``); database URLs carry a password. A filter on every root handler
replaces the configured secrets and anything shaped like a bot token or a URL password, so
a log line (or a traceback) can never leak them, whichever library wrote it.
"""

from __future__ import annotations

import logging
import re
import sys
from typing import Iterable, Optional
from urllib.parse import unquote


REDACTED = "***"
# Telegram tokens are "<digits>:<35 chars>"; Zalo's are similar; catch them in any URL path.
TOKEN_IN_PATH = re.compile(r"(/bot)[^/\s]+(?=/)")
# user:password@host in any URL-like string.
URL_PASSWORD = re.compile(r"(\b[a-z][a-z0-9+.-]*://[^:/@\s]*:)[^@\s]+(@)", re.I)
NOISY_LOGGERS = ("httpx", "httpcore", "apscheduler", "alembic", "telegram.ext.Updater", "aiohttp.access", "bm25s")
OUR_PACKAGES = frozenset({"bot", "core", "handlers", "store", "reminders", "__main__"})


class QuietLibraries(logging.Filter):
    """Drops libraries' DEBUG records, and the noisy ones' INFO (used unless verbose).

    Setting their loggers' levels is not enough: some (bm25s) set their own logger to DEBUG
    when first imported, after logging is configured.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.WARNING or record.name.split(".", 1)[0] in OUR_PACKAGES:
            return True
        noisy = any(record.name == n or record.name.startswith(n + ".") for n in NOISY_LOGGERS)
        return record.levelno >= logging.INFO and not noisy


class RedactSecrets(logging.Filter):
    """Rewrites each record's message (arguments and traceback included) without secrets."""

    def __init__(self, secrets: Iterable[Optional[str]] = ()) -> None:
        super().__init__()
        self.secrets: list[str] = []
        self.add(*secrets)

    def add(self, *secrets: Optional[str]) -> None:
        for secret in secrets:
            if secret and len(secret) >= 4:
                for form in {secret, unquote(secret)}:
                    if form not in self.secrets:
                        self.secrets.append(form)
        self.secrets.sort(key=len, reverse=True)  # the longest first: no partial leftovers

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        text = TOKEN_IN_PATH.sub(rf"\1{REDACTED}", text)
        return URL_PASSWORD.sub(rf"\1{REDACTED}\2", text)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        record.msg, record.args = self.redact(message), None
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def configure_logging(level: str, secrets: Iterable[Optional[str]] = (), *, verbose: bool = False) -> RedactSecrets:
    """Root logging to stderr with the redacting filter on every handler.

    Library chatter (httpx request lines, APScheduler, Alembic) stays at WARNING unless
    ``verbose``; the filter applies either way.
    """
    logging.basicConfig(level=level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s",
                        stream=sys.stderr, force=True)
    redactor = RedactSecrets(secrets)
    for handler in logging.getLogger().handlers:
        handler.addFilter(redactor)
        if not verbose:
            handler.addFilter(QuietLibraries())
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(logging.DEBUG if verbose else logging.WARNING)
    return redactor
