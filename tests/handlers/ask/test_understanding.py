"""Issue 20's examples, each as a general case: wrappers x questions, short forms x documents,
unit levels, a document that is not loaded, off-topic talk, the age of a source."""

from __future__ import annotations

import pytest

from core.dispatch import BotCore
from core.types import Incoming, UserRef
from handlers.ask.answer import OFF_TOPIC
from tests.handlers.ask.corpus import sample_core

WRAPPERS = (
    "Dạ cho em hỏi {q} ạ, em cảm ơn", "xin chào, {q}?", "{q} ạ? Cảm ơn bot",
    "Em chào anh chị ạ. Anh chị cho em hỏi {q} ạ?", "Kính gửi Văn phòng, cho em hỏi {q} ạ. Em xin cảm ơn!",
    "Bot ơi, cho em hỏi {q} với ạ", "Anh ơi cho em hỏi tí, {q} vậy anh?",
    "Dạ em xin phép hỏi ạ: {q}? Em cảm ơn anh chị nhiều ạ", "Chào bạn! Mình muốn hỏi {q}? Cảm ơn nhiều.",
    "Chào đồng chí, xin hỏi {q}? Trân trọng cảm ơn.",
)
# (question, what the answer must show): signers and dates of every sample, by full reference.
FIELD_QUESTIONS = (
    ("chỉ thị 02/CT-UBND do ai ký", "Trần Tiến Dũng"),
    ("ai ký chỉ thị 02/CT-UBND", "Trần Tiến Dũng"),
    ("văn bản phát động thi đua năm 2023 của thành phố Lai Châu do ai ký", "Nguyễn Văn Nghiệp"),
    ("chỉ thị thi đua năm 2021 của huyện Tuần Giáo do ai ký", "Vũ Văn Đức"),
    ("chỉ thị thi đua của Tỉnh ủy Lào Cai do ai ký", "Đặng Xuân Phong"),
    ("kế hoạch thi đua của huyện Tam Đường do ai ký", "Sùng Lữ Páo"),
    ("chỉ thị 02/CT-UBND ban hành ngày nào", "30 tháng 01 năm 2020"),
    ("chỉ thị của Tỉnh ủy Lào Cai ban hành ngày nào", "03 tháng 3 năm 2021"),
    ("kế hoạch thi đua của huyện Tam Đường ban hành ngày nào", "tháng 9 năm 2021"),
    ("chỉ thị của huyện Tuần Giáo ban hành ngày nào", "tháng 02 năm 2021"),
)
SHORT_FORMS = ("chỉ thị 02", "Chỉ thị số 02", "ct 02", "CT02", "chỉ thị 2", "chi thi so 02", "02/CT", "CT 02")


@pytest.fixture(scope="module")
def core(tmp_path_factory: pytest.TempPathFactory) -> BotCore:
    return sample_core(tmp_path_factory, "understanding")


_n = 0


async def ask(core: BotCore, text: str) -> str:
    global _n
    _n += 1
    user = UserRef("test", str(7000 + _n // 10), str(7000 + _n // 10), "Cán bộ")  # under the rate limit
    out = await core.handle(Incoming(user=user, update_key=f"u-{_n}", text=text))
    return "\n".join(o.reply.text for o in out)


@pytest.mark.parametrize("question, shown", FIELD_QUESTIONS)
async def test_every_wrapper_around_every_question(core: BotCore, question: str, shown: str) -> None:
    for wrapper in WRAPPERS:
        reply = await ask(core, wrapper.format(q=question))
        assert shown in reply and "Nguồn:" in reply, (wrapper, reply[:200])


@pytest.mark.parametrize("form", SHORT_FORMS)
async def test_every_short_number_form(core: BotCore, form: str) -> None:
    assert "Trần Tiến Dũng" in await ask(core, f"{form} do ai ký")
    assert "30 tháng 01 năm 2020" in await ask(core, f"{form} ban hành ngày nào")
    assert "30 tháng 01 năm 2020" in await ask(core, f"{form} ngày bao nhiêu")


async def test_short_number_no_document_has_is_not_loaded(core: BotCore) -> None:
    for text in ("kế hoạch 45 do ai ký", "Kế hoạch số 45 ban hành ngày nào", "quyết định 12 nói về gì"):
        reply = await ask(core, text)
        assert "Chưa có" in reply and "Nguồn:" not in reply, reply


@pytest.mark.parametrize("question, signer, not_signer", [
    ("Ai là chủ tịch UBND tỉnh Lai Châu hiện nay?", "Trần Tiến Dũng", "Nguyễn Văn Nghiệp"),
    ("Ai là chủ tịch UBND thành phố Lai Châu?", "Nguyễn Văn Nghiệp", "Trần Tiến Dũng"),
    ("chủ tịch ubnd tinh lai chau la ai", "Trần Tiến Dũng", "Nguyễn Văn Nghiệp"),
])
async def test_province_and_city_of_one_name_are_not_confused(core: BotCore, question: str, signer: str,
                                                              not_signer: str) -> None:
    reply = await ask(core, question)
    assert signer in reply and not_signer not in reply


async def test_office_at_a_level_no_document_has_is_declined(core: BotCore) -> None:
    reply = await ask(core, "Ai là chủ tịch UBND xã Lai Châu?")
    assert "Nguồn:" not in reply


async def test_greeting_alone_and_off_topic(core: BotCore) -> None:
    assert "Nguồn:" not in await ask(core, "Bot ơi")
    for text in ("Thời tiết Hà Nội hôm nay thế nào?", "Giá vàng hôm nay bao nhiêu?"):
        reply = await ask(core, text)
        assert reply == OFF_TOPIC, reply


async def test_old_and_district_sources_are_flagged(core: BotCore) -> None:
    old = await ask(core, "Ai ký chỉ thị 02/CT-UBND?")  # 2020, the clock is in 2026
    assert "đã hơn 2 năm" in old
    district = await ask(core, "Kế hoạch thi đua của huyện Tam Đường do ai ký?")
    assert "cấp huyện" in district


@pytest.mark.xfail(strict=True, reason="issue 20, not done: a definition asked of the whole domain and a year "
                                       "asked of an event still get a passage that does not answer")
@pytest.mark.parametrize("question, right", [
    ("thi đua khen thưởng là gì", None),  # no document defines it: decline
    ("Đại hội Thi đua yêu nước tỉnh Lai Châu lần thứ V tổ chức năm nào?", "2020"),
])
async def test_issue_examples_still_open(core: BotCore, question: str, right: str | None) -> None:
    reply = await ask(core, question)
    if right is None:
        assert "Nguồn:" not in reply
    else:
        first = reply.split("Nguồn:")[0]
        assert right in first and "2020-2025" not in first
