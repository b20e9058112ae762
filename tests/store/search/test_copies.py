"""Copies of a passage (store/search/copies.py): indexed once, scored alike, offered once."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.services import build_services
from core.context import Services
from core.settings import REPO_SAMPLE_DIR, Settings
from store.search import copies as search_copies
from store.clock import FakeClock
from store.directives.ingest import ingest_paths, load_samples
from store.search.service import ensure_index

TAM_DUONG = REPO_SAMPLE_DIR / "directives" / "004_48ad6208a5052471.txt"
QUESTION = "Tam Đường phòng chống dịch Covid-19 với tinh thần gì?"


def test_groups_spread_and_keep_one() -> None:
    original = np.array([0, 1, 0, 3, 1, 0])  # passages 0, 2, 5 are one text; 1 and 4 another; 3 alone
    perm, starts = search_copies.groups(original)
    assert perm.tolist() == [0, 2, 5, 1, 4] and starts.tolist() == [0, 3]
    copies = search_copies.Copies(perm, starts)
    scores = np.array([2.0, 1.0, 0.0, 5.0, 0.0, 0.0], dtype=np.float64)
    copies.spread(scores)
    assert scores.tolist() == [2.0, 1.0, 2.0, 5.0, 1.0, 2.0]
    tied = scores.copy()
    copies.keep_one(tied)
    assert tied.tolist() == [2.0, 1.0, 0.0, 5.0, 0.0, 0.0]  # a tie: the first loaded
    boosted = scores.copy()
    boosted[5] *= 1.15  # e.g. the asker's province
    copies.keep_one(boosted)
    assert boosted[[0, 2, 5]].tolist() == [0.0, 0.0, pytest.approx(2.3)]
    preferred = scores.copy()
    copies.keep_one(preferred, np.array([False, False, True, False, True, False]))
    assert preferred.tolist() == [0.0, 0.0, 2.0, 5.0, 1.0, 0.0]


@pytest.fixture
def twice(tmp_path: Path, sqlite_url: str) -> Services:
    """The samples, then the Tam Đường plan again under another name."""
    settings = Settings(_env_file=None, database_url=sqlite_url, data_dir=tmp_path / "data")
    services = build_services(settings, FakeClock(), startup=False)
    load_samples(services)
    folder = tmp_path / "again"
    folder.mkdir()
    (folder / "ke_hoach_tam_duong_ban_sao.txt").write_bytes(TAM_DUONG.read_bytes())
    assert ingest_paths(services.session_factory, [folder], services.clock).loaded == 1
    ensure_index(services)
    return services


def test_a_directive_loaded_twice_is_indexed_and_offered_once(twice: Services) -> None:
    index = twice.search.index
    first, copy = sorted(d for d, doc in index.docs.items() if doc.place == "Tam Đường")
    copy_units = np.flatnonzero(index.unit_doc == copy)
    assert len(copy_units) and np.isin(copy_units, index.copy_perm).all()  # every passage has its original
    assert not np.isin(copy_units, index.post_indices).any()  # and no postings of its own
    result = twice.search.search(QUESTION)
    assert result.best is not None and result.best.doc_id == first
    assert copy not in {h.doc_id for h in result.hits}
    asked_from_copy = twice.search.search(QUESTION, home_provinces=[index.docs[copy].province_code])
    assert asked_from_copy.best.doc_id == first  # same province: nothing tells them apart


def test_copies_survive_a_restart(twice: Services) -> None:
    again = build_services(twice.settings, FakeClock(), startup=False)
    index = ensure_index(again)
    assert index.loaded_from_disk
    assert index.index.copy_perm.tolist() == twice.search.index.copy_perm.tolist()
    assert [h.doc_id for h in index.search(QUESTION).hits] == [h.doc_id for h in twice.search.search(QUESTION).hits]
