"""A supervisor sends a directive file in the chat: preview, load on confirm for their
province, re-send updates, optional notice to the province's officers; others are refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.services import build_services
from core.settings import Settings
from handlers.app import build_router
from core.dispatch import BotCore
from core.types import FileRef, Incoming, Reply, UserRef
from store.models import AuditLog, Broadcast, DialogState, Document, OutboxMessage
from tests.reminders.world import build_world
from tests.store.directives.formats import to_docx, to_pdf

SAMPLES = Path(__file__).resolve().parents[3] / "store" / "sample" / "directives"
LAI_CHAU = (SAMPLES / "000_4d78cad3d2d0b3aa.txt").read_text(encoding="utf-8")
OFFICERS = (("a1", "Tam Đường", True, True), ("b1", "Bình Lư", True, True), ("c1", "Nà Tăm", True, False))


@pytest.fixture
def core(database_url: str, tmp_path: Path, clock) -> BotCore:
    settings = Settings(_env_file=None, database_url=database_url, data_dir=tmp_path / "d", load_samples=False)
    services = build_services(settings, clock, startup=False)
    world = build_world(services, communes=("Tam Đường", "Bình Lư", "Nà Tăm"),
                                           officers=OFFICERS, supervisors=("s1",))
    files: dict[str, bytes] = {}

    async def fetch(ref: FileRef) -> bytes:
        return files[ref.file_id]

    services.fetchers["test"] = fetch
    core = BotCore(services, build_router())
    core.files, core.world = files, world  # what the tests hand in and look up
    return core


class Chat:
    def __init__(self, core: BotCore, name: str) -> None:
        self.core, self.user, self.n = core, UserRef("test", name, name, name), 0

    async def __call__(self, **kw) -> list[Reply]:
        self.n += 1
        out = await self.core.handle(Incoming(user=self.user, update_key=f"{self.user.external_id}-{self.n}", **kw))
        return [q.reply for q in out]

    async def send_file(self, name: str, data: bytes, kind: str = "document") -> list[Reply]:
        file_id = f"f{len(self.core.files)}"
        self.core.files[file_id] = data
        return await self(files=(FileRef(file_id, kind, file_name=name, size=len(data)),))


def buttons(reply: Reply) -> list[str]:
    return [b.data for row in reply.buttons for b in row]


def documents(core: BotCore) -> list[Document]:
    with core.services.session_factory() as s:
        return list(s.scalars(select(Document)))


async def test_supervisor_loads_a_docx_for_their_province_and_notifies_officers(core: BotCore) -> None:
    s1 = Chat(core, "s1")
    out = await s1.send_file("chi_thi_02.docx", to_docx(LAI_CHAU))
    preview = out[0].text
    for found in ("Word (DOCX)", "Loại: Chỉ thị", "Số: 02/CT-UBND", "Ngày: 30/1/2020", "UBND tỉnh Lai Châu",
                  "Trần Tiến Dũng", "Về việc phát động phong trào thi đua", "Các mục", "Phong trào",
                  "Phạm vi: tỉnh Tỉnh Thử"):
        assert found in preview, found
    assert "sẽ được xếp vào tỉnh của anh/chị" in preview  # a Lai Châu text filed under Tỉnh Thử
    assert buttons(out[0]) == ["dl:ok", "dl:x"]
    assert documents(core) == []  # nothing loaded before the confirmation

    out = await s1(button="dl:ok")
    assert out[0].text.startswith("✅ Đã nạp Chỉ thị 02/CT-UBND")
    [doc] = documents(core)
    province = core.world.province
    assert (doc.source_key, doc.province_code, doc.signer) == ("chi_thi_02.docx", province, "Trần Tiến Dũng")
    assert buttons(out[0]) == [f"dl:n:{doc.id}", f"doc:{doc.id}"]

    # Officers of the province see it in /vanban, their province first.
    vanban = await Chat(core, "a1")(command="vanban")
    assert "Chỉ thị 02/CT-UBND" in vanban[0].text

    out = await s1(button=f"dl:n:{doc.id}")
    assert "Gửi tới 2 cán bộ" in out[0].text  # c1 blocked the bot
    assert buttons(out[0]) == [f"dl:s:{doc.id}", "dl:x"]
    out = await s1(button=f"dl:s:{doc.id}")
    assert "tới 2 cán bộ" in out[0].text
    with core.services.session_factory() as s:
        rows = list(s.scalars(select(OutboxMessage).where(OutboxMessage.kind == "broadcast")))
        assert sorted(r.chat_id for r in rows) == ["a1", "b1"]
        assert "Văn bản mới: Chỉ thị 02/CT-UBND" in rows[0].payload["text"]
        assert rows[0].payload["document"]["file_name"] == "chi_thi_02.docx"
    again = await s1(button=f"dl:s:{doc.id}")
    assert "Đã gửi thông báo" in again[0].text
    with core.services.session_factory() as s:
        assert s.scalar(select(func.count()).select_from(Broadcast)) == 1


async def test_resent_file_updates_the_document(core: BotCore) -> None:
    s1 = Chat(core, "s1")
    await s1.send_file("chi_thi.pdf", to_pdf(LAI_CHAU))
    await s1(button="dl:ok")
    [first] = documents(core)
    changed = LAI_CHAU.replace("Trần Tiến Dũng", "Lê Văn Lương")
    out = await s1.send_file("chi_thi.pdf", to_pdf(changed))
    assert "nạp sẽ cập nhật bản cũ" in out[0].text and "Lê Văn Lương" in out[0].text
    out = await s1(button="dl:ok")
    assert out[0].text.startswith("✅ Đã cập nhật")
    [doc] = documents(core)
    assert (doc.id, doc.signer) == (first.id, "Lê Văn Lương")


async def test_cancel_loads_nothing(core: BotCore) -> None:
    s1 = Chat(core, "s1")
    await s1.send_file("chi_thi.docx", to_docx(LAI_CHAU))
    out = await s1(button="dl:x")
    assert "chưa được nạp" in out[0].text and documents(core) == []
    assert (await s1(button="dl:ok"))[0].text.startswith("Nút này đã cũ")


async def test_unreadable_file_is_named_with_the_reason(core: BotCore) -> None:
    s1 = Chat(core, "s1")
    out = await s1.send_file("hong.pdf", b"%PDF-1.4 broken")
    assert "hong.pdf" in out[0].text and "không đọc được" in out[0].text.lower()
    out = await s1.send_file("bang.xlsx", b"PK\x03\x04 not a docx")
    assert "bang.xlsx" in out[0].text
    out = await s1.send_file("anh.jpg", b"\xff\xd8", kind="photo")
    assert ".docx, .pdf hoặc .txt" in out[0].text
    assert documents(core) == []


@pytest.mark.parametrize("who", ["a1", "stranger"])
async def test_officers_and_strangers_get_the_usual_refusal(core: BotCore, who: str) -> None:
    chat = Chat(core, who)
    out = await chat.send_file("chi_thi.docx", to_docx(LAI_CHAU))
    assert out[0].text == "Bot chỉ nhận ảnh, tệp khi đang làm báo cáo (/baocao). Để hỏi, anh/chị hãy gõ chữ."
    assert (await chat(button="dl:ok"))[0].text == out[0].text
    assert documents(core) == []
    with core.services.session_factory() as s:
        assert s.scalar(select(AuditLog.outcome).where(AuditLog.action == "directives.load")) == "refused"


async def test_a_file_name_of_another_province_is_not_overwritten(core: BotCore) -> None:
    s1 = Chat(core, "s1")
    await s1.send_file("chi_thi.docx", to_docx(LAI_CHAU))
    await s1(button="dl:ok")
    with core.services.session_factory.begin() as s:
        s.scalar(select(Document)).province_code = 12  # as if another province had loaded it
    out = await s1.send_file("chi_thi.docx", to_docx(LAI_CHAU.replace("Trần Tiến Dũng", "Lê Văn Lương")))
    assert "đổi tên tệp" in out[0].text
    assert documents(core)[0].signer == "Trần Tiến Dũng"


async def test_upload_is_read_after_the_update_commits(core: BotCore) -> None:
    """The download and the reading (OCR can take seconds) hold no transaction open."""
    from store.models import ProcessedUpdate

    committed: list[bool] = []
    plain = core.services.fetchers["test"]

    async def fetch(ref: FileRef) -> bytes:
        with core.services.session_factory() as s:
            committed.append(s.scalar(select(ProcessedUpdate.id).where(ProcessedUpdate.update_key == "s1-1"))
                             is not None)
        return await plain(ref)

    core.services.fetchers["test"] = fetch
    out = await Chat(core, "s1").send_file("ct-lai-chau.txt", LAI_CHAU.encode())
    assert committed == [True]
    assert "dl:ok" in buttons(out[-1])


async def test_a_confirmation_saved_before_the_typed_dialog_still_loads(core: BotCore) -> None:
    """Dialog rows written by the previous version had no step: "Nạp" still works after a deploy."""
    s1 = Chat(core, "s1")
    await s1.send_file("chi_thi_02.docx", to_docx(LAI_CHAU))
    with core.services.session_factory.begin() as s:
        row = s.scalars(select(DialogState)).one()
        row.data = {k: v for k, v in row.data.items() if k != "step"}
    out = await s1(button="dl:ok")
    assert out[0].text.startswith("✅ Đã nạp Chỉ thị 02/CT-UBND")


async def test_a_question_while_the_file_waits_is_answered_then_the_buttons_come_back(core: BotCore) -> None:
    s1 = Chat(core, "s1")
    await s1.send_file("chi_thi_02.docx", to_docx(LAI_CHAU))
    out = await s1(text="xin chào")
    assert buttons(out[-1]) == ["dl:ok", "dl:x"]
    assert documents(core) == []
