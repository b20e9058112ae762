"""The emulation year's paperwork as one story (issue 16), through ``python -m bot`` and the
fake Telegram and Zalo APIs, on SQLite and PostgreSQL, the clock moved through the year:

- January (tests/e2e/registration_steps.py): three communes register, one amending (two
  versions kept) and one on Zalo killed on its review screen and refused after the deadline;
  the bloc's pledge; the province's XLSX;
- November (tests/e2e/nomination_steps.py): the year scored and ranked (part 1, seeded), the
  top commune nominated (warned that it did not register), its dossier refused while a
  document is missing, completed, returned with a reason (Telegram), fixed on Zalo, approved and
  its decision recorded by a province officer on Zalo (numbered choices); the titles lookups
  answered; the DOCX draft checked.

The bot is killed once and restarted twice; nothing it held in memory carries over.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from bot.services import build_services
from store.clock import FakeClock
from tests.e2e.emulation_world import BEFORE_DUE, seed
from tests.e2e.fakebotapi import FakeBotAPI
from tests.e2e.fakezaloapi import FakeZaloAPI
from tests.e2e.nomination_steps import add_zalo_supervisor, nominations, ranked_and_published
from tests.e2e.registration_steps import IN_TIME, registrations
from tests.e2e.test_emulation_e2e import QUIET
from tests.e2e.zalo_harness import ZaloBotProcess


async def test_the_emulation_year_end_to_end(database_url: str, tmp_path: Path) -> None:
    async with FakeZaloAPI() as zapi, FakeBotAPI() as api:
        proc = ZaloBotProcess(zapi, tmp_path / "bot", telegram=api,
                              env={**QUIET, "BOT_FAKE_NOW": IN_TIME, "DATABASE_URL": database_url,
                                   "OUTBOX_PER_CHAT_INTERVAL_SECONDS": "0"})
        january = build_services(proc.settings(), FakeClock(datetime.fromisoformat(IN_TIME)), startup=False)
        period_id = seed(january.session_factory, january.clock.now())
        add_zalo_supervisor(january)
        try:
            await registrations(api, zapi, proc, january)
            await proc.stop()

            november = build_services(proc.settings(), FakeClock(datetime.fromisoformat(BEFORE_DUE)),
                                      startup=False)
            names = ranked_and_published(november, period_id)
            proc.env["BOT_FAKE_NOW"] = BEFORE_DUE
            await proc.start()
            await nominations(api, zapi, november, names)
        finally:
            await proc.stop()
    assert "Traceback" not in proc.log()
