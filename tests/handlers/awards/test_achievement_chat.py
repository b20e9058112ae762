"""“Tải bản nháp báo cáo thành tích” through BotCore on SQLite and PostgreSQL: the nominated
commune's officer gets the DOCX (it opens, with the commune's score and place); another commune's
officer is refused; the province does not see the button."""

from __future__ import annotations

from pathlib import Path

from docx import Document

from store.awards.achievement_docx import DOCX_MIME
from tests.handlers.awards.test_nominations_chat import _published
from tests.handlers.emulation.world import THIRD, EmuWorld
from tests.handlers.report_setup import Chat
from tests.textcheck import problems

DRAFT = "Tải bản nháp báo cáo thành tích"


async def test_draft_for_the_commune_refused_to_others(world: EmuWorld) -> None:
    leader, member, sup = await _published(world)
    await leader.cmd("denghi")
    await leader.press("Xã Bình Lư")
    await leader.press("Cờ thi đua của UBND tỉnh")
    button = leader.find(DRAFT)
    await member.cmd("denghi")
    await member.press("Xã Bình Lư – Cờ thi đua")
    out = await member.press(DRAFT)
    [doc] = [r.document for r in out if r.document is not None]
    assert doc.mime_type == DOCX_MIME and doc.file_name.startswith("bao-cao-thanh-tich-xa-binh-lu-2026-")
    assert "Bản nháp báo cáo thành tích đề nghị tặng Cờ thi đua của UBND tỉnh năm 2026 của Xã Bình Lư" in member.said
    assert doc.path is not None
    text = "\n".join(p.text for p in Document(str(Path(doc.path))).paragraphs)
    assert problems(member.said) == [] and problems(text) == []
    assert "30 điểm, xếp thứ 1/3 xã của Khối thi đua số 1" in text and "ĐỀ NGHỊ TẶNG CỜ THI ĐUA CỦA UBND TỈNH" in text

    third = Chat(world.core, THIRD)  # Phường Tân Phong: neither the nominated commune nor the leader
    await third.send(button=button, key="third-draft")
    assert "không có quyền" in third.said
    await sup.cmd("denghi")
    await sup.press("Xã Bình Lư – Cờ thi đua")
    assert DRAFT not in [b.text for r in sup.last for row in r.buttons for b in row]
