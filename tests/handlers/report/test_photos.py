"""Report photos: checked by their bytes, stored with our own extension, downloaded after the
update's transaction has committed."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from core.types import FileRef
from store.models import ProcessedUpdate, ReportFile
from tests.handlers.report_setup import OPEN, Chat, build_world
from tests.handlers.report.test_entry import _fill_minimal

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
WEBP = b"RIFF\x10\x00\x00\x00WEBPVP8 " + b"\x00" * 40
HTML = b"<html><script>alert(1)</script></html>"


async def test_photos_are_judged_by_their_bytes(database_url: str, tmp_path: Path, clock) -> None:
    files = {"png": PNG, "webp": WEBP, "html": HTML}
    committed: list[bool] = []

    async def fetch(ref: FileRef) -> bytes:
        # The update's own transaction has committed before any download starts.
        with world.core.services.session_factory() as s:
            committed.append(s.scalar(select(ProcessedUpdate.id).where(
                ProcessedUpdate.update_key == ref.file_name)) is not None)
        return files[ref.file_id]

    clock.set(OPEN + timedelta(days=9))
    world = build_world(database_url, tmp_path / "data", clock, fetch_file=fetch)
    a = Chat(world.core, 1)
    await _fill_minimal(a)
    await a.press("Sửa câu 10")
    await a.send(key="k-html", files=(FileRef("html", "document", file_name="k-html", mime_type="image/png"),))
    assert "Chỉ nhận ảnh JPG, PNG hoặc WebP" in a.said and "Câu 10" in a.said
    await a.send(key="k-webp", files=(FileRef("webp", "document", file_name="k-webp", mime_type="image/jpeg"),))
    assert "Đã lưu ảnh" in a.said
    await a.send(key="k-png", files=(FileRef("png", "photo", file_name="k-png"),))
    await a.send(key="k-pdf", files=(FileRef("pdf", "document", file_name="x.pdf", mime_type="application/pdf"),))
    assert "Chỉ nhận ảnh" in a.said
    assert committed == [True, True, True]  # the PDF was refused without a download
    with world.core.services.session_factory() as s:
        stored = {Path(f.path).suffix: f for f in s.scalars(select(ReportFile))}
    assert set(stored) == {".webp", ".png"}
    assert stored[".webp"].mime_type == "image/webp"
    data_files = sorted(p.suffix for p in (tmp_path / "data" / "files").rglob("*") if p.is_file())
    assert data_files == [".png", ".webp"]  # nothing of the HTML file reached the disk


async def test_a_failed_download_is_a_polite_note(database_url: str, tmp_path: Path, clock) -> None:
    async def fetch(ref: FileRef) -> bytes:
        raise OSError("network down")

    clock.set(OPEN + timedelta(days=9))
    world = build_world(database_url, tmp_path / "data", clock, fetch_file=fetch)
    a = Chat(world.core, 1)
    await _fill_minimal(a)
    await a.press("Sửa câu 10")
    await a.send(files=(FileRef("x", "photo"),))
    assert "Không tải được ảnh" in a.said
