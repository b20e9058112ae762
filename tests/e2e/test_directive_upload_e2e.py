"""A supervisor sends a PDF directive to the bot on Telegram: the real stack downloads it,
the bot previews it, loads it on the button, and the notice (with the file) reaches officers."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from bot.services import build_services
from core.settings import Settings
from core import messages
from store.models import Document
from tests.e2e.fakebotapi import FakeBotAPI, FakeUser
from tests.e2e.harness import running_bot
from tests.reminders.world import build_world
from tests.store.directives.formats import to_pdf

SAMPLE = Path(__file__).resolve().parents[2] / "store" / "sample" / "directives" / "003_7d443ee1d645a8ea.txt"
S1, A1 = FakeUser(id=505, first_name="Giám sát"), FakeUser(id=501, first_name="Cán bộ")
OFFICERS = (("a1", "A", True, True), ("c1", "C", True, True))
CHATS = {"a1": "501", "c1": "504", "s1": "505"}


async def test_pdf_sent_in_chat_is_previewed_loaded_and_announced(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'bot.sqlite3'}",
                        data_dir=tmp_path / "data", load_samples=False, quiet_hours="")
    services = build_services(settings, startup=False)
    build_world(services, officers=OFFICERS, channel="telegram", chat_ids=CHATS)
    pdf = to_pdf(SAMPLE.read_text(encoding="utf-8"))
    async with FakeBotAPI() as api:
        settings.bot_token, settings.telegram_api_base_url = api.token, api.url
        async with running_bot(tmp_path, api=api, services=services):
            # An officer's file gets the usual refusal.
            api.push_document(A1, pdf, file_name="chi_thi_lao_cai.pdf")
            refusal = await api.wait_for(501, timeout=30)
            assert refusal[0].text == messages.FILE_OUTSIDE_DIALOG

            api.push_document(S1, pdf, file_name="chi_thi_lao_cai.pdf")
            preview = (await api.wait_for(505, lambda c: "Đã đọc" in c.text, timeout=60))[0]
            for found in ("PDF", "Loại: Chỉ thị", "Ngày: 3/3/2021", "Tỉnh ủy Lào Cai", "Đặng Xuân Phong"):
                assert found in preview.text, found
            api.push_callback(S1, "dl:ok")
            loaded = (await api.wait_for(505, lambda c: "Đã nạp" in c.text, timeout=60))[0]
            with services.session_factory() as s:
                doc = s.scalar(select(Document))
            assert doc.source_key == "chi_thi_lao_cai.pdf" and doc.signer == "Đặng Xuân Phong"
            assert f"dl:n:{doc.id}" in str(loaded.params.get("reply_markup"))

            api.push_callback(S1, f"dl:n:{doc.id}")
            await api.wait_for(505, lambda c: "Xem trước thông báo" in c.text, timeout=30)
            api.push_callback(S1, f"dl:s:{doc.id}")
            notices = await api.wait_for(501, method="sendDocument", timeout=60)
            assert notices[0].files.get("document") == pdf
            assert "Văn bản mới: Chỉ thị" in notices[0].params.get("caption", "")
            await api.wait_for(504, method="sendDocument", timeout=60)

            api.push_command(A1, "vanban")
            listing = await api.wait_for(501, lambda c: "Văn bản (1)" in c.text, timeout=30)
            assert "Chỉ thị" in listing[0].text
