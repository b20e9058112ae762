"""The persisted index loads without pickle: a tampered file cannot run code, it is rebuilt."""

from __future__ import annotations

import io
import os
import pickle
import zipfile
from pathlib import Path

import numpy as np
import pytest

from bot.services import build_services
from core.context import Services
from core.settings import Settings
from store import search, search_persist
from store.clock import FakeClock
from store.ingest import load_samples
from store.search import INDEX_FILE, ensure_index


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
    assert second.search.index.units.is_heading is not None and len(second.search.index.units) == len(first.search.index.units)


def test_the_index_module_does_not_use_pickle() -> None:
    for module in (search, search_persist):
        assert "import pickle" not in Path(module.__file__).read_text(encoding="utf-8")


@pytest.mark.filterwarnings("ignore:Duplicate name")
@pytest.mark.parametrize("kind", ["pickle", "object_array", "pickled_header", "inconsistent", "garbage"])
def test_a_tampered_index_file_runs_no_code_and_is_rebuilt(settings: Settings, tmp_path: Path, kind: str) -> None:
    boot(settings)
    path = settings.index_dir / INDEX_FILE
    marker = tmp_path / "pwned"
    exploit = _Exploit(marker)
    if kind == "pickle":  # the old format, or an attacker's
        path.write_bytes(pickle.dumps({"fingerprint": "x", "index": exploit}))
    elif kind == "object_array":  # a valid .npz whose arrays need pickle to load
        buf = io.BytesIO()
        np.savez(buf, header=np.array([exploit], dtype=object), blob=np.array([exploit], dtype=object))
        path.write_bytes(buf.getvalue())
    elif kind == "pickled_header":  # a member file that is a pickle, not an .npy
        with zipfile.ZipFile(path, "a") as zf:
            zf.writestr("header.npy", pickle.dumps(exploit))
    elif kind == "inconsistent":  # real arrays, but offsets that point past the text
        with np.load(path, allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
        arrays["offsets"] = arrays["offsets"] + 10
        with open(path, "wb") as fh:
            np.savez(fh, **arrays)
    else:
        path.write_bytes(b"not an index at all")
    with pytest.raises(search_persist.IndexFileError):
        search_persist.load(path)
    services = boot(settings)  # start-up rebuilds and answers
    assert not services.search.loaded_from_disk and services.search.search("thi đua").hits
    assert not marker.exists()
    assert boot(settings).search.loaded_from_disk  # and the rebuilt file is good
