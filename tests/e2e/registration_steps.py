"""The start of the emulation year, for the year's end-to-end story (test_emulation_year_e2e.py):
three communes register (đăng ký thi đua) — the leader on Telegram, a member who amends (two
versions kept), and a commune on Zalo with numbered choices that reaches the review screen, is
killed, and sends after the deadline (refused, flagged in the bloc's list) — the leader sends the
bloc's signed pledge, the province gets the XLSX of registrations.
"""

from __future__ import annotations

import io

import openpyxl
from sqlalchemy import select

from store.models import BlocPledge, Registration
from core.context import Services
from tests.e2e.emulation_world import LEADER, MEMBER, SUPERVISOR, ZALO_MEMBER
from tests.e2e.fakebotapi import FakeBotAPI
from tests.e2e.fakezaloapi import FakeZaloAPI
from tests.e2e.report_chat import TgChat
from tests.e2e.test_emulation_e2e import _names
from tests.e2e.test_zalo import number_of
from tests.e2e.test_zalo_report import outbox_settled
from tests.e2e.zalo_harness import ZaloBotProcess, ZChat
from tests.handlers.emulation.registration_setup import open_registration_in

JPEG = b"\xff\xd8\xff\xe0" + b"trang-ky" * 40
PDF = b"%PDF-1.4\n" + b"giao-uoc" * 40
IN_TIME = "2026-01-20T09:00:00+07:00"
AFTER_DUE = "2026-02-02T09:00:00+07:00"  # the deadline is 17:00 31/1/2026


async def _register(chat: TgChat, titles: tuple[str, ...], targets: str, scan: bytes) -> None:
    await chat.cmd("dangkythidua")
    assert "Bước 1/3" in chat.said
    for name in titles:
        await chat.press(f"☐ {name}")
    await chat.press("Tiếp »")
    await chat.text(targets)
    assert "Chỉ tiêu đã ghi" in chat.said
    await chat.press("Xong chỉ tiêu »")
    await chat.photo(scan)
    assert "Đã nhận trang đăng ký đã ký" in chat.said
    await chat.press("Gửi đăng ký")
    assert "Đã gửi đăng ký thi đua năm 2026" in chat.said


async def _zalo_to_review(z: ZChat) -> None:
    said = await z.text("/dangkythidua")
    assert "Bước 1/3" in said and "bấm" not in said.lower() and "gõ số" in said
    said = await z.text(number_of(said, "☐ Tập thể lao động tiên tiến"))
    assert "Đã chọn: Tập thể lao động tiên tiến" in said
    said = await z.text(number_of(said, "Tiếp »"))
    assert "Bước 2/3" in said
    said = await z.text("Thu ngan sach: 1.250 trieu dong\nTy le ho ngheo giam: 12,5 %")  # typed without marks
    assert "1. Thu ngan sach: 1.250 trieu dong" in said and "2. Ty le ho ngheo giam: 12,5 %" in said
    said = await z.text(number_of(said, "Xong chỉ tiêu »"))
    assert "Bước 3/3" in said
    said = await z.image(JPEG + b"zalo")
    assert "Đã nhận trang đăng ký đã ký" in said and "Gửi đăng ký" in said


def _check_workbook(content: bytes, names: dict[int, str]) -> None:
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["Đăng ký thi đua", "Các bản đã gửi"]
    rows = {r[1]: r for r in book["Đăng ký thi đua"].iter_rows(min_row=2, values_only=True)}
    assert rows["3001"][:5] == ("Khối thi đua số 1", "3001", names[3001], "Đã đăng ký", 1)
    assert rows["3002"][3:5] == ("Đã đăng ký", 2) and rows["3002"][6] == "Tập thể lao động tiên tiến, " \
        "Tập thể lao động xuất sắc"
    assert rows["3003"][3] == "Chưa đăng ký" and rows["3004"][3] == "Chưa đăng ký"
    assert rows["3001"][8] == "Bản 1"  # the bloc's pledge
    versions = list(book["Các bản đã gửi"].iter_rows(min_row=2, values_only=True))
    assert [(v[0], v[2]) for v in versions] == [("3001", 1), ("3002", 1), ("3002", 2)]


async def registrations(api: FakeBotAPI, zapi: FakeZaloAPI, proc: ZaloBotProcess, services: Services) -> None:
    """The registration round, from its opening (``IN_TIME``) past its deadline (``AFTER_DUE``):
    the bot is started here, and runs when this returns."""
    open_registration_in(services)
    await proc.start()
    leader, member, sup = TgChat(api, LEADER), TgChat(api, MEMBER), TgChat(api, SUPERVISOR)
    z = ZChat(zapi, ZALO_MEMBER)
    await _register(leader, ("Tập thể lao động tiên tiến", "Cờ thi đua của UBND tỉnh"),
                    "Thu ngân sách: 1.250 triệu đồng", JPEG + b"1")
    await _register(member, ("Tập thể lao động tiên tiến",), "Thu ngân sách: 900 triệu đồng", JPEG + b"2")
    await member.cmd("dangkythidua")  # amend: the first version is the starting point
    assert "bản 1" in member.said and "thành bản 2" in member.said
    await member.press("Sửa danh hiệu")
    await member.press("☐ Tập thể lao động xuất sắc")
    await member.press("Tiếp »")
    await member.press("Gửi đăng ký")
    assert "(bản 2)" in member.said
    await _zalo_to_review(z)
    # the leading commune is told of the member's two versions; wait for both, so that
    # the leader's next reply is not taken for a notice
    heard = await api.wait_for(LEADER.id, predicate=lambda c: "đã gửi đăng ký thi đua năm 2026 (bản" in c.text,
                               count=2, timeout=30)
    assert "(bản 1)" in heard[0].text and "(bản 2)" in heard[1].text
    await outbox_settled(services)
    await leader.cmd("giaouoc")
    await leader.document(PDF, "giao-uoc.pdf", "application/pdf")
    assert "Đã lưu giao ước thi đua năm 2026 của Khối thi đua số 1 (bản 1)" in leader.said
    await outbox_settled(services)
    proc.kill()  # SIGKILL with the Zalo commune on its review screen

    proc.env["BOT_FAKE_NOW"] = AFTER_DUE
    await proc.start()
    said = await z.text(number_of(z.said, "Gửi đăng ký"))
    assert "Đã hết hạn đăng ký thi đua năm 2026" in said
    names = _names(services)
    await leader.cmd("dsdangky")
    await leader.press("Đăng ký của Khối thi đua số 1")
    listed = leader.said
    assert f"✗ {names[3003]}: chưa đăng ký — quá hạn" in listed and "(2/4 xã)" in listed
    assert f"✓ {names[3002]} (bản 2" in listed and "Giao ước thi đua: bản 1" in listed
    await sup.cmd("dsdangky")
    assert "Khối thi đua số 1: 2/4 xã đã đăng ký" in sup.said
    before = len(api.sent(SUPERVISOR.id))
    await sup.press("Tải Excel đăng ký năm 2026")
    sent = api.sent(SUPERVISOR.id)[before:]
    assert [c.method for c in sent] == ["sendDocument"]
    _check_workbook(sent[0].files["document"], names)
    with services.session_factory() as s:
        regs = list(s.scalars(select(Registration).order_by(Registration.id)))
        assert [(r.commune_code, r.version) for r in regs] == [(3001, 1), (3002, 1), (3002, 2)]
        assert regs[1].titles == ["tt-ldtt"] and regs[2].titles == ["tt-ldtt", "tt-ldxs"]
        assert s.scalar(select(BlocPledge)).mime_type == "application/pdf"
