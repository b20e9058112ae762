"""The title catalogue and a registration deadline added to the emulation handler world."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from core.context import Services
from core.dispatch import BotCore
from store.db import transaction
from store.emulation.registrations import set_deadline
from store.emulation.titles import load_catalogue, parse_catalogue_text
from tests.handlers.report_setup import PROVINCE

SAMPLE = Path(__file__).resolve().parents[3] / "store" / "sample" / "emulation" / "danh-hieu-2026.yaml"
REG_DUE = datetime(2026, 1, 31, 10, 0, tzinfo=timezone.utc)  # 17:00 31/1/2026 in Vietnam
REG_START = datetime(2026, 1, 5, 2, 0, tzinfo=timezone.utc)


def open_registration(core: BotCore, due: datetime = REG_DUE) -> None:
    open_registration_in(core.services, due)


def open_registration_in(services: Services, due: datetime = REG_DUE) -> None:
    """The same, given the services (the end-to-end tests seed before the bot starts)."""
    with transaction(services.session_factory) as s:
        load_catalogue(s, PROVINCE, parse_catalogue_text(SAMPLE.read_text(encoding="utf-8")), services.clock.now())
        set_deadline(s, PROVINCE, 2026, due, services.clock.now())
