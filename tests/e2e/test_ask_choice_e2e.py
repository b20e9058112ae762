"""Which document, through the real channels: two loaded directives numbered 02, a question with
"chỉ thị 02" gets them as choices — Telegram buttons with typed data, a numbered list on Zalo —
and the chosen one answers."""

from __future__ import annotations

from pathlib import Path

from bot.services import Services
from store.directives.ingest import ingest_paths
from store.search.service import refresh
from tests.e2e.harness import USER, running_bot
from tests.e2e.zalo_harness import ZUSER, ZChat, running_zalo
from tests.handlers.ask.test_choice import TWIN_SIGNER, _twin


def _load_twin(services: Services, folder: Path) -> None:
    assert not ingest_paths(services.session_factory, [folder], services.clock).errors
    refresh(services)


async def test_telegram_choices_are_buttons_and_the_pressed_one_answers(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as (api, services, _core):
        _twin(tmp_path / "twin")
        _load_twin(services, tmp_path / "twin")
        api.push_message(USER, "Dạ cho em hỏi chỉ thị 02 do ai ký ạ?")
        offer = (await api.wait_for(USER.id, timeout=30))[0]
        assert "Có 2 văn bản là “Chỉ thị số 02”" in offer.text
        buttons = offer.inline_buttons
        assert len(buttons) == 2 and all(b["callback_data"].startswith("hoi:vb:") for b in buttons)
        assert "UBND tỉnh Sơn La" in offer.text and "UBND tỉnh Lai Châu" in offer.text  # each entry in full
        son_la = next(b for b in buttons if "Sơn La" in b["text"])
        api.push_callback(USER, son_la["callback_data"], message_id=offer.result["message_id"])
        done = await api.wait_for(USER.id, lambda c: "Người ký" in c.text, timeout=30)
        assert TWIN_SIGNER in done[0].text and "Trần Tiến Dũng" not in done[0].text


async def test_zalo_lists_the_documents_numbered_and_a_typed_number_picks_one(tmp_path: Path) -> None:
    async with running_zalo(tmp_path) as (api, services, _core):
        _twin(tmp_path / "twin")
        _load_twin(services, tmp_path / "twin")
        chat = ZChat(api, ZUSER)
        said = await chat.text("ct 02 ban hành ngày nào", timeout=30)
        assert "Có 2 văn bản là “Chỉ thị số 02”" in said and "1." in said and "2." in said, said
        lines = said.splitlines()
        first = next(line for line in lines if line.lstrip().startswith("1."))
        expected = "15 tháng 02 năm 2021" if "Sơn La" in first else "30 tháng 01 năm 2020"
        answer = await chat.text("1", timeout=30)
        assert expected in answer, answer
