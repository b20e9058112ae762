"""A question typed in the middle of the registration dialog is answered, never taken as the
answer, and the dialog goes on (issue 19): a stranger who shared someone else's contact."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from store.models import DialogState
from tests.e2e.fakebotapi import FakeUser
from tests.e2e.harness import running_bot

STRANGER = FakeUser(id=2001, first_name="Lạ")
QUESTION = "Ai ký kế hoạch thi đua năm 2026?"


def _step(services) -> str:
    with services.session_factory() as s:
        return s.scalar(select(DialogState.data))["step"]


async def test_a_question_mid_registration_is_answered_and_the_dialog_resumes(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as (api, services, _core):
        api.push_contact(STRANGER, "0911222333", contact_user_id=9999)  # someone else's contact
        await api.wait_for(STRANGER.id, predicate=lambda c: "tỉnh/thành phố" in c.text)
        before = len(api.sent(STRANGER.id))
        api.push_message(STRANGER, QUESTION)
        calls = await api.wait_for(STRANGER.id, count=before + 2, timeout=30)
        said = "\n".join(c.text for c in calls[before:])
        assert "xã/phường nào" not in said and calls[-1].text.startswith("Anh/chị công tác ở tỉnh/thành phố nào")
        assert _step(services) == "province"  # not taken as a province
        api.push_message(STRANGER, "Điện Biên")
        await api.wait_for(STRANGER.id, predicate=lambda c: "xã/phường nào" in c.text)
        api.push_message(STRANGER, "Tuần Giáo")
        choice = (await api.wait_for(STRANGER.id, predicate=lambda c: "chọn đúng xã" in c.text))[-1]
        api.push_callback(STRANGER, choice.inline_buttons[0]["callback_data"])
        await api.wait_for(STRANGER.id, predicate=lambda c: "Họ và tên" in c.text)
        before = len(api.sent(STRANGER.id))
        api.push_message(STRANGER, QUESTION)  # in a free-text step too: no one is named "Ai ký…"
        calls = await api.wait_for(STRANGER.id, count=before + 2, timeout=30)
        assert calls[-1].text.startswith("Họ và tên") and _step(services) == "name"
        with services.session_factory() as s:
            assert s.scalar(select(DialogState.data))["full_name"] == ""
