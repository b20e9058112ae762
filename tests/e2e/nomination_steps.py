"""The end of the emulation year, for the year's end-to-end story (test_emulation_year_e2e.py):
the year is scored and ranked (part 1, seeded through the store), the province publishes; the
bloc leader (Telegram) nominates the top commune (its officer is on Zalo, numbered choices),
warned that it did not register for the title; the dossier is refused while a document is
missing, completed by the leader and the commune, returned by the province with a reason
(Telegram), fixed on Zalo, approved with a confirmation and its decision recorded by a second
province officer on Zalo, by numbered choices (the commune is told); the lookup questions are
answered on both channels; the báo cáo thành tích DOCX draft is opened and checked for the
commune's figures.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import BytesIO

from docx import Document
from sqlalchemy import select

from store.awards.achievement_docx import DOCX_MIME
from store.awards.decisions import record_decision
from store.awards.nominations import nominations_of
from store.db import transaction
from store.emulation.ranking import close_review, publish_ranking
from store.emulation.sheets import open_sheet, save_score, submit_sheet
from store.models import Bloc, Commune, Nomination, ScoringPeriod, User
from tests.e2e.emulation_world import LEADER, SUPERVISOR, ZALO_MEMBER
from tests.e2e.fakebotapi import FakeBotAPI
from tests.e2e.fakezaloapi import FakeZaloAPI, FakeZaloUser
from tests.e2e.report_chat import TgChat
from tests.e2e.test_emulation_e2e import JPEG
from tests.e2e.test_zalo import number_of
from core.context import Services
from tests.e2e.zalo_harness import ZChat
from tests.handlers.report_setup import PROVINCE, add_officer
from tests.store.awards.flow import with_catalogue

ZALO_SUPERVISOR = FakeZaloUser("9200000000000000008", "Lò Thị Thẩm Định")
SCORES = {3003: Decimal(10), 3001: Decimal(8), 3002: Decimal(5)}  # criterion 3; 3003 (on Zalo) leads


def ranked_and_published(services: Services, period_id: int) -> dict[int, str]:
    """Part 1, seeded: three sheets submitted, the review closed, the ranking published."""
    now = services.clock.now()
    with transaction(services.session_factory) as s:
        period = s.get_one(ScoringPeriod, period_id)
        for commune, third in SCORES.items():
            _, sheet = open_sheet(s, period, commune, None, now)
            for code, value in (("1", Decimal(0)), ("2", True), ("3", third), ("4", Decimal(0))):
                save_score(s, sheet, code, value, None, now)
            submit_sheet(s, sheet, period, None, now)
        bloc = s.scalars(select(Bloc)).one()
        close_review(s, period, bloc, None, now)
        assert publish_ranking(s, period, bloc, None, now)[0].value == "done"
        with_catalogue(s, PROVINCE, now)
        return {code: name for code, name in s.execute(select(Commune.code, Commune.name))}


async def _leader_nominates(leader: TgChat, names: dict[int, str]) -> None:
    await leader.cmd("denghi")
    assert f"1. {names[3003]} – 20 điểm" in leader.said
    await leader.press(names[3003])
    await leader.press("Cờ thi đua của UBND tỉnh")
    assert "Đã lập đề nghị" in leader.said and "✗ Tờ trình đề nghị khen thưởng" in leader.said
    # the commune's registration came after the deadline (refused): a hint, never a refusal
    assert "⚠️ Lưu ý: chưa đăng ký thi đua danh hiệu này từ đầu năm" in leader.said
    await leader.press("Gửi hồ sơ lên tỉnh")
    assert "Hồ sơ chưa đủ nên chưa gửi được" in leader.said
    for label, n in (("Gửi Tờ trình", 1), ("Gửi Biên bản họp bình xét", 2)):
        await leader.press(label)
        assert "Gửi tệp" in leader.said
        await leader.photo(JPEG + bytes([n]))
        assert "Đã lưu 1 tệp" in leader.said, leader.said


async def _zalo_uploads(z: ZChat, names: dict[int, str], labels: list[str]) -> str:
    said = await z.text("/denghi")
    said = await z.text(number_of(said, f"{names[3003]} – Cờ thi đua"))
    assert "Hồ sơ:" in said and "bấm" not in said.lower()
    for n, label in enumerate(labels):
        said = await z.text(number_of(said, label))
        assert "Gửi tệp" in said
        said = await z.image(JPEG + b"zalo" + bytes([n]))
        assert "Đã lưu 1 tệp" in said, said
    return said


async def _leader_downloads_draft(api: FakeBotAPI, leader: TgChat, names: dict[int, str]) -> None:
    """The bloc leader downloads the báo cáo thành tích draft: a DOCX that opens, with the score."""
    await leader.cmd("denghi")
    await leader.press(f"{names[3003]} – Cờ thi đua")
    before = len(api.sent(LEADER.id))
    await leader.press("Tải bản nháp báo cáo thành tích")
    [sent] = api.sent(LEADER.id)[before:]
    assert sent.method == "sendDocument" and sent.params["_content_types"]["document"] == DOCX_MIME
    assert sent.params["_filenames"]["document"].endswith(".docx")
    assert "Bản nháp báo cáo thành tích đề nghị tặng Cờ thi đua của UBND tỉnh năm 2026" in sent.params["caption"]
    doc = Document(BytesIO(sent.files["document"]))
    text = "\n".join([p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells])
    assert "ĐỀ NGHỊ TẶNG CỜ THI ĐUA CỦA UBND TỈNH" in text and names[3003].upper() in text
    assert "20 điểm, xếp thứ 1/3 xã của Khối thi đua số 1" in text


async def _leader_sends(leader: TgChat, names: dict[int, str]) -> None:
    await leader.cmd("denghi")
    await leader.press(f"{names[3003]} – Cờ thi đua")
    await leader.press("Gửi hồ sơ lên tỉnh")
    assert "Đã gửi hồ sơ lên tỉnh" in leader.said


async def _sent_notice(api: FakeBotAPI, sup: TgChat, n: int) -> None:
    """The province's ``n``-th notice of a dossier sent for appraisal becomes its last message."""
    calls = await api.wait_for(sup.user.id, predicate=lambda c: c.text.startswith("Hồ sơ đề nghị"), count=n,
                               timeout=30)
    sup.last = calls[n - 1]


def add_zalo_supervisor(services: Services) -> None:
    """A second province officer, on Zalo: the appraisal and the decision by numbered choices."""
    now = services.clock.now()
    with transaction(services.session_factory) as s:
        add_officer(s, now, user=6008, name="Lò Thị Thẩm Định", role="supervisor", provinces=(PROVINCE,))
        user = s.scalars(select(User).where(User.external_id == "6008")).one()
        user.channel, user.external_id, user.chat_id = "zalo", ZALO_SUPERVISOR.id, ZALO_SUPERVISOR.id


async def _zalo_province_approves_and_decides(zapi: FakeZaloAPI) -> None:
    """The dossier sent a second time, approved and its decision recorded on Zalo, by numbers."""
    told = await zapi.wait_for(ZALO_SUPERVISOR.id, predicate=lambda c: c.text.startswith("Hồ sơ đề nghị"), count=2,
                               timeout=30)
    zs = ZChat(zapi, ZALO_SUPERVISOR)
    said = await zs.text(number_of(told[-1].text, "Xem hồ sơ"))
    assert "đã gửi tỉnh, chờ thẩm định" in said and "bấm" not in said.lower()
    said = await zs.text(number_of(said, "Duyệt"))
    assert "Hồ sơ sẽ khóa" in said
    said = await zs.text(number_of(said, "Xác nhận duyệt"))
    assert "Đã duyệt" in said
    said = await zs.text(number_of(said, "Ghi quyết định khen thưởng"))
    assert "Gõ số quyết định" in said
    await zs.text("125/QĐ-UBND")
    await zs.text("18/11/2026")
    said = await zs.text("UBND tỉnh")
    assert "không sửa được trong chat" in said
    said = await zs.text(number_of(said, "Xác nhận ghi"))
    assert "Đã ghi quyết định" in said and "Quyết định số 125/QĐ-UBND ngày 18/11/2026 của UBND tỉnh" in said


async def nominations(api: FakeBotAPI, zapi: FakeZaloAPI, services: Services, names: dict[int, str]) -> None:
    """From the published ranking to the recorded decision and the lookups (the bot running)."""
    leader, sup, z = TgChat(api, LEADER), TgChat(api, SUPERVISOR), ZChat(zapi, ZALO_MEMBER)
    await _leader_nominates(leader, names)
    await _leader_downloads_draft(api, leader, names)
    said = await _zalo_uploads(z, names, ["Gửi Báo cáo thành tích", "Gửi Xác nhận"])
    said = await z.text(number_of(said, "Tải bản nháp báo cáo thành tích"))  # numbered on Zalo
    assert "Bản nháp báo cáo thành tích" in said and "bao-cao-thanh-tich-" in said, said
    await _leader_sends(leader, names)

    await _sent_notice(api, sup, 1)
    await sup.press("Xem hồ sơ")
    await sup.press("Trả lại")
    await sup.text("Biên bản họp thiếu chữ ký của trưởng khối")
    assert "Đã trả lại hồ sơ" in sup.said
    told = await zapi.wait_for(ZALO_MEMBER.id, predicate=lambda c: "Lý do: Biên bản họp thiếu" in c.text,
                               timeout=30)
    assert "trả lại hồ sơ" in told[-1].text
    said = await _zalo_uploads(z, names, ["Gửi Biên bản họp bình xét"])
    assert "Lý do trả lại: Biên bản họp thiếu chữ ký" in said
    await _leader_sends(leader, names)
    await _zalo_province_approves_and_decides(zapi)
    await zapi.wait_for(ZALO_MEMBER.id, predicate=lambda c: "Tỉnh đã duyệt đề nghị" in c.text, timeout=30)
    await zapi.wait_for(ZALO_MEMBER.id, predicate=lambda c: "quyết định số 125/QĐ-UBND" in c.text, timeout=30)
    now = services.clock.now()
    with transaction(services.session_factory) as s:
        [nom] = nominations_of(s, province_code=PROVINCE)
        assert nom.state == "approved"
        earlier = Nomination(province_code=PROVINCE, year=2025, commune_code=3003, title_code="co-tinh",
                             title_name="Cờ thi đua của UBND tỉnh", required=[], hints=[], state="approved",
                             created_at=now, updated_at=now)
        s.add(earlier)
        s.flush()
        record_decision(s, earlier, number="30/QĐ-UBND", signed_on=date(2026, 1, 15), level="UBND tỉnh",
                        officer_id=None, now=now)

    said = await z.text(f"{names[3003]} năm 2026 đạt danh hiệu gì?")
    assert "Cờ thi đua của UBND tỉnh (Quyết định số 125/QĐ-UBND ngày 18/11/2026 của UBND tỉnh)" in said
    await leader.text("Khối 1 năm nay xã nào dẫn đầu?")
    assert f"dẫn đầu là {names[3003]}, 20 điểm" in leader.said
    await sup.text("Nhung xa nao dat Co thi dua cua UBND tinh hai nam lien?")
    assert f"{names[3003]} (2025–2026; 2025: QĐ 30/QĐ-UBND; 2026: QĐ 125/QĐ-UBND)" in sup.said
