"""The report dialog's rules through BotCore: one draft load and one save per answer, the
review's numbers, exclusive choices and typed lists, questions typed mid-dialog, forged data."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import event, func, select

from store.models import AuditLog, Draft
from tests.handlers.report_setup import OPEN, Chat, World, build_world


@pytest.fixture
def world(database_url: str, tmp_path: Path, clock) -> World:
    clock.set(OPEN + timedelta(days=9))
    return build_world(database_url, tmp_path / "data", clock)


class DraftStatements:
    """Counts the SQL statements that read or write the drafts table."""

    def __init__(self, world: World) -> None:
        self.engine = world.core.services.session_factory.kw["bind"]
        self.reads = self.writes = 0

    def __enter__(self) -> "DraftStatements":
        event.listen(self.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *exc: object) -> None:
        event.remove(self.engine, "before_cursor_execute", self._seen)

    def _seen(self, conn, cursor, statement: str, *args: object) -> None:
        sql = " ".join(statement.lower().split())
        if sql.startswith("select") and "from report_drafts" in sql:
            self.reads += 1
        elif sql.startswith("update report_drafts"):
            self.writes += 1


async def _open(chat: Chat) -> None:
    await chat.cmd("baocao")
    await chat.press("6 tháng")


async def test_one_draft_load_and_one_save_per_answer(world: World) -> None:
    a = Chat(world.core, 1)
    await _open(a)
    await a.press("Không")
    for answer in ("5", "nhiều lắm"):  # a good answer, then a refused one (nothing to save)
        with DraftStatements(world) as counted:
            await a.text(answer)
        assert counted.reads == 1, answer
        assert counted.writes == (1 if answer == "5" else 0), answer
    with DraftStatements(world) as counted:
        await a.press("Có")
    assert (counted.reads, counted.writes) == (1, 1)


async def _to_review(a: Chat) -> None:
    await _open(a)
    await a.press("Không")
    for text in ("5", "không", "10", "3,5"):
        await a.text(text)
    await a.press("Hoàn thành")
    await a.text("1 2")  # a typed list where choices are numbered
    await a.text("4")  # so_dien_hinh: asked because something was found
    for _ in range(3):
        await a.press("Bỏ qua")
    assert "Kiểm tra báo cáo" in a.said


async def test_review_numbers_agree_and_typed_lists(world: World) -> None:
    a = Chat(world.core, 1)
    await _to_review(a)
    assert "Lĩnh vực có điển hình tiên tiến, mô hình…: Kinh tế; Văn hóa - xã hội" in a.said
    labels = [b.text for r in a.last[0].buttons for b in r]
    assert labels[:3] == ["Sửa câu 1", "Sửa câu 2", "Sửa câu 3"]  # the N-th button edits question N
    await a.text("2")  # typed number on the review: edits question 2
    assert "Số hội nghị, buổi tuyên truyền" in a.said and "Câu trả lời đã lưu: 5" in a.said
    await a.text("6")
    assert "Kiểm tra báo cáo" in a.said and "tuyên truyền về thi…: 6" in a.said
    await a.text("xyz")
    assert "chọn câu cần sửa" in a.said


async def test_exclusive_choice_and_reasking_what_became_relevant(world: World) -> None:
    a = Chat(world.core, 1)
    await _to_review(a)
    await a.press("Sửa câu 7")
    assert "☑ Kinh tế" in [b.text for r in a.last[0].buttons for b in r]
    await a.text("1, 5")
    assert "“Chưa phát hiện” không chọn cùng các mục khác" in a.said
    await a.press("☐ Chưa phát hiện")  # ticking it clears the others
    labels = [b.text for r in a.last[0].buttons for b in r]
    assert "☑ Chưa phát hiện" in labels and "☐ Kinh tế" in labels
    await a.press("✔ Xong")
    assert "Kiểm tra báo cáo" in a.said and "Số tập thể, cá nhân điển hình" not in a.said
    await a.press("Sửa câu 7")
    await a.text("3")
    assert "Số tập thể, cá nhân điển hình tiên tiến" in a.said  # relevant again: asked again
    assert "Câu trả lời đã lưu" not in a.said


async def test_a_question_typed_mid_dialog_is_answered_then_the_step_asked_again(world: World) -> None:
    a = Chat(world.core, 1)
    await _open(a)
    await a.press("Không")
    await a.text("Khi nào phải nộp báo cáo 6 tháng?")
    assert len(a.last) == 2 and "Chưa đọc được số" not in a.said
    assert "Hạn nộp" in a.last[0].text  # answered from the reporting calendar by the Q&A feature
    assert a.last[-1].text.startswith("Câu 2/") and "Số hội nghị" in a.last[-1].text
    await a.text("nhiều lắm")  # junk, not a question: the rule
    assert "Chưa đọc được số" in a.said
    await a.text("7")
    await a.press("Có")
    await a.text("19")
    await a.text("3")
    await a.press("Hoàn thành")
    await a.press("☐ Kinh tế")
    await a.press("✔ Xong")
    await a.text("2")
    await a.text("Kinh phí ở đâu ra thì hỏi ai?")  # a free-text question takes any text
    assert "Đề xuất, kiến nghị" in a.said
    with world.core.services.session_factory() as s:
        assert s.scalar(select(Draft.answers))["kho_khan"] == "Kinh phí ở đâu ra thì hỏi ai?"


async def test_forged_button_data_refused_and_audited_once(world: World) -> None:
    a = Chat(world.core, 1)
    await _open(a)
    choose = a.find("Có")
    for forged in (choose[:-1] + "٣", choose + ":1", "rp:q:1", choose.rsplit(":", 1)[0] + ":7"):
        await a.send(button=forged)
        assert "Nút này đã cũ" in a.said, forged
    with world.core.services.session_factory() as s:
        audits = list(s.scalars(select(AuditLog.target).where(AuditLog.action == "button.forged")))
        assert len(audits) == 4 and audits[0].endswith("٣")
        assert s.scalar(select(func.count()).select_from(Draft)) == 1


async def test_commands_declare_their_action(world: World) -> None:
    supervisor = Chat(world.core, 9)
    await supervisor.send(button=f"rp:o:{world.period_id}")  # a button of an action they lack
    assert "không có quyền" in supervisor.said
    stranger = Chat(world.core, 77)
    await stranger.cmd("baocao")
    assert "dành cho cán bộ đã đăng ký" in stranger.said
    with world.core.services.session_factory() as s:
        refused = list(s.scalars(select(AuditLog.action).where(AuditLog.outcome == "refused")))
        assert refused == ["report.fill", "report.fill"]
