"""Ingesting directive files on both database backends: idempotent, updating, reporting bad files."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.cli import main as cli_main
from bot.services import build_services
from core.settings import Settings
from store.db import make_engine, make_session_factory
from store.directives.ingest import ingest_paths, load_samples
from store.migrate import upgrade
from store.models import Campaign, Document, Section

SAMPLES = Path(__file__).resolve().parents[3] / "store" / "sample" / "directives"
TUAN_GIAO = "002_965b08332308fc76.txt"


@pytest.fixture
def factory(database_url: str):
    engine = make_engine(database_url)
    upgrade(engine)
    yield make_session_factory(engine)
    engine.dispose()


def count(factory, model) -> int:
    with factory() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_samples_load_once_and_reingest_is_a_no_op(factory, clock) -> None:
    first = ingest_paths(factory, [SAMPLES], clock)
    assert (first.loaded, first.updated, first.unchanged, first.errors) == (5, 0, 0, [])
    sections, campaigns = count(factory, Section), count(factory, Campaign)
    again = ingest_paths(factory, [SAMPLES], clock)
    assert (again.loaded, again.updated, again.unchanged) == (0, 0, 5)
    assert count(factory, Document) == 5
    assert (count(factory, Section), count(factory, Campaign)) == (sections, campaigns)
    with factory() as s:
        doc = s.scalar(select(Document).where(Document.source_key == TUAN_GIAO))
        assert doc.number is None and doc.number_suffix == "/CT-UBND"
        assert doc.recipients[0] == "UBND tỉnh Điện Biên"
        assert any(d.frequencies == ["6 tháng", "năm"] for d in doc.duties)
        # The section tree keeps its parent links in the database.
        child = s.scalar(select(Section).where(Section.document_id == doc.id, Section.path == "I.2.1, thứ nhất"))
        parent = s.get(Section, child.parent_id)
        assert parent.path == "I.2.1" and s.get(Section, parent.parent_id).path == "I.2"


def test_changed_file_updates_in_place(factory, clock, tmp_path: Path) -> None:
    path = tmp_path / TUAN_GIAO
    shutil.copy(SAMPLES / TUAN_GIAO, path)
    assert ingest_paths(factory, [path], clock).loaded == 1
    with factory() as s:
        doc = s.scalar(select(Document))
        doc_id, first_ingest, old_sections = doc.id, doc.ingested_at, len(doc.sections)
    text = path.read_text(encoding="utf-8").replace("Số: /CT-UBND", "Số: 07/CT-UBND")
    text = text.replace("II. TỔ CHỨC THỰC HIỆN", "II. TỔ CHỨC THỰC HIỆN\n\n5. Mục mới thêm vào")
    path.write_text(text, encoding="utf-8")
    clock.jump(timedelta(days=1))
    result = ingest_paths(factory, [path], clock)
    assert (result.loaded, result.updated) == (0, 1)
    with factory() as s:
        docs = list(s.scalars(select(Document)))
        assert len(docs) == 1 and docs[0].id == doc_id
        assert docs[0].number == "07/CT-UBND" and docs[0].number_suffix is None
        assert docs[0].ingested_at == first_ingest and docs[0].updated_at > first_ingest
        assert len(docs[0].sections) == old_sections + 1
    assert count(factory, Section) == old_sections + 1  # old rows replaced, not duplicated


def test_bad_files_are_named_and_the_rest_still_load(factory, clock, tmp_path: Path) -> None:
    shutil.copy(SAMPLES / TUAN_GIAO, tmp_path / TUAN_GIAO)
    (tmp_path / "000_binary.txt").write_bytes(b"\x00\x01\x02PK\x03\x04")  # fails before a good one
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "latin1.txt").write_bytes("CHỈ THỊ thi đua".encode("utf-8")[:5] + "é à".encode("latin-1"))
    (tmp_path / "README.md").write_text("# not a directive", encoding="utf-8")
    result = ingest_paths(factory, [tmp_path, tmp_path / "missing.txt"], clock)
    assert result.loaded == 1
    assert count(factory, Document) == 1
    errors = {Path(p).name: msg for p, msg in result.errors}
    assert set(errors) == {"000_binary.txt", "empty.txt", "latin1.txt", "missing.txt"}
    assert "nhị phân" in errors["000_binary.txt"] and "rỗng" in errors["empty.txt"]
    assert "UTF-8" in errors["latin1.txt"] and "không tìm thấy" in errors["missing.txt"]


def test_cli_ingest_reports_and_exits_1_on_failure(tmp_path: Path, monkeypatch, capsys) -> None:
    db = tmp_path / "cli.sqlite3"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{db}")
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    assert cli_main(["ingest", "--no-progress", str(SAMPLES)]) == 0
    out = capsys.readouterr().out
    assert "Đã nạp 5 văn bản mới" in out
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\x00garbage")
    assert cli_main(["ingest", "--no-progress", str(SAMPLES / TUAN_GIAO), str(bad)]) == 1
    captured = capsys.readouterr()
    assert "không đổi 1, lỗi 1" in captured.out
    assert "bad.txt" in captured.err
    engine = make_engine(f"sqlite:///{db}")
    with make_session_factory(engine)() as s:
        assert s.scalar(select(func.count()).select_from(Document)) == 5
    engine.dispose()


def test_load_samples_start_up_step(database_url: str, tmp_path: Path, clock) -> None:
    settings = Settings(_env_file=None, database_url=database_url, data_dir=tmp_path / "d", load_samples=True)
    services = build_services(settings, clock, startup=False)
    load_samples(services)
    load_samples(services)  # unchanged: nothing happens
    assert count(services.session_factory, Document) == 5
    off = Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'off.sqlite3'}", data_dir=tmp_path / "e",
                   load_samples=False)
    quiet = build_services(off, clock, startup=False)
    load_samples(quiet)
    assert count(quiet.session_factory, Document) == 0


def test_campaign_is_current_within_its_period(factory, clock) -> None:
    from datetime import date

    ingest_paths(factory, [SAMPLES / "000_4d78cad3d2d0b3aa.txt"], clock)
    with factory() as s:
        camp = s.scalar(select(Campaign).where(Campaign.name == "Doanh nghiệp Lai Châu hội nhập và phát triển"))
        assert camp.is_current(date(2017, 1, 1)) and camp.is_current(date(2020, 12, 31))
        assert not camp.is_current(date(2026, 11, 22))
        undated = s.scalar(select(Campaign).where(Campaign.name == "Dân vận khéo"))
        assert not undated.is_current(date(2020, 6, 1))
