"""The passage index on disk: one numpy ``.npz`` of plain arrays plus a JSON header, never pickle.

``np.load(..., allow_pickle=False)`` refuses object arrays, and JSON is parsed as data, so a
tampered index file can at worst fail to load (the index is then rebuilt from the database);
it cannot run code. Arrays are checked for the shapes the index relies on before use.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

import bm25s
import numpy as np

from store.search_index import DocInfo, PassageIndex
from store.search_units import UnitStore

FORMAT = "thidua-passages-npz-1"
_ARRAYS = ("blob", "offsets", "unit_doc", "unit_section", "unit_flags", "unit_secpos", "df",
           "section_starts", "unit_section_rank", "bm25_data", "bm25_indices", "bm25_indptr")
_BM25_PARAMS = ("k1", "b", "delta", "method", "idf_method", "dtype", "int_dtype")


class IndexFileError(ValueError):
    """The file is not an index this version wrote (or was altered)."""


def save(index: PassageIndex, fingerprint: str, path: Path) -> None:
    """Write ``index`` to ``path`` (the caller renames it into place)."""
    bm25 = index.bm25_units
    assert bm25 is not None
    vocab = sorted(index.vocab, key=index.vocab.__getitem__)
    header = {
        "format": FORMAT, "fingerprint": fingerprint,
        "docs": [asdict(d) for d in index.docs.values()],
        "section_labels": list(index.section_labels.items()),
        "section_refs": list(index.section_refs.items()),
        "vocab": vocab, "vocab_by_df": index.vocab_by_df,
        "places": [[list(phrase), list(docs.items())] for phrase, docs in index.places.items()],
        "numbers": index.numbers,
        "bm25": {k: getattr(bm25, k) for k in _BM25_PARAMS} | {"num_docs": int(bm25.scores["num_docs"])},
    }
    units = index.units
    arrays = {
        "blob": units.blob, "offsets": units.offsets, "unit_doc": units.doc, "unit_section": units.section,
        "unit_flags": units.flags, "unit_secpos": index.unit_secpos, "df": index.df,
        "section_starts": index._section_starts, "unit_section_rank": index._unit_section_rank,
        "bm25_data": bm25.scores["data"], "bm25_indices": bm25.scores["indices"], "bm25_indptr": bm25.scores["indptr"],
    }
    with open(path, "wb") as fh:
        np.savez(fh, header=np.frombuffer(json.dumps(header, ensure_ascii=False).encode("utf-8"), dtype=np.uint8),
                 **arrays)


def load(path: Path) -> tuple[str, PassageIndex]:
    """(fingerprint, index) from ``path``; IndexFileError when it is not a file ``save`` wrote."""
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {name: data[name] for name in ("header",) + _ARRAYS}
        if not all(isinstance(a, np.ndarray) and a.dtype != object for a in arrays.values()):
            raise ValueError("not a plain array")  # a member that is not an .npy file comes back as bytes
        header = json.loads(arrays.pop("header").tobytes().decode("utf-8"))
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, UnicodeDecodeError, EOFError) as exc:
        raise IndexFileError(str(exc)) from exc
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise IndexFileError("unknown index format")
    try:
        return str(header["fingerprint"]), _rebuild(header, arrays)
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise IndexFileError(f"inconsistent index file: {exc}") from exc


def _rebuild(header: dict[str, Any], a: dict[str, np.ndarray]) -> PassageIndex:
    n = len(a["unit_doc"])
    _check(a["offsets"].ndim == 1 and len(a["offsets"]) == n + 1 and a["offsets"][-1] == len(a["blob"]),
           "offsets")
    _check(bool(np.all(np.diff(a["offsets"]) >= 0)), "offsets order")
    _check(all(len(a[k]) == n for k in ("unit_section", "unit_flags", "unit_secpos", "unit_section_rank")), "units")
    vocab = {str(tok): i for i, tok in enumerate(header["vocab"])}
    _check(len(a["bm25_indptr"]) == len(vocab) + 1 and len(a["df"]) >= len(vocab) - 1, "vocabulary")
    _check(a["bm25_indptr"][-1] == len(a["bm25_indices"]) == len(a["bm25_data"]), "bm25 arrays")
    _check(len(a["bm25_indices"]) == 0 or 0 <= int(a["bm25_indices"].min()) <= int(a["bm25_indices"].max()) < n,
           "bm25 indices")
    idx = PassageIndex()
    names = {f.name for f in fields(DocInfo)}
    idx.docs = {int(d["id"]): DocInfo(**{k: v for k, v in d.items() if k in names}) for d in header["docs"]}
    idx.section_labels = {int(k): str(v) for k, v in header["section_labels"]}
    idx.section_refs = {int(k): str(v) for k, v in header["section_refs"]}
    idx.vocab, idx.vocab_by_df = vocab, [str(t) for t in header["vocab_by_df"]]
    idx.places = {tuple(str(w) for w in phrase): {int(d): float(w) for d, w in docs} for phrase, docs in header["places"]}
    idx.numbers = {str(k): [int(d) for d in v] for k, v in header["numbers"].items()}
    units = UnitStore()
    units.blob, units.offsets = a["blob"].astype(np.uint8, copy=False), a["offsets"].astype(np.int64, copy=False)
    units.doc, units.section = a["unit_doc"].astype(np.int64, copy=False), a["unit_section"].astype(np.int64, copy=False)
    units.flags = a["unit_flags"].astype(np.uint8, copy=False)
    idx.units, idx.unit_doc, idx.unit_secpos = units, units.doc, a["unit_secpos"].astype(np.int64, copy=False)
    idx.df = a["df"].astype(np.int32, copy=False)
    idx._section_starts = a["section_starts"].astype(np.int64, copy=False)
    idx._unit_section_rank = a["unit_section_rank"].astype(np.int64, copy=False)
    _check(len(idx._section_starts) == 0 or int(idx._unit_section_rank.max()) < len(idx._section_starts), "sections")
    params = header["bm25"]
    bm25 = bm25s.BM25(**{k: params[k] for k in _BM25_PARAMS})
    _check(bm25.method not in bm25.methods_requiring_nonoccurrence, "bm25 method")
    bm25.nonoccurrence_array = None  # the default method (lucene) has none
    bm25.vocab_dict = vocab
    bm25.unique_token_ids_set = set(vocab.values())
    bm25.scores = {"data": a["bm25_data"], "indices": a["bm25_indices"], "indptr": a["bm25_indptr"],
                   "num_docs": int(params["num_docs"])}
    idx.bm25_units = bm25
    return idx


def _check(ok: bool, what: str) -> None:
    if not ok:
        raise ValueError(what)
