"""/vanban, document and section buttons, and stale or forged buttons."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from core import messages
from store.db import transaction
from store.models import Commune, Officer, User
from store.people.units import seed_units
from tests.handlers.directives.docworld import OFFICER, SAMPLES, Bot, datas

@pytest.fixture
def bot(database_url: str, tmp_path: Path, clock) -> Bot:
    return Bot(database_url, tmp_path, clock)


async def test_vanban_lists_all_documents_for_an_unknown_user(bot: Bot) -> None:
    reply = await bot.send(command="vanban")
    assert "Văn bản (5)" in reply.text
    assert "Chỉ thị 02/CT-UBND ngày 30/1/2020 của UBND tỉnh Lai Châu" in reply.text
    assert "Phát động thi đua (chưa ghi số, …/PĐTĐ-UBND) tháng 1/2023 của UBND thành phố Lai Châu" in reply.text
    assert sorted(datas(reply)) == sorted(f"doc:{i}" for i in (bot.doc_id(p.name) for p in SAMPLES.glob("*.txt")))
    assert len(reply.text) < 1500


async def test_officer_sees_own_province_first(bot: Bot, clock) -> None:
    seed_units(bot.services)
    await bot.send(OFFICER, command="help")
    with transaction(bot.services.session_factory) as s:
        commune = s.scalar(select(Commune).where(Commune.name == "Xã Tuần Giáo"))
        officer = Officer(full_name="Lò Văn A", role="officer", commune_code=commune.code, active=True,
                          created_at=clock.now())
        s.add(officer)
        s.flush()
        s.scalar(select(User).where(User.external_id == OFFICER.external_id)).officer_id = officer.id
    reply = await bot.send(OFFICER, command="vanban")
    assert datas(reply)[0] == f"doc:{bot.doc_id('002_965b08332308fc76.txt')}"


async def test_document_view_and_section_menu_paging(bot: Bot) -> None:
    doc_id = bot.doc_id("000_4d78cad3d2d0b3aa.txt")
    reply = await bot.send(button=f"doc:{doc_id}")
    assert reply.text.startswith("Chỉ thị 02/CT-UBND ngày 30/1/2020 của UBND tỉnh Lai Châu")
    assert "Người ký: Chủ tịch Trần Tiến Dũng" in reply.text
    assert "Doanh nghiệp Lai Châu hội nhập và phát triển (2017-2020)" in reply.text
    first_page = [d for d in datas(reply) if d.startswith("sec:")]
    assert len(first_page) == 8 and f"doc:{doc_id}:1" in datas(reply)
    second = await bot.send(button=f"doc:{doc_id}:1")
    rest = [d for d in datas(second) if d.startswith("sec:")]
    assert len(rest) == 3 and not set(rest) & set(first_page)
    assert f"doc:{doc_id}:0" in datas(second)
    tuan_giao = await bot.send(button=f"doc:{bot.doc_id('002_965b08332308fc76.txt')}")
    assert "Chủ đề: “Đoàn kết, kỷ cương, đổi mới, sáng tạo, khát vọng phát triển”" in tuan_giao.text
    assert "Chế độ báo cáo: báo cáo 6 tháng, năm" in tuan_giao.text


async def test_section_text_subsections_and_navigation(bot: Bot) -> None:
    key = "002_965b08332308fc76.txt"
    sec_id = bot.section_id(key, "I.2.1")
    reply = await bot.send(button=f"sec:{sec_id}")
    assert "Mục I.2.1 – Tổ chức các phong trào thi đua toàn diện trên các lĩnh vực" in reply.text
    children = [d for d in datas(reply) if d.startswith("sec:") and d != f"sec:{bot.section_id(key, 'I.2')}"]
    assert len(children) == 5
    assert f"sec:{bot.section_id(key, 'I.2')}" in datas(reply)  # up to the parent
    assert f"doc:{bot.doc_id(key)}" in datas(reply)
    leaf = await bot.send(button=children[0])
    assert "Quán triệt, tuyên truyền, phổ biến" in leaf.text


async def test_long_section_is_paged(bot: Bot) -> None:
    sec_id = bot.section_id("001_9cba7d15ff2a1b3b.txt", "3")
    first = await bot.send(button=f"sec:{sec_id}")
    assert "(trang 1/3)" in first.text and f"sec:{sec_id}:1" in datas(first)
    pages = [first] + [await bot.send(button=f"sec:{sec_id}:{p}") for p in (1, 2)]
    assert all(len(p.text) < 3000 for p in pages)
    assert "(trang 3/3)" in pages[2].text and f"sec:{sec_id}:3" not in datas(pages[2])
    assert f"sec:{sec_id}:1" in datas(pages[2])
    stale = await bot.send(button=f"sec:{sec_id}:3")
    assert stale.text == messages.STALE_BUTTON


async def test_document_list_is_paged_when_many(database_url: str, tmp_path: Path, clock) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(9):
        shutil.copy(SAMPLES / "002_965b08332308fc76.txt", folder / f"copy_{i}.txt")
    bot = Bot(database_url, tmp_path, clock, folder)
    first = await bot.send(command="vanban")
    assert "trang 1/2" in first.text and "vb:1" in datas(first)
    second = await bot.send(button="vb:1")
    assert len([d for d in datas(second) if d.startswith("doc:")]) == 3 and "vb:0" in datas(second)


@pytest.mark.parametrize("data", ["doc:999999", "doc:abc", "doc:", "doc:1:7", "doc:1:2:3", "sec:999999",
                                  "sec:-1", "sec:1:x", "vb:5", "vb:x", "pt:9", "pt:-1", "doc:1" + "0" * 20])
async def test_stale_or_forged_buttons_are_refused_and_audited(bot: Bot, data: str) -> None:
    reply = await bot.send(button=data)
    assert reply.text == messages.STALE_BUTTON
    audits = bot.audits("button.stale")
    assert [(a.target, a.outcome) for a in audits] == [(data, "refused")]


async def test_empty_corpus_is_said_politely(database_url: str, tmp_path: Path, clock) -> None:
    empty = tmp_path / "none"
    empty.mkdir()
    bot = Bot(database_url, tmp_path, clock, empty)
    assert "Chưa có văn bản" in (await bot.send(command="vanban")).text
    assert "Chưa có phong trào" in (await bot.send(command="phongtrao")).text


