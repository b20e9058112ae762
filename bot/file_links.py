"""Short-lived signed links to files the bot made (XLSX exports, charts) for channels that
cannot receive files (Zalo): ``<WEBHOOK_URL>/files/<token>``.

The token holds the file's path under DATA_DIR and the chat it was made for, signed with
FILE_LINK_KEY (a key of its own, never a webhook secret) and a timestamp (itsdangerous): it
names one file, cannot be forged or altered without the key, and stops working
FILE_LINK_TTL_SECONDS after it was made. Only exports and charts get links (never report
photos or the search index), and a link works only while the officer it was made for is
still active: removing an officer kills the links they were sent. The path is checked again
when served, so even a validly signed token cannot reach outside those folders.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any, Callable, Optional
from urllib.parse import quote

from itsdangerous import BadData, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from core.settings import Settings, reveal
from core.context import Services
from store.clock import Clock
from store.people.officers import chat_is_active_officer
from store.runtime.retention import GENERATED_DIRS

# (channel, chat id) -> whether that chat still belongs to an active officer (a database read).
HolderCheck = Callable[[str, str], bool]

SALT = "thidua-file-link"
INLINE_TYPES = ("image/",)  # charts open in the chat's browser; spreadsheets download


class LinkProblem(Exception):
    """A token that does not lead to a file; ``status`` and ``public_text`` are what the
    requester sees (Vietnamese, short, saying nothing about why exactly)."""

    def __init__(self, status: int, public_text: str) -> None:
        super().__init__(public_text)
        self.status = status
        self.public_text = public_text


EXPIRED = LinkProblem(410, "Liên kết đã hết hạn. Anh/chị vui lòng yêu cầu lại tệp trong chat với bot.")
INVALID = LinkProblem(403, "Liên kết không hợp lệ.")
MISSING = LinkProblem(404, "Không tìm thấy tệp.")


class _ClockSigner(TimestampSigner):
    """itsdangerous' timestamp signer on the bot's clock (tests move a FakeClock)."""

    def __init__(self, *args: Any, clock: Clock, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clock = clock

    def get_timestamp(self) -> int:
        return int(self._clock.now().timestamp())


class FileLinks:
    """Makes and checks the links; ``root`` is DATA_DIR, ``base_url`` is WEBHOOK_URL."""

    def __init__(self, key: str, base_url: str, root: Path, clock: Clock, ttl_seconds: int,
                 holder_ok: Optional[HolderCheck] = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.root = root.resolve()
        self.ttl_seconds = ttl_seconds
        self.holder_ok = holder_ok or (lambda channel, chat_id: True)
        self._serializer = URLSafeTimedSerializer(key, salt=SALT, signer=_ClockSigner,
                                                  signer_kwargs={"clock": clock})

    def link(self, path: str | Path, channel: str, chat_id: str) -> Optional[str]:
        """A public URL for an export or chart, made for one chat; None for anything else."""
        relative = self._inside(Path(path))
        if relative is None:
            return None
        return f"{self.base_url}/files/{self.token_for(relative.as_posix(), channel, chat_id)}"

    def token_for(self, name: str, channel: str, chat_id: str) -> str:
        """The signed token of a name under the root (not checked here: ``resolve`` does)."""
        return str(self._serializer.dumps([name, channel, chat_id]))

    def resolve(self, token: str) -> Path:
        """The file a token names; raises LinkProblem when expired, forged, not for an active
        officer any more, or gone. Reads the database: call it from a thread."""
        try:
            payload = self._serializer.loads(token, max_age=self.ttl_seconds)
        except SignatureExpired:
            raise EXPIRED from None
        except BadData:
            raise INVALID from None
        if not (isinstance(payload, list) and len(payload) == 3 and all(isinstance(p, str) for p in payload)):
            raise INVALID
        name, channel, chat_id = payload
        relative = self._inside(self.root / name)
        if relative is None or not self.holder_ok(channel, chat_id):
            raise INVALID
        path = self.root / relative
        if not path.is_file():
            raise MISSING
        return path

    def headers(self, path: Path) -> dict[str, str]:
        """Content type, and a download with the file's own name unless it is an image."""
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        headers = {"Content-Type": content_type, "Cache-Control": "private, no-store",
                   "X-Content-Type-Options": "nosniff"}
        if not content_type.startswith(INLINE_TYPES):
            headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(path.name, safe='')}"
        return headers

    def _inside(self, path: Path) -> Optional[Path]:
        """``path`` relative to the root when it resolves inside one of the folders of made
        files (exports, charts), symlinks and .. included; None for anything else."""
        resolved = (path if path.is_absolute() else Path.cwd() / path).resolve()
        try:
            relative = resolved.relative_to(self.root)
        except ValueError:
            return None
        return relative if len(relative.parts) > 1 and relative.parts[0] in GENERATED_DIRS else None


def links_for(settings: Settings, services: Services) -> Optional[FileLinks]:
    """The signer of a deployment with a webhook server (WEBHOOK_URL and FILE_LINK_KEY set):
    any of its processes may make links, which the web process serves. None without one."""
    if not settings.webhook_url or not settings.file_link_key:
        return None

    def holder_ok(channel: str, chat_id: str) -> bool:
        with services.session_factory() as session:
            return chat_is_active_officer(session, channel, chat_id)

    return FileLinks(reveal(settings.file_link_key), settings.webhook_url, settings.files_dir, services.clock,
                     settings.file_link_ttl_seconds, holder_ok)
