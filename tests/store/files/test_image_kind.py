"""Photos are recognised by their bytes, never by the name or MIME type the user sent."""

from __future__ import annotations

from pathlib import Path

import pytest

from store.files.image_kind import sniff_image
from store.files.report_photos import NotAnImage, write_photo


def test_magic_bytes() -> None:
    assert sniff_image(b"\xff\xd8\xff\xe0" + b"x" * 10).extension == ".jpg"
    assert sniff_image(b"\x89PNG\r\n\x1a\n" + b"x").mime_type == "image/png"
    assert sniff_image(b"RIFF\x00\x00\x00\x00WEBPVP8 ").extension == ".webp"
    for other in (b"", b"GIF89a", b"%PDF-1.7", b"<svg>", b"RIFF\x00\x00\x00\x00WAVE", b"PK\x03\x04"):
        assert sniff_image(other) is None


def test_stored_under_our_extension(tmp_path: Path) -> None:
    photo = write_photo(tmp_path, 1, 3001, "anh", b"\x89PNG\r\n\x1a\n" + b"\x00" * 8)
    assert photo.rel_path.endswith(".png") and (tmp_path / photo.rel_path).is_file()
    with pytest.raises(NotAnImage):
        write_photo(tmp_path, 1, 3001, "anh", b"<html></html>")
    assert [p.suffix for p in tmp_path.rglob("*") if p.is_file()] == [".png"]
