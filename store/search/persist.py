"""The passage index on disk: a JSON header and raw numpy arrays in one file, never pickle.

Layout: ``MAGIC``, the header's length (8 bytes, little-endian), the header (UTF-8 JSON: the
document fields, vocabulary, place names … and, for each array, its dtype, shape and byte
offset), then the arrays' raw bytes. Arrays are memory-mapped read-only, so the operating
system pages in only the posting lists and passages a question touches: 2,000 directives
stay well under the memory budget. JSON is parsed as data and only plain numeric dtypes are
accepted, so a tampered file can at worst fail to load (the index is then rebuilt from the
database); it cannot run code. Shapes and offsets are checked before use.
"""

from __future__ import annotations

import json
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

import numpy as np

from store.search.index import DocInfo, PassageIndex
from store.search.units import UnitStore

FORMAT = "thidua-passages-2"
MAGIC = b"THIDUA-INDEX\x00\x02"
ALIGN = 64
ALLOWED_DTYPES = {"<u1", "<u2", "<i4", "<i8", "<f2", "<f4", "<f8", "|u1", "|b1"}
_ARRAYS = ("blob", "offsets", "unit_doc", "unit_section", "unit_flags", "unit_secpos", "df",
           "section_starts", "unit_section_rank", "bm25_data", "bm25_indices", "bm25_indptr",
           "sec_tok_indptr", "sec_tok_ids", "copy_perm", "copy_starts")


class IndexFileError(ValueError):
    """The file is not an index this version wrote (or was altered)."""


def save(index: PassageIndex, fingerprint: str, path: Path) -> None:
    """Write ``index`` to ``path`` (the caller renames it into place)."""
    vocab = sorted(index.vocab, key=index.vocab.__getitem__)
    units = index.units
    arrays: dict[str, np.ndarray] = {
        "blob": units.blob, "offsets": units.offsets, "unit_doc": units.doc, "unit_section": units.section,
        "unit_flags": units.flags, "unit_secpos": index.unit_secpos, "df": index.df,
        "section_starts": index._section_starts, "unit_section_rank": index._unit_section_rank,
        "bm25_data": index.post_data, "bm25_indices": index.post_indices, "bm25_indptr": index.post_indptr,
        "sec_tok_indptr": index.sec_tok_indptr, "sec_tok_ids": index.sec_tok_ids,
        "copy_perm": index.copy_perm, "copy_starts": index.copy_starts,
    }
    layout: dict[str, dict[str, Any]] = {}
    offset = 0
    for name, arr in arrays.items():
        arr = np.ascontiguousarray(arr)
        arrays[name] = arr
        layout[name] = {"dtype": arr.dtype.str, "shape": list(arr.shape), "offset": offset}
        offset += -(-arr.nbytes // ALIGN) * ALIGN
    header = {
        "format": FORMAT, "fingerprint": fingerprint, "arrays": layout,
        "docs": [asdict(d) for d in index.docs.values()],
        "section_labels": list(index.section_labels.items()),
        "section_refs": list(index.section_refs.items()),
        "vocab": vocab, "vocab_by_df": index.vocab_by_df,
        "places": [[list(phrase), list(docs.items())] for phrase, docs in index.places.items()],
        "numbers": index.numbers,
    }
    raw = json.dumps(header, ensure_ascii=False).encode("utf-8")
    start = -(-(len(MAGIC) + 8 + len(raw)) // ALIGN) * ALIGN
    with open(path, "wb") as fh:
        fh.write(MAGIC + len(raw).to_bytes(8, "little") + raw)
        for name, arr in arrays.items():
            fh.seek(start + layout[name]["offset"])
            fh.write(arr.tobytes())
        fh.truncate(start + offset)


def load(path: Path) -> tuple[str, PassageIndex]:
    """(fingerprint, index) from ``path``; IndexFileError when it is not a file ``save`` wrote."""
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            if fh.read(len(MAGIC)) != MAGIC:
                raise ValueError("not an index file")
            length = int.from_bytes(fh.read(8), "little")
            if length > size:
                raise ValueError("header length")
            header = json.loads(fh.read(length).decode("utf-8"))
        if not isinstance(header, dict) or header.get("format") != FORMAT:
            raise ValueError("unknown index format")
        start = -(-(len(MAGIC) + 8 + length) // ALIGN) * ALIGN
        arrays = {name: _mapped(path, size, start, header["arrays"][name]) for name in _ARRAYS}
        return str(header["fingerprint"]), _rebuild(header, arrays)
    except (OSError, ValueError, KeyError, TypeError, IndexError, UnicodeDecodeError) as exc:
        raise IndexFileError(str(exc)) from exc


def _mapped(path: Path, size: int, start: int, spec: dict[str, Any]) -> np.ndarray:
    """One array, memory-mapped read-only, after checking its dtype and that it lies in the file."""
    dtype = np.dtype(str(spec["dtype"]))
    if dtype.str not in ALLOWED_DTYPES:
        raise ValueError(f"dtype {dtype.str} not allowed")
    shape = tuple(int(n) for n in spec["shape"])
    offset = start + int(spec["offset"])
    count = int(np.prod(shape)) if shape else 1
    if any(n < 0 for n in shape) or offset < start or offset + count * dtype.itemsize > size:
        raise ValueError("array outside the file")
    if count == 0:
        return np.zeros(shape, dtype=dtype)
    # A plain ndarray view of the mapping: slicing a np.memmap subclass costs ~50x more per call.
    return np.memmap(path, dtype=dtype, mode="r", offset=offset, shape=shape).view(np.ndarray)


def _rebuild(header: dict[str, Any], a: dict[str, np.ndarray]) -> PassageIndex:
    n = len(a["unit_doc"])
    _check(a["offsets"].ndim == 1 and len(a["offsets"]) == n + 1 and a["offsets"][-1] == len(a["blob"]),
           "offsets")
    _check(bool(np.all(np.diff(a["offsets"]) >= 0)), "offsets order")
    _check(all(len(a[k]) == n for k in ("unit_section", "unit_flags", "unit_secpos", "unit_section_rank")), "units")
    vocab = {str(tok): i for i, tok in enumerate(header["vocab"])}
    _check(len(a["bm25_indptr"]) == len(vocab) + 1 and len(a["df"]) >= len(vocab) - 1, "vocabulary")
    _check(a["bm25_indptr"][-1] == len(a["bm25_indices"]) == len(a["bm25_data"]), "bm25 arrays")
    _check(bool(np.all(np.diff(a["bm25_indptr"]) >= 0)) and int(a["bm25_indptr"][0]) == 0, "bm25 postings")
    # Passage numbers in the postings are not scanned (that would page the whole file in):
    # numpy bounds-checks every use, so a forged one raises IndexError, never reads elsewhere.
    _check(a["bm25_data"].dtype == np.float16 and a["bm25_indices"].dtype == np.int32, "postings dtypes")
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
    n_sections = int(idx.unit_secpos.max()) + 1 if n else 0
    for name, rows in (("sec_tok", n_sections),):
        indptr, ids = a[f"{name}_indptr"], a[f"{name}_ids"]
        _check(len(indptr) == rows + 1 and int(indptr[0]) == 0 and int(indptr[-1]) == len(ids)
               and bool(np.all(np.diff(indptr) >= 0)) and ids.dtype in (np.uint16, np.int32), name)
        setattr(idx, f"{name}_indptr", indptr)
        setattr(idx, f"{name}_ids", ids)
    perm, starts = a["copy_perm"], a["copy_starts"]
    _check(perm.dtype == starts.dtype == np.int32 and (not len(perm) or (int(perm.min()) >= 0 and int(perm.max()) < n))
           and (len(starts) == 0) == (len(perm) == 0) and (not len(starts) or int(starts[0]) == 0)
           and bool(np.all(np.diff(starts) > 0)) and (not len(starts) or int(starts[-1]) < len(perm)), "copies")
    idx.copy_perm, idx.copy_starts = perm, starts
    idx.post_data = a["bm25_data"]
    idx.post_indices = a["bm25_indices"]
    idx.post_indptr = a["bm25_indptr"]
    return idx


def _check(ok: bool, what: str) -> None:
    if not ok:
        raise ValueError(what)
