"""Short-lived signed links to files the bot made (XLSX exports, charts) for channels that
cannot receive files (Zalo): ``<WEBHOOK_URL>/files/<token>``.

The token is the file's path under DATA_DIR signed with WEBHOOK_SECRET and a timestamp
(itsdangerous): it names one file, cannot be forged or altered without the secret, and stops
working FILE_LINK_TTL_SECONDS after it was made. The path is checked again when served, so
even a validly signed token cannot reach outside DATA_DIR.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any, Optional
from urllib.parse import quote

from itsdangerous import BadData, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from core.settings import Settings
from store.clock import Clock

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

    def __init__(self, secret: str, base_url: str, root: Path, clock: Clock, ttl_seconds: int) -> None:
        self.base_url = base_url.rstrip("/")
        self.root = root.resolve()
        self.ttl_seconds = ttl_seconds
        self._serializer = URLSafeTimedSerializer(secret, salt=SALT, signer=_ClockSigner,
                                                  signer_kwargs={"clock": clock})

    def link(self, path: str | Path) -> Optional[str]:
        """A public URL for a file under DATA_DIR, or None for anything else."""
        relative = self._inside(Path(path))
        if relative is None:
            return None
        return f"{self.base_url}/files/{self.token_for(relative.as_posix())}"

    def token_for(self, name: str) -> str:
        """The signed token of a name under the root (not checked here: ``resolve`` does)."""
        return str(self._serializer.dumps(name))

    def resolve(self, token: str) -> Path:
        """The file a token names; raises LinkProblem when expired, forged or gone."""
        try:
            name = self._serializer.loads(token, max_age=self.ttl_seconds)
        except SignatureExpired:
            raise EXPIRED from None
        except BadData:
            raise INVALID from None
        relative = self._inside(self.root / str(name)) if isinstance(name, str) else None
        if relative is None:
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
        """``path`` relative to the root when it resolves inside it (symlinks and .. included)."""
        resolved = (path if path.is_absolute() else Path.cwd() / path).resolve()
        try:
            return resolved.relative_to(self.root)
        except ValueError:
            return None


def links_for(settings: Settings, clock: Clock) -> Optional[FileLinks]:
    """The signer of a deployment with a webhook server (WEBHOOK_URL and WEBHOOK_SECRET set):
    any of its processes may make links, which the web process serves. None without one."""
    if not settings.webhook_url or not settings.webhook_secret:
        return None
    return FileLinks(settings.webhook_secret, settings.webhook_url, settings.data_dir, clock,
                     settings.file_link_ttl_seconds)
