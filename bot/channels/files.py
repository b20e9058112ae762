"""File fetchers: each channel installs one in ``services.fetchers[channel]``.

Telegram downloads by file_id, Zalo by the photo's URL, the console reads a local path;
handlers get the bytes through ``services.fetchers`` by the user's channel and never see the
channel itself.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Awaitable, Callable

from core.types import FileRef, FileUnavailable

if TYPE_CHECKING:
    from telegram import Bot

log = logging.getLogger(__name__)

FetchFile = Callable[[FileRef], Awaitable[bytes]]

# The cloud Bot API refuses downloads over 20 MB; a report photo is far smaller anyway.
MAX_FILE_BYTES = 20 * 1024 * 1024


class FileTooLarge(ValueError):
    """The user's file is over MAX_FILE_BYTES."""


def url_fetcher(download: Callable[[str, int], Awaitable[bytes]]) -> FetchFile:
    """Zalo: a user's photo arrives as a URL; ``download(url, max_bytes)`` fetches it."""

    async def fetch(ref: FileRef) -> bytes:
        if ref.size is not None and ref.size > MAX_FILE_BYTES:
            raise FileTooLarge(f"{ref.kind} is {ref.size} bytes")
        return await download(ref.file_id, MAX_FILE_BYTES)

    return fetch


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
        if not ref.file_id.strip():
            raise FileUnavailable("Chưa ghi đường dẫn tệp: gõ /anh ĐƯỜNG_DẪN.")
        path = Path(ref.file_id).expanduser()
        if not path.is_absolute() and base_dir is not None:
            path = base_dir / path
        if not path.is_file():
            raise FileUnavailable(f"Không thấy tệp {ref.file_id}" + (" (đó là thư mục)." if path.is_dir() else "."))
        if path.stat().st_size > MAX_FILE_BYTES:
            raise FileTooLarge(f"{path} is over {MAX_FILE_BYTES} bytes")
        try:
            return path.read_bytes()
        except OSError:
            raise FileUnavailable(f"Không đọc được tệp {ref.file_id}.") from None

    return fetch
