"""Answer or decline: near-topic questions the directives do not answer get no citation; small
talk gets a human reply; office holders only "theo văn bản"; summaries; passages that read well;
the entry point dialogs use for questions typed mid-dialog."""

from __future__ import annotations

import pytest

from core.dispatch import BotCore
from core.types import Incoming, Reply, UserRef
from handlers.ask.answer import NOT_FOUND, NOT_UNDERSTOOD, is_junk, question_reply
from handlers.ask.smalltalk import INTRO, small_talk_kind
from tests.handlers.ask.corpus import sample_core

USER = UserRef("test", "77", "77", "Cán bộ")


@pytest.fixture(scope="module")
def core(tmp_path_factory: pytest.TempPathFactory) -> BotCore:
    return sample_core(tmp_path_factory, "decline")


_n = 0


async def ask(core: BotCore, text: str) -> Reply:
    global _n
    _n += 1
    out = await core.handle(Incoming(user=USER, update_key=f"decline-{_n}", text=text))
    return Reply(text="\n".join(o.reply.text for o in out), buttons=[r for o in out for r in o.reply.buttons])


def datas(reply: Reply) -> list[str]:
    return [b.data for row in reply.buttons for b in row]


@pytest.mark.parametrize("question", [
    "Ai là chủ tịch nước hiện nay?",
    "Nghị định nào quy định mức tiền thưởng cho danh hiệu Chiến sĩ thi đua cơ sở?",
    "Khối thi đua của tỉnh Lai Châu gồm những đơn vị nào?",
    "Tỷ lệ hộ nghèo của thành phố Lai Châu năm 2023 là bao nhiêu?",
    "Đại hội Thi đua yêu nước toàn quốc lần thứ X tổ chức ở đâu?",
    "Chỉ thị phát động thi đua năm 2019 của tỉnh Lai Châu do ai ký?",
    "Chỉ thị số 15/CT-UBND của tỉnh Lai Châu nói về nội dung gì?",
    "Thành phố Lai Châu có bao nhiêu phường?",
    "Lương của cán bộ làm công tác thi đua, khen thưởng là bao nhiêu?",
])
async def test_near_topic_questions_are_declined_without_a_citation(core: BotCore, question: str) -> None:
    reply = await ask(core, question)
    assert reply.text.startswith(NOT_FOUND), reply.text[:200]
    assert "Nguồn:" not in reply.text and "/tim" in reply.text
    assert all(d.startswith("doc:") for d in datas(reply))


async def test_a_decline_names_the_documents_that_mention_the_topic(core: BotCore) -> None:
    reply = await ask(core, "Khối thi đua của tỉnh Lai Châu gồm những đơn vị nào?")
    assert "Văn bản có nhắc đến chủ đề này" in reply.text and datas(reply)
    labels = [b.text for row in reply.buttons for b in row]
    assert any("Lai Châu" in label for label in labels)


async def test_answers_cite_a_passage_that_holds_the_answer(core: BotCore) -> None:
    for question, expected in (("Lai Châu tổ chức Hội nghị tổng kết Cụm thi đua bao nhiêu tỉnh?", "7 tỉnh"),
                               ("Thành phố Lai Châu phấn đấu hướng tới đô thị loại mấy?", "loại II"),
                               ("Thông tư số 12/2019/TT-BNV ban hành ngày nào?", "04/11/2019"),
                               ("Nghị định 91/2017/NĐ-CP được hướng dẫn bởi thông tư nào?", "12/2019/TT-BNV")):
        reply = await ask(core, question)
        assert expected in reply.text and "Nguồn:" in reply.text, (question, reply.text[:200])


@pytest.mark.parametrize("text, kind", [
    ("Xin chào", "greet"), ("chào bot nhé", "greet"), ("cam on ban", "thanks"), ("Cảm ơn nhiều ạ", "thanks"),
    ("Tạm biệt", "bye"), ("ok", "ack"), ("👍", "ack"), ("Bạn là ai?", "intro"), ("bot làm được gì", "intro"),
])
async def test_small_talk_gets_a_short_human_reply(core: BotCore, text: str, kind: str) -> None:
    assert small_talk_kind(text) == kind
    reply = await ask(core, text)
    assert "Nguồn:" not in reply.text and not reply.text.startswith(NOT_FOUND)
    assert len(reply.text) < 300


async def test_who_are_you_is_a_two_line_introduction_with_help(core: BotCore) -> None:
    reply = await ask(core, "bạn là ai vậy")
    assert reply.text == INTRO and len(reply.text.splitlines()) == 2 and "/help" in reply.text


def test_questions_that_start_like_small_talk_are_not_small_talk() -> None:
    assert small_talk_kind("Chào mừng kỷ niệm 115 năm thành lập tỉnh là phong trào gì?") is None
    assert small_talk_kind("ok vậy ai ký chỉ thị 02?") is None


async def test_office_holders_only_as_of_a_document(core: BotCore) -> None:
    reply = await ask(core, "Chủ tịch UBND huyện Tuần Giáo hiện nay là ai?")
    assert reply.text.startswith("Theo Chỉ thị") and "Vũ Văn Đức" in reply.text and "(năm 2021)" in reply.text
    assert "hiện nay" in reply.text  # says it does not know who holds the office now
    for question in ("Ai là Bí thư Tỉnh ủy Lào Cai hiện nay?", "Chủ tịch UBND tỉnh Điện Biên hiện nay là ai?",
                     "Ai là Thủ tướng Chính phủ hiện nay?"):
        assert (await ask(core, question)).text.startswith(NOT_FOUND), question


async def test_what_a_document_is_about_is_a_summary_with_its_sections(core: BotCore) -> None:
    reply = await ask(core, "Chỉ thị 02/CT-UBND nói về gì?")
    assert reply.text.startswith("📄 Chỉ thị 02/CT-UBND") and "Về việc:" in reply.text
    assert "phần chính" in reply.text and "Người ký: Trần Tiến Dũng" in reply.text
    sections = [d for d in datas(reply) if d.startswith("sec:")]
    assert len(sections) >= 5 and datas(reply)[-1].startswith("doc:")
    plan = await ask(core, "Kế hoạch của huyện Tam Đường có nội dung chính gì?")
    assert "MỤC ĐÍCH, YÊU CẦU" in plan.text and "Chủ đề:" in plan.text


async def test_passages_start_at_a_sentence_and_keep_headings_apart(core: BotCore) -> None:
    for question in ("Ủy ban nhân dân tỉnh Lai Châu yêu cầu ai tổ chức thực hiện nghiêm túc Chỉ thị này?",
                     "Lai Châu chú ý khen thưởng những ai?",
                     "Hai nhiệm vụ đột phá của tỉnh Lào Cai là gì?",
                     "Tuần Giáo giao phòng Nội vụ huyện nhiệm vụ gì?"):
        reply = await ask(core, question)
        assert "Nguồn:" in reply.text, question
        first = reply.text.lstrip("…")[:1]
        assert first.isupper() or first.isdigit() or reply.text.startswith("…"), reply.text[:80]
        assert "Phần kết " not in reply.text and "Phần mở đầu " not in reply.text.split("Nguồn:")[0]


async def test_hien_nay_answers_are_dated_by_their_document(core: BotCore) -> None:
    reply = await ask(core, "Hiện nay Lào Cai ưu tiên phát triển loại hình du lịch nào?")
    assert reply.text.startswith("Theo Chỉ thị") and "(năm 2021)" in reply.text and "du lịch cộng đồng" in reply.text


async def test_question_reply_for_dialogs(core: BotCore) -> None:
    services = core.services
    with services.session_factory() as session:
        from core.context import Context
        from store.models import User
        user = User(channel="test", external_id="dlg", chat_id="dlg", display_name="", reachable=True,
                    created_at=services.clock.now(), last_seen_at=services.clock.now())
        ctx = Context(services=services, session=session, msg=Incoming(user=USER, update_key="x", text=""), user=user)
        for value in ("ok", "5", "Xã Tam Đường", "12/3/2026", "Có", "cảm ơn"):
            assert question_reply(ctx, value) is None, value
        replies = question_reply(ctx, "Ai ký Chỉ thị 02/CT-UBND?")
        assert replies and "Trần Tiến Dũng" in replies[0].text
        declined = question_reply(ctx, "Ai là chủ tịch nước hiện nay?")
        assert declined and declined[0].text.startswith(NOT_FOUND)


@pytest.mark.parametrize("junk", ["abc", "xyz", "hjk zzz"])
async def test_short_junk_is_declined_without_a_passage(core: BotCore, junk: str) -> None:
    reply = await ask(core, junk)
    assert reply.text == NOT_UNDERSTOOD and "Nguồn:" not in reply.text and not datas(reply)


def test_words_telex_numbers_and_codes_are_not_junk() -> None:
    assert not any(is_junk(t) for t in ("thi dua", "traof luu", "02/CT-UBND", "2021"))
