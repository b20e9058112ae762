"""Rendering neutral replies for Zalo and sending them: the Zalo side of the outbox.

Zalo has no buttons, no documents and takes photos only by URL. Buttons become numbered
lines (the core reads typed numbers back, core.choices); a long text is split at 2,000
characters on paragraph/sentence bounds; an image or document goes out by a public link
when ``file_link`` can make one (the webhook server's signed /files links), otherwise a
short line says where the file can be had.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any, Awaitable, Callable, Optional

from bot.channels.zalo.api import TEXT_LIMIT, ZaloClient, ZaloError
from core.choices import numbered_text
from core.text import split_message
from core.types import Attachment, Reply
from core.outbox import SendResult

log = logging.getLogger(__name__)

# path of a stored file -> a public URL for it, or None (no webhook server to serve it)
FileLink = Callable[[str], Optional[str]]
MID_REPLY_RETRIES = 3
MID_REPLY_MAX_WAIT = 5.0
DEFAULT_RETRY_AFTER = 1.0  # Zalo's rate-limit answer may carry no wait: pause a second…
MAX_RETRY_AFTER = 30.0  # …doubling while the limits go on, up to this
LOCATION_HINT = "(Zalo chưa gửi được vị trí: anh/chị gõ vĩ độ, kinh độ, ví dụ 21.03, 105.85.)"
CONTACT_HINT = ("(Zalo không chia sẻ số điện thoại cho bot: anh/chị gõ mã mời nếu có, "
                "hoặc gõ /dangky để khai báo và chờ cán bộ tỉnh duyệt.)")
FILE_READY = ("Tệp “{name}” đã sẵn sàng nhưng Zalo chưa gửi được tệp. Anh/chị nhận tệp trong chat Telegram "
              "của bot hoặc nhờ quản trị lấy bằng dòng lệnh.")
FILE_LINK = "Tải tệp “{name}” (liên kết dùng trong thời gian ngắn): {url}"


def no_links(path: str) -> Optional[str]:
    """Without WEBHOOK_URL nothing serves files publicly."""
    return None


def render_text(reply: Reply) -> str:
    """Text, numbered choices and the hints for what Zalo cannot ask for."""
    lines = [numbered_text(reply)] if (reply.text or reply.buttons) else []
    if reply.request_location:
        lines.append(LOCATION_HINT)
    if reply.request_contact:
        lines.append(CONTACT_HINT)
    return "\n".join(line for line in lines if line)


def _file_line(att: Attachment, link: FileLink) -> tuple[Optional[str], str]:
    """(public URL or None, the line that tells the user about the file)."""
    url = link(att.path) if att.path else None
    if url:
        return url, FILE_LINK.format(name=att.file_name, url=url)
    return None, FILE_READY.format(name=att.file_name)


class ZaloTransport:
    """Sends one neutral Reply to a chat; Zalo errors come back as SendResult data."""

    channel = "zalo"

    def __init__(self, client: ZaloClient, file_link: Optional[Callable[[], FileLink]] = None) -> None:
        self.client = client
        # Looked up at send time: the webhook server installs its signer after start-up.
        self._file_link = file_link or (lambda: no_links)
        self._limited_in_a_row = 0

    async def send(self, chat_id: str, reply: Reply) -> SendResult:
        """The mapping of zalo_api.ZaloError (sources there): rate limit → retry_after (the
        platform's, else 1 s doubling to 30 s while limits go on); 403 → blocked; 401/404 → bad
        token (logged, retried with backoff); other 4xx → failed at once; 5xx, network → retried
        with backoff, a bounded number of times."""
        try:
            await self._deliver(chat_id, reply)
        except ZaloError as exc:
            return self._failed(exc)
        except (OSError, ValueError) as exc:
            return SendResult(ok=False, error=f"{type(exc).__name__}: {exc}")
        self._limited_in_a_row = 0
        return SendResult(ok=True)

    def _failed(self, exc: ZaloError) -> SendResult:
        if exc.rate_limited:
            wait = exc.retry_after or min(MAX_RETRY_AFTER, DEFAULT_RETRY_AFTER * 2 ** self._limited_in_a_row)
            self._limited_in_a_row += 1
            return SendResult(ok=False, retry_after=wait, error=str(exc))
        if exc.blocked:
            return SendResult(ok=False, blocked=True, error=str(exc))
        if exc.bad_token:
            log.error("Zalo refused ZALO_BOT_TOKEN (%s): check the token in Zalo Bot Manager", exc.error_code)
            return SendResult(ok=False, error=f"bad token: {exc.error_code}")
        if exc.permanent:
            return SendResult(ok=False, permanent=True, error=f"refused: {exc}")
        kind = "network" if exc.network else "zalo"
        return SendResult(ok=False, error=f"{kind}: {exc}")

    async def _deliver(self, chat_id: str, reply: Reply) -> None:
        """Send the pieces; once one is out, short rate-limit waits are waited out here so a
        retry of the whole reply never repeats a piece the user already has."""
        sent_any = False

        async def call(method: Callable[..., Awaitable[Any]], *args: Any) -> None:
            nonlocal sent_any
            for attempt in range(MID_REPLY_RETRIES + 1):
                try:
                    await method(chat_id, *args)
                    sent_any = True
                    return
                except ZaloError as exc:
                    wait = exc.retry_after or DEFAULT_RETRY_AFTER
                    if not exc.rate_limited or not sent_any or attempt == MID_REPLY_RETRIES \
                            or wait > MID_REPLY_MAX_WAIT:
                        raise
                    await asyncio.sleep(wait)

        text = render_text(reply)
        photo_url: Optional[str] = None
        for att in (reply.image, reply.document):
            if att is None:
                continue
            if att.path and not Path(att.path).exists():
                raise OSError(f"queued attachment {att.file_name!r} is gone")
            url, line = _file_line(att, self._file_link())
            if att is reply.image and url:
                photo_url = url  # Zalo shows an image by URL
            else:
                text = f"{text}\n\n{line}" if text else line
        parts = split_message(text, TEXT_LIMIT) if text.strip() else []
        if photo_url is not None:
            caption = parts.pop() if parts and len(parts[-1]) <= TEXT_LIMIT else None
            for part in parts:
                await call(self.client.send_message, part)
            await call(self.client.send_photo, photo_url, caption)
            return
        for part in parts:
            await call(self.client.send_message, part)
