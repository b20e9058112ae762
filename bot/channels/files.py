"""File fetchers: each channel installs one in ``services.fetchers[channel]``.

Telegram downloads by file_id, the console reads a local path; handlers get the bytes through
``services.fetchers`` by the user's channel and never see the channel itself.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Awaitable, Callable

from core.types import FileRef

if TYPE_CHECKING:
    from telegram import Bot

log = logging.getLogger(__name__)

FetchFile = Callable[[FileRef], Awaitable[bytes]]

# The cloud Bot API refuses downloads over 20 MB; a report photo is far smaller anyway.
MAX_FILE_BYTES = 20 * 1024 * 1024


class FileTooLarge(ValueError):
    """The user's file is over MAX_FILE_BYTES."""


def telegram_fetcher(bot: "Bot") -> FetchFile:
    """Download a Telegram file by its file_id (getFile, then the file URL)."""

    async def fetch(ref: FileRef) -> bytes:
        if ref.size is not None and ref.size > MAX_FILE_BYTES:
            raise FileTooLarge(f"{ref.kind} {ref.file_id} is {ref.size} bytes")
        tg_file = await bot.get_file(ref.file_id)
        if tg_file.file_size is not None and tg_file.file_size > MAX_FILE_BYTES:
            raise FileTooLarge(f"{ref.kind} {ref.file_id} is {tg_file.file_size} bytes")  # the update may not say
        data = bytes(await tg_file.download_as_bytearray())
        log.debug("fetched %s %s: %d bytes", ref.kind, ref.file_id, len(data))
        return data

    return fetch


def local_fetcher(base_dir: Path | None = None) -> FetchFile:
    """Read a local file: the console's ``/anh PATH`` sends a path as the file_id."""

    async def fetch(ref: FileRef) -> bytes:
        path = Path(ref.file_id).expanduser()
        if not path.is_absolute() and base_dir is not None:
            path = base_dir / path
        if path.stat().st_size > MAX_FILE_BYTES:
            raise FileTooLarge(f"{path} is over {MAX_FILE_BYTES} bytes")
        return path.read_bytes()

    return fetch
