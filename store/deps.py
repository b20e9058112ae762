"""What store-level start-up steps need from the composition root, as a Protocol.

``core.context.Services`` satisfies it; ``store`` itself never imports anything above it.
A subpackage that caches an index on the services extends it with that one attribute
(``store.search.service.SearchServices``, ``store.people.units.UnitServices``), so the
independent subpackages need not know each other's types.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from sqlalchemy.orm import Session, sessionmaker

from store.clock import Clock


class StoreSettings(Protocol):
    load_samples: bool
    sample_dir: Path

    @property
    def index_dir(self) -> Path: ...


class StoreServices(Protocol):
    session_factory: sessionmaker[Session]
    clock: Clock

    @property
    def settings(self) -> StoreSettings: ...  # read-only, so the real Settings class fits
