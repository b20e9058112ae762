"""Driving /chamdiem from tests: score the four criteria of the test table and submit."""

from __future__ import annotations

from core.types import FileRef
from tests.handlers.report_setup import Chat


async def score_and_submit(chat: Chat, first: str, passed: bool, third: str, penalty: str = "0") -> None:
    await chat.cmd("chamdiem")
    await chat.text(first)
    await chat.send(files=(FileRef(f"ev-{chat.ref.external_id}", "photo"),))
    await chat.press("Tiếp »")
    await chat.press("Đạt" if passed else "Không đạt")
    await chat.press("Tiếp »")
    await chat.text(third)
    await chat.press("Tiếp »")
    await chat.text(penalty)
    await chat.press("Tiếp »")
    await chat.press("📤 Nộp bảng tự chấm")
    assert "Đã nộp bảng tự chấm" in chat.said, chat.said


def labels(chat: Chat) -> list[str]:
    return [b.text for r in chat.last for row in r.buttons for b in row]
