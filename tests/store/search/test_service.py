"""Passage search over the sample directives: ranking with typing variants, refusal, persistence."""

from __future__ import annotations

import shutil
import unicodedata
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.services import build_services
from core.settings import REPO_SAMPLE_DIR, Settings
from core.context import Services
from store.clock import FakeClock
from store.directives.ingest import ingest_paths
from store.models import Document
from store.directives.ingest import load_samples
from store.search.service import HOME_BOOST, MIN_CONFIDENCE, SearchIndex, ensure_index, refresh
from store.vn.text import normalize


def boot(settings: Settings) -> Services:
    """Services with the samples ingested and the index ensured (unit seeding skipped: not needed)."""
    services = build_services(settings, FakeClock(), startup=False)
    load_samples(services)
    ensure_index(services)
    return services


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory) -> Services:
    tmp = tmp_path_factory.mktemp("search")
    return boot(Settings(_env_file=None, database_url=f"sqlite:///{tmp / 'db.sqlite3'}", data_dir=tmp / "data"))


def _best_text(index: SearchIndex, question: str, **kw) -> str:
    best = index.search(question, **kw).best
    assert best is not None and best.confidence >= MIN_CONFIDENCE, question
    return normalize(best.text).casefold()


@pytest.mark.parametrize("question", [
    "Lào Cai ưu tiên phát triển loại hình du lịch nào?",
    "Lao Cai uu tien phat trien loai hinh du lich nao",  # no diacritics
    unicodedata.normalize("NFD", "Lào Cai ưu tiên phát triển loại hình du lịch nào?"),
    "laof cai uwu tieen phats trieenr du lichj gif",  # Telex leftovers
    "Lào Cia ưu tiên phát triển loại hình du lịchh nào?",  # small typos
])
def test_typing_variants_find_the_same_passage(services: Services, question: str) -> None:
    assert "du lịch cộng đồng" in _best_text(services.search, question)


def test_old_tone_placement_and_d_typed_as_d(services: Services) -> None:
    text = _best_text(services.search, "Tỉnh uỷ Lào Cai: Ban Tuyên giáo có nhiệm vụ gì?")
    assert "xây dựng đề cương" in text
    text = _best_text(services.search, "Tam Dường: phòng nào hướng dẫn tuyên truyền nội dung Kế hoạch?")
    assert "phòng văn hóa và thông tin" in text


def test_place_names_pick_the_document(services: Services) -> None:
    index = services.search
    tuan_giao = index.search("Tuần Giáo: phòng nào là cơ quan thường trực Hội đồng TĐKT?")
    tam_duong = index.search("Tam Đường: phòng nào là cơ quan thường trực Hội đồng Thi đua?")
    assert tuan_giao.best.doc_id != tam_duong.best.doc_id
    assert index.index.docs[tuan_giao.best.doc_id].place == "Tuần Giáo"
    assert index.index.docs[tam_duong.best.doc_id].place == "Tam Đường"


@pytest.mark.parametrize("question", [
    "Thời tiết Hà Nội hôm nay thế nào?", "Giá vàng hôm nay bao nhiêu?", "cach nau pho bo ngon",
    "Lịch thi đấu bóng đá tối nay",
    "làm sao để được cấp sổ đỏ",  # folded, "so do" is everywhere; its accents are not
])
def test_off_topic_questions_are_not_matched(services: Services, question: str) -> None:
    result = services.search.search(question)
    assert result.best is None or result.best.confidence < MIN_CONFIDENCE or result.unknown_place


def test_a_commune_outside_the_corpus_is_recognised(services: Services) -> None:
    result = services.search.search("Xã Mường Tè phát động thi đua năm 2021 như thế nào?")
    assert result.unknown_place == "Mường Tè"
    assert services.search.search("Xã Tuần Giáo phát động thi đua thế nào?").unknown_place is None
    # A province merged away in 2025 is still recognised as a place.
    assert services.search.search("phong trào thi đua của tỉnh Hà Giang").unknown_place == "Hà Giang"


def test_home_province_is_a_soft_preference(services: Services) -> None:
    with services.session_factory() as s:
        codes = {d.place: d.province_code for d in s.scalars(select(Document))}
    index = services.search
    question = "phong trào toàn dân đoàn kết xây dựng đời sống văn hóa"

    def best_score(result, place: str) -> float:
        return max(h.score for h in result.hits if index.index.docs[h.doc_id].place == place)

    plain = index.search(question)
    home = index.search(question, home_provinces=[codes["Tuần Giáo"]])
    assert best_score(home, "Tuần Giáo") == pytest.approx(best_score(plain, "Tuần Giáo") * (1 + HOME_BOOST))
    assert best_score(home, "Thành phố Lai Châu") == pytest.approx(best_score(plain, "Thành phố Lai Châu"))
    # A place named in the question replaces the home preference.
    named = index.search(f"Tuần Giáo {question}", home_provinces=[codes["Thành phố Lai Châu"]])
    assert index.index.docs[named.best.doc_id].place == "Tuần Giáo"


def test_index_is_persisted_and_rebuilt_only_when_the_corpus_changes(database_url: str, tmp_path: Path) -> None:
    settings = Settings(_env_file=None, database_url=database_url, data_dir=tmp_path / "data")
    first = boot(settings)
    assert isinstance(first.search, SearchIndex) and not first.search.loaded_from_disk
    second = boot(settings)  # restart, nothing changed
    assert second.search.loaded_from_disk and second.search.fingerprint == first.search.fingerprint
    assert refresh(second) is second.search  # unchanged corpus: same object, no work

    folder = tmp_path / "new"
    folder.mkdir()
    src = REPO_SAMPLE_DIR / "directives" / "002_965b08332308fc76.txt"
    text = src.read_text(encoding="utf-8").replace(
        "Tổ chức kiểm tra, sơ kết, tổng kết kịp thời",
        "Mỗi xã trồng thêm một nghìn cây xanh ven suối. Tổ chức kiểm tra, sơ kết, tổng kết kịp thời")
    (folder / "new_tuan_giao.txt").write_text(text, encoding="utf-8")
    assert ingest_paths(second.session_factory, [folder], second.clock).loaded == 1
    rebuilt = refresh(second)
    assert not rebuilt.loaded_from_disk and rebuilt.fingerprint != first.search.fingerprint
    assert "cây xanh ven suối" in rebuilt.search("trồng cây xanh ven suối").best.text

    third = boot(settings)  # the rebuilt index was saved
    assert third.search.loaded_from_disk and third.search.fingerprint == rebuilt.fingerprint


def test_a_broken_index_file_is_rebuilt(tmp_path: Path, sqlite_url: str) -> None:
    settings = Settings(_env_file=None, database_url=sqlite_url, data_dir=tmp_path / "data")
    boot(settings)
    for f in settings.index_dir.iterdir():
        f.write_bytes(b"not an index")
    services = boot(settings)
    assert not services.search.loaded_from_disk and services.search.search("thi đua").hits
    shutil.rmtree(settings.index_dir)
    services.search = None
    assert not ensure_index(services).loaded_from_disk
