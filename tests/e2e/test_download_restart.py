"""Nothing lost on restart: SIGTERM (or SIGKILL) while the bot downloads a supervisor's
directive. On SIGTERM the bot waits for the work a bounded time; a download that finishes
within it is previewed, one that does not is apologised for (a clear Vietnamese line); after
a SIGKILL the restarted bot apologises. Either arrives after the restart, never silence.
`python -m bot` against the fake Bot API, the file trickling in slowly."""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.services import build_services
from core.after_commit import STOP_GRACE_SECONDS
from store.clock import FakeClock
from store.models import AfterCommitJob
from tests.e2e.fakebotapi import FakeBotAPI, FakeUser
from tests.e2e.harness import BotProcess
from tests.reminders.world import build_world
from tests.store.directives.formats import to_pdf

SAMPLE = Path(__file__).resolve().parents[2] / "store" / "sample" / "directives" / "003_7d443ee1d645a8ea.txt"
S1 = FakeUser(id=505, first_name="Giám sát")
NOW = "2026-06-25T08:00:00+07:00"
APOLOGY = ("Xin lỗi, bot vừa khởi động lại khi đang đọc tệp văn bản anh/chị gửi nên việc đó chưa xong. "
           "Anh/chị vui lòng gửi lại tệp.")


@pytest.mark.parametrize("seconds, outcome", [(30, "interrupted"), (2, "done")], ids=["too-long", "within-grace"])
async def test_sigterm_during_a_download_ends_in_the_result_or_an_apology(tmp_path: Path, seconds: int,
                                                                          outcome: str) -> None:
    await _download_then_stop(tmp_path, seconds, outcome, kill=False)


async def test_sigkill_during_a_download_is_apologised_for_at_the_restart(tmp_path: Path) -> None:
    await _download_then_stop(tmp_path, 30, "running", kill=True)


async def _download_then_stop(tmp_path: Path, seconds: int, outcome: str, *, kill: bool) -> None:
    async with FakeBotAPI() as api:
        proc = BotProcess(api, tmp_path / "bot", fake_now=NOW, env={"LOAD_SAMPLES": "false"})
        services = build_services(proc.settings(), FakeClock(datetime.fromisoformat(NOW)), startup=False)
        build_world(services, officers=(("a1", "A", True, True),), channel="telegram", chat_ids={"s1": "505"})
        await proc.start()
        try:
            api.file_trickle = (seconds, 1.0)  # one chunk a second
            api.push_document(S1, to_pdf(SAMPLE.read_text(encoding="utf-8")), file_name="chi_thi.pdf")
            await api.wait_until(lambda: bool(api.calls_of("downloadFile")), timeout=30)
            stopping = time.monotonic()
            if kill:
                proc.kill()  # no clean-up at all: the row stays open
            else:
                assert await proc.stop(timeout=60) == 0
            waited = time.monotonic() - stopping
            assert waited < STOP_GRACE_SECONDS + 15, waited  # bounded, whatever the download does
            with services.session_factory() as s:
                assert [j.state for j in s.scalars(select(AfterCommitJob))] == [outcome]

            api.file_trickle = None
            await proc.start()
            if outcome != "done":  # the apology: queued at the stop, or by the restart's first sweep
                said = await api.wait_for(505, lambda c: "Xin lỗi" in c.text, timeout=30)
                assert said[0].text == APOLOGY
            else:
                await api.wait_for(505, lambda c: "Đã đọc" in c.text, timeout=60)
            assert len(api.sent(505)) == 1  # the one outcome, nothing else, nothing twice
        finally:
            await proc.stop()
