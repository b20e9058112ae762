"""Which image a file is, by its bytes: the user's file name and MIME type are not trusted.

Three fixed signatures (JPEG, PNG, WebP) are all a report photo may be, so a few byte
comparisons do the job; decoding the image (Pillow) would add attack surface for nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True)
class ImageKind:
    extension: str  # what we store the file as, whatever the user called it
    mime_type: str


JPEG = ImageKind(".jpg", "image/jpeg")
PNG = ImageKind(".png", "image/png")
WEBP = ImageKind(".webp", "image/webp")


def sniff_image(content: bytes) -> Optional[ImageKind]:
    """JPEG, PNG or WebP by magic bytes; None for anything else."""
    if content.startswith(b"\xff\xd8\xff"):
        return JPEG
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if len(content) >= 12 and content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return WEBP
    return None
