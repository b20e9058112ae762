"""The persisted index loads without pickle: a tampered file cannot run code, it is rebuilt."""

from __future__ import annotations

import json
import os
import pickle
from pathlib import Path

import pytest

from bot.services import build_services
from core.context import Services
from core.settings import Settings
from store.search import service as search
from store.search import persist as search_persist
from store.clock import FakeClock
from store.directives.ingest import load_samples
from store.search.service import INDEX_FILE, ensure_index


def boot(settings: Settings) -> Services:
    services = build_services(settings, FakeClock(), startup=False)
    load_samples(services)
    ensure_index(services)
    return services


@pytest.fixture
def settings(tmp_path: Path, sqlite_url: str) -> Settings:
    return Settings(_env_file=None, database_url=sqlite_url, data_dir=tmp_path / "data")


class _Exploit:
    """Unpickling this would create a marker file: proof that code ran."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_saved_index_round_trips_to_the_same_answers(settings: Settings) -> None:
    first = boot(settings)
    second = boot(settings)
    assert second.search.loaded_from_disk and not first.search.loaded_from_disk
    for question in ("Lào Cai ưu tiên phát triển loại hình du lịch nào?", "ai ky chi thi 02/CT-UBND"):
        a, b = first.search.search(question), second.search.search(question)
        assert [(h.unit, round(h.score, 6), h.text) for h in a.hits] == [(h.unit, round(h.score, 6), h.text) for h in b.hits]
    assert len(second.search.index.units) == len(first.search.index.units)
    assert second.search.index.units.text(5) == first.search.index.units.text(5)


def test_the_index_module_does_not_use_pickle() -> None:
    for module in (search, search_persist):
        assert "import pickle" not in Path(module.__file__).read_text(encoding="utf-8")


def _rewrite_header(path: Path, change) -> None:
    """Edit the JSON header of an index file in place (the arrays stay where they are)."""
    raw = path.read_bytes()
    n = len(search_persist.MAGIC)
    length = int.from_bytes(raw[n:n + 8], "little")
    header = json.loads(raw[n + 8:n + 8 + length])
    change(header)
    new = json.dumps(header, ensure_ascii=False).encode("utf-8")
    new = new + b" " * (length - len(new)) if len(new) <= length else new
    path.write_bytes(raw[:n] + len(new).to_bytes(8, "little") + new + raw[n + 8 + len(new):])


@pytest.mark.parametrize("kind", ["pickle", "garbage", "object_dtype", "outside", "inconsistent", "pickled_header",
                                  "copies"])
def test_a_tampered_index_file_runs_no_code_and_is_rebuilt(settings: Settings, tmp_path: Path, kind: str) -> None:
    boot(settings)
    path = settings.index_dir / INDEX_FILE
    marker = tmp_path / "pwned"
    exploit = pickle.dumps(_Exploit(marker))
    if kind == "pickle":  # the old format, or an attacker's
        path.write_bytes(exploit)
    elif kind == "garbage":
        path.write_bytes(b"not an index at all")
    elif kind == "object_dtype":  # an array that would need pickle to read
        _rewrite_header(path, lambda h: h["arrays"]["blob"].update(dtype="|O"))
    elif kind == "outside":  # an array that claims to run past the end of the file
        _rewrite_header(path, lambda h: h["arrays"]["bm25_data"].update(shape=[10 ** 9]))
    elif kind == "inconsistent":  # offsets that point past the text
        _rewrite_header(path, lambda h: h["arrays"]["offsets"].update(shape=[3]))
    elif kind == "copies":  # copy groups that do not match the passages
        _rewrite_header(path, lambda h: h["arrays"]["copy_starts"].update(shape=[0]))
    else:  # a pickle where the JSON header should be
        raw = path.read_bytes()
        n = len(search_persist.MAGIC)
        path.write_bytes(raw[:n] + len(exploit).to_bytes(8, "little") + exploit + raw[n + 8 + len(exploit):])
    with pytest.raises(search_persist.IndexFileError):
        search_persist.load(path)
    services = boot(settings)  # start-up rebuilds and answers
    assert not services.search.loaded_from_disk and services.search.search("thi đua").hits
    assert not marker.exists()
    assert boot(settings).search.loaded_from_disk  # and the rebuilt file is good
