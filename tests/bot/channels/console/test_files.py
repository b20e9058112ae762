"""``/anh PATH`` in the console: a missing file is named in the reply, never a traceback."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

import pytest

from bot.channels.console.chat import CONSOLE_USER, parse_line
from bot.channels.files import local_fetcher
from core.types import FileRef, FileUnavailable
from tests.handlers.report_setup import OPEN, Chat, build_world


async def test_local_fetcher_names_a_missing_file(tmp_path: Path) -> None:
    fetch = local_fetcher(tmp_path)
    (tmp_path / "anh.jpg").write_bytes(b"\xff\xd8\xff")
    assert await fetch(FileRef("anh.jpg", "photo")) == b"\xff\xd8\xff"
    for name, reply in (("khong_co.jpg", "Không thấy tệp khong_co.jpg."), (".", "Không thấy tệp . (đó là thư mục)."),
                        ("", "Chưa ghi đường dẫn tệp: gõ /anh ĐƯỜNG_DẪN.")):
        with pytest.raises(FileUnavailable) as err:
            await fetch(FileRef(name, "photo"))
        assert str(err.value) == reply


async def test_missing_photo_in_the_report_dialog_is_named(tmp_path: Path, clock, caplog) -> None:
    clock.set(OPEN + timedelta(days=9))
    world = build_world(f"sqlite:///{tmp_path / 'b.sqlite3'}", tmp_path / "data", clock,
                        fetch_file=local_fetcher(tmp_path))
    chat = Chat(world.core, 1)
    await chat.cmd("baocao")
    await chat.press("6 tháng")
    await chat.press("Không")
    for text in ("5", "không", "10", "3,5"):
        await chat.text(text)
    await chat.press("Hoàn thành")
    await chat.press("☐ Chưa phát hiện")
    await chat.press("✔ Xong")
    for _ in range(2):
        await chat.press("Bỏ qua")
    assert "ảnh" in chat.said.lower()  # the photo question
    line = parse_line("/anh khong_co.jpg", "k1", CONSOLE_USER)
    with caplog.at_level(logging.WARNING):
        await chat.send(files=line.files)
    assert "Không thấy tệp khong_co.jpg." in chat.said
    assert not [r for r in caplog.records if r.exc_info]  # no traceback logged either
