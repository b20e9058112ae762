"""One file cannot take the service down: archive and page checks before a reader opens a
file, and the worker subprocess stopped by its memory, CPU-time and wall-clock limits."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from store.directives.parser import DirectiveParseError
from store.directives.readers import read_document
from store.directives.readers.isolated import Limits, run_isolated
from store.directives.readers.limits import MAX_FILE_BYTES, MAX_RENDER_PIXELS, TooComplex, check_archive, render_scale
from tests.store.directives.formats import to_docx
from tests.store.directives.file_bombs import page_bomb_pdf, zip_bomb_docx

SAMPLE = Path(__file__).resolve().parents[3] / "store" / "sample" / "directives" / "003_7d443ee1d645a8ea.txt"
WORKER = "tests.store.directives.greedy_worker"
TIGHT = Limits(memory_bytes=512 * 1024 * 1024, cpu_seconds=30, wall_seconds=60)


def test_zip_bomb_docx_is_refused_before_unpacking() -> None:
    bomb = zip_bomb_docx()
    assert len(bomb) < 200 * 1024
    with pytest.raises(TooComplex) as refused:
        read_document("chi_thi.docx", bomb)
    assert str(refused.value).startswith("tệp quá lớn hoặc quá phức tạp (phần “word/document.xml” nén")


def test_archive_limits_count_members_and_total_size() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for i in range(2_001):
            archive.writestr(f"x{i}", b"")
    with pytest.raises(TooComplex, match="2001 tệp con"):
        check_archive(out.getvalue())
    check_archive(to_docx(SAMPLE.read_text(encoding="utf-8")))  # a real directive passes
    check_archive(b"not a zip at all")  # left to the reader, which names it damaged


def test_page_bomb_pdf_is_refused_before_rendering() -> None:
    with pytest.raises(TooComplex, match=r"trang 1 khổ 508 × 508 cm"):
        read_document("chi_thi.pdf", page_bomb_pdf())


def test_large_pages_render_within_the_pixel_cap() -> None:
    assert render_scale(595, 842, 300) == pytest.approx(300 / 72)  # A4 at full resolution
    a0 = render_scale(2384, 3370, 300)
    assert 2384 * 3370 * a0 * a0 == pytest.approx(MAX_RENDER_PIXELS)


def test_oversized_file_is_refused_unread() -> None:
    with pytest.raises(TooComplex, match="tối đa 20 MB"):
        read_document("chi_thi.txt", b"a" * (MAX_FILE_BYTES + 1))


def test_normal_docx_reads_through_the_worker() -> None:
    read = read_document("chi_thi.docx", to_docx(SAMPLE.read_text(encoding="utf-8")))
    assert read.format == "docx" and "Đặng Xuân Phong" in read.text


def test_worker_is_stopped_by_its_memory_limit() -> None:
    with pytest.raises(TooComplex) as refused:
        run_isolated(WORKER, ["memory"], b"", TIGHT)
    assert refused.value.why == "quá bộ nhớ cho phép"


def test_worker_is_stopped_by_its_cpu_limit() -> None:
    with pytest.raises(TooComplex) as refused:
        run_isolated(WORKER, ["cpu"], b"", Limits(cpu_seconds=2, wall_seconds=60))
    assert refused.value.why == "quá 2 giây xử lý"


def test_worker_is_killed_at_the_wall_clock_limit() -> None:
    with pytest.raises(TooComplex) as refused:
        run_isolated(WORKER, ["sleep"], b"", Limits(wall_seconds=3))
    assert refused.value.why == "đọc quá 3 giây"


def test_worker_answers_and_reader_bugs_are_a_polite_refusal() -> None:
    assert run_isolated(WORKER, ["echo"], "xã Tân Phong".encode(), TIGHT) == {"echo": "xã Tân Phong"}
    with pytest.raises(DirectiveParseError, match="bộ đọc gặp lỗi"):
        run_isolated(WORKER, ["crash"], b"", TIGHT)


def test_worker_gets_no_secrets_from_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("BOT_TOKEN", "123:secret")
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://bot:p%40ss@db/thidua")
    names = run_isolated(WORKER, ["env"], b"", TIGHT)["names"]
    assert "BOT_TOKEN" not in names and "DATABASE_URL" not in names and "THIDUA_WORKER_LIMITS" in names
