"""What store-level start-up steps need from the composition root, as a Protocol.

``core.context.Services`` satisfies it; ``store`` itself never imports anything above it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from sqlalchemy.orm import Session, sessionmaker

from store.clock import Clock


class StoreSettings(Protocol):
    load_samples: bool
    sample_dir: Path

    @property
    def index_dir(self) -> Path: ...


class StoreServices(Protocol):
    settings: Any  # a StoreSettings; Any so that the real Settings class fits without a cast
    session_factory: sessionmaker[Session]
    clock: Clock
    search: Any
    units: Any  # an Optional[store.people.units.UnitIndex], cached by seed_units / unit_index
