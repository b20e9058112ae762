"""Passages packed into numpy arrays (the memory-lean store behind the passage index)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Optional, overload

import numpy as np


@dataclass(slots=True)
class Unit:
    doc_id: int
    section_id: Optional[int]  # None: the document's title / fields
    text: str
    heading: bool = False  # a section heading, shown on its own line


HEADING = 1  # unit flag bit


class UnitStore:
    """Passages packed into arrays (one UTF-8 blob plus offsets): a few bytes of overhead each
    instead of a Python object and string apiece, so thousands of directives fit in memory.
    ``store[i]`` builds a :class:`Unit` on demand; slices give lists."""

    def __init__(self) -> None:
        self._pending: list[bytes] = []
        self._meta: list[tuple[int, int, int]] = []
        self.blob = np.zeros(0, dtype=np.uint8)
        self.offsets = np.zeros(1, dtype=np.int64)
        self.doc = np.zeros(0, dtype=np.int64)
        self.section = np.zeros(0, dtype=np.int64)  # -1: the document's title / fields
        self.flags = np.zeros(0, dtype=np.uint8)

    def append(self, doc_id: int, section_id: Optional[int], text: str, flags: int = 0) -> None:
        self._pending.append(text.encode("utf-8"))
        self._meta.append((doc_id, -1 if section_id is None else section_id, flags))

    def freeze(self) -> "UnitStore":
        """Pack the appended units into arrays."""
        lengths = np.fromiter((len(b) for b in self._pending), dtype=np.int64, count=len(self._pending))
        self.offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        joined = b"".join(self._pending)
        self._pending = []
        self.blob = np.frombuffer(joined, dtype=np.uint8)  # read-only, like the memory-mapped one a restart loads
        meta = np.asarray(self._meta, dtype=np.int64).reshape(-1, 3)
        self._meta = []
        self.doc, self.section, self.flags = meta[:, 0].copy(), meta[:, 1].copy(), meta[:, 2].astype(np.uint8)
        return self

    def __len__(self) -> int:
        return len(self.doc)

    def text(self, i: int) -> str:
        return self.blob[self.offsets[i]:self.offsets[i + 1]].tobytes().decode("utf-8")

    def section_id(self, i: int) -> Optional[int]:
        s = int(self.section[i])
        return None if s < 0 else s

    def is_heading(self, i: int) -> bool:
        return bool(self.flags[i] & HEADING)

    @overload
    def __getitem__(self, i: int) -> Unit: ...

    @overload
    def __getitem__(self, i: slice) -> list[Unit]: ...

    def __getitem__(self, i: int | slice) -> Unit | list[Unit]:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        return Unit(int(self.doc[i]), self.section_id(i), self.text(i), self.is_heading(i))

    def __iter__(self) -> Iterator[Unit]:
        return (self[i] for i in range(len(self)))


@dataclass
class Hit:
    """One ranked unit."""

    unit: int
    score: float
    doc_id: int
    section_id: Optional[int]
    text: str
    confidence: float = 0.0
