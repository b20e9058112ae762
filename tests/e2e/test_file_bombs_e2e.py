"""One file must not take the service down: a supervisor sends a zip-bomb DOCX and a
page-bomb PDF on Telegram (the real stack against the fake Bot API); each is refused with the
"quá lớn hoặc quá phức tạp" reply, and another user's message sent meanwhile is answered
within a second, while the file is still being read."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from bot.services import build_services
from core.settings import Settings
from tests.e2e.fakebotapi import FakeBotAPI, FakeUser
from tests.e2e.harness import running_bot
from tests.reminders.world import build_world
from tests.store.directives.file_bombs import page_bomb_pdf, zip_bomb_docx

S1, A1 = FakeUser(id=505, first_name="Giám sát"), FakeUser(id=501, first_name="Cán bộ")
OFFICERS = (("a1", "A", True, True),)
CHATS = {"a1": "501", "s1": "505"}


# The zip bomb is refused from the archive's directory before anything unpacks it, in milliseconds:
# its refusal may come before or after the other user's answer. The page bomb needs the worker,
# which takes seconds: the other user must be answered while it reads.
@pytest.mark.parametrize("name, content, slow", [("chi_thi.docx", zip_bomb_docx(), False),
                                                 ("chi_thi.pdf", page_bomb_pdf(), True)],
                         ids=["zip-bomb", "page-bomb"])
async def test_a_bomb_is_refused_while_others_are_answered(tmp_path: Path, name: str, content: bytes,
                                                           slow: bool) -> None:
    settings = Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'bot.sqlite3'}",
                        data_dir=tmp_path / "data", load_samples=False, quiet_hours="")
    services = build_services(settings, startup=False)
    build_world(services, officers=OFFICERS, channel="telegram", chat_ids=CHATS)
    async with FakeBotAPI() as api:
        settings.bot_token, settings.telegram_api_base_url = api.token, api.url
        async with running_bot(tmp_path, api=api, services=services):
            api.push_command(S1, "help")  # warm up (another chat: each chat is paced at 1 message/s)
            await api.wait_for(505, timeout=30)
            api.push_document(S1, content, file_name=name)
            await api.wait_for(method="getFile", timeout=30)  # downloaded: now being read
            asked = time.monotonic()
            api.push_command(A1, "help")
            await api.wait_for(501, timeout=30)
            answered = time.monotonic() - asked
            still_reading = len(api.sent(505)) == 1
            refusal = (await api.wait_for(505, count=2, timeout=60))[1]
            print(f"answered in {answered:.2f} s, refused after {time.monotonic() - asked:.2f} s")
            assert answered < 1.0, answered
            assert still_reading or not slow  # answered while the file was being read, not after
            assert f"Tệp “{name}” quá lớn hoặc quá phức tạp" in refusal.text, refusal.text
            assert len(refusal.text) < 1000
