"""A file a user sent, downloaded and kept if its bytes pass: one way for every feature.

Report photos, criterion evidence, signed registration pages and dossier documents all arrive
the same way: the channel's fetcher downloads the file, a store writer checks its bytes,
hashes and keeps it. The writer runs in a thread (hashing and writing a 20 MB file must not
hold the event loop); every failure becomes a short Vietnamese note for the user.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Callable, Optional, TypeVar

from core.context import FetchFile
from core.types import FileRef, FileUnavailable

log = logging.getLogger(__name__)

T = TypeVar("T")
NOT_DOWNLOADED = "Không tải được tệp, anh/chị gửi lại giúp."


async def fetch_and_keep(fetch: FetchFile, ref: FileRef, keep: Callable[[bytes], T], *,
                         refused: type[Exception], refused_text: str, failed_text: str = NOT_DOWNLOADED,
                         check: Optional[Callable[[bytes], str]] = None) -> tuple[Optional[T], str]:
    """``keep(content)`` of the downloaded file, or None with the note to show.

    A missing file (the console's /anh or /tep with a wrong path) is said as it is; any other
    download failure is logged and asked again; ``check`` may refuse the bytes first (its
    note), and ``keep`` refuses them by raising ``refused``."""
    try:
        content = await fetch(ref)
    except FileUnavailable as exc:
        return None, str(exc)
    except Exception:
        log.exception("could not download %s", ref.file_id)
        return None, failed_text
    problem = check(content) if check is not None else ""
    if problem:
        return None, problem
    try:
        return await asyncio.to_thread(keep, content), ""
    except refused:
        log.info("file %s refused by its bytes", ref.file_id)
        return None, refused_text
