"""What store-level start-up steps need from the composition root, as a Protocol.

``core.context.Services`` satisfies it; ``store`` itself never imports anything above it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Optional, Protocol

from sqlalchemy.orm import Session, sessionmaker

from store.clock import Clock

if TYPE_CHECKING:  # types only: a sender-only worker starts without loading search (numpy, bm25s)
    from store.people.units import UnitIndex
    from store.search.rank import SearchIndex


class StoreSettings(Protocol):
    load_samples: bool
    sample_dir: Path

    @property
    def index_dir(self) -> Path: ...


class StoreServices(Protocol):
    session_factory: sessionmaker[Session]
    clock: Clock
    search: Optional["SearchIndex"]  # loaded by store.search.service.ensure_index
    units: Optional["UnitIndex"]  # cached by seed_units / unit_index

    @property
    def settings(self) -> StoreSettings: ...  # read-only, so the real Settings class fits
