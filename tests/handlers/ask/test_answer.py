"""Questions through the bot core: answers with citation and buttons, field answers, refusals, paging."""

from __future__ import annotations


import pytest
from sqlalchemy import select

from handlers.ask.answer import NOT_FOUND
from core.dispatch import BotCore
from core.messages import STALE_BUTTON
from core.types import Incoming, Reply, UserRef
from store.models import AuditLog
from tests.handlers.ask.corpus import sample_core

USER = UserRef("test", "42", "42", "Cán bộ")


@pytest.fixture(scope="module")
def core(tmp_path_factory: pytest.TempPathFactory) -> BotCore:
    return sample_core(tmp_path_factory, "ask")


_n = 0


async def ask(core: BotCore, *, text: str | None = None, button: str | None = None) -> Reply:
    global _n
    _n += 1
    out = await core.handle(Incoming(user=USER, update_key=f"ask-{_n}", text=text, button=button))
    assert out
    return out[-1].reply if len(out) == 1 else Reply(text="\n".join(o.reply.text for o in out),
                                                      buttons=out[-1].reply.buttons)


def datas(reply: Reply) -> list[str]:
    return [b.data for row in reply.buttons for b in row]


async def test_answer_has_passage_citation_and_buttons(core: BotCore) -> None:
    reply = await ask(core, text="Lào Cai ưu tiên phát triển loại hình du lịch nào?")
    assert "du lịch cộng đồng" in reply.text[:1000]
    assert "Nguồn: Chỉ thị" in reply.text and "Ban Thường vụ Tỉnh ủy Lào Cai" in reply.text
    labels = [b.text for row in reply.buttons for b in row]
    assert "Xem cả mục" in labels and "Xem văn bản" in labels
    assert any(d.startswith("sec:") for d in datas(reply)) and any(d.startswith("doc:") for d in datas(reply))


async def test_unnumbered_document_is_cited_honestly(core: BotCore) -> None:
    reply = await ask(core, text="tam duong to chuc thi tim hieu ve noi dung gi")
    assert "chưa ghi số" in reply.text and "Tam Đường" in reply.text


async def test_field_answers(core: BotCore) -> None:
    signer = await ask(core, text="Ai ký chỉ thị của Tỉnh ủy Lào Cai?")
    assert "Đặng Xuân Phong" in signer.text and "Nguồn:" in signer.text
    date = await ask(core, text="chi thi 02/CT-UBND ban hanh ngay nao")
    assert "ngày 30 tháng 01 năm 2020" in date.text
    partial = await ask(core, text="Kế hoạch của huyện Tam Đường ban hành ngày nào?")
    assert "tháng 9 năm 2021" in partial.text and "để trống ngày" in partial.text
    theme = await ask(core, text="Chủ đề thi đua của Tuần Giáo năm 2021 là gì?")
    assert "khát vọng phát triển" in theme.text
    duties = await ask(core, text="Tuần Giáo: chế độ báo cáo định kỳ thế nào?")
    assert "6 tháng" in duties.text


async def test_off_topic_and_unknown_places_are_refused(core: BotCore) -> None:
    for question in ("Giá vàng hôm nay bao nhiêu?", "ket qua bong da toi qua"):
        reply = await ask(core, text=question)
        assert reply.text.startswith(NOT_FOUND) and "/tim" in reply.text and "Nguồn:" not in reply.text
    unknown = await ask(core, text="Ai ký chỉ thị thi đua của tỉnh Quảng Ninh?")
    assert "Quảng Ninh" in unknown.text and "chưa có văn bản" in unknown.text


async def test_more_results_and_stale_buttons(core: BotCore) -> None:
    reply = await ask(core, text="phong trào thi đua xây dựng nông thôn mới")
    more = next(d for d in datas(reply) if d.startswith("more:"))
    page = await ask(core, button=more)
    assert page.text.startswith("Các đoạn liên quan khác") and "Nguồn:" in page.text
    assert all(len(d.encode()) <= 64 for d in datas(page))
    forged = more[:-1] + ("0" if more[-1] != "0" else "1")
    assert (await ask(core, button=forged)).text == STALE_BUTTON
    assert (await ask(core, button="more:zz")).text == STALE_BUTTON
    assert (await ask(core, button="more:abcd:1.2.٣")).text == STALE_BUTTON  # key and units do not match
    with core.services.session_factory() as s:
        stale = list(s.scalars(select(AuditLog.target).where(AuditLog.action == "button.stale")))
    assert stale == [forged, "more:zz", "more:abcd:1.2.٣"]  # each refused and audited once, by the router
