"""CLI for the start of the emulation year: titles load/show, registrations deadline (Vietnamese output)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main as cli
from core.settings import Settings
from tests.bot.test_emulation_commands import _reader, env  # noqa: F401 (the fixture)
from tests.textcheck import problems

SAMPLE = Path(__file__).resolve().parents[2] / "store" / "sample" / "emulation" / "danh-hieu-2026.yaml"


def test_titles_and_deadline_commands(env: Settings, tmp_path: Path, capsys) -> None:  # noqa: F811
    seen: list[str] = []
    read = _reader(capsys, seen)
    assert cli(["titles", "show", "--province", "Lai Châu", "--year", "2026"]) == 1
    assert "chưa có danh mục danh hiệu năm 2026" in read().err
    assert cli(["registrations", "deadline", "--province", "lai chau", "--year", "2026", "--due", "31/1/2026"]) == 0
    out = read().out
    assert "Hạn đăng ký thi đua năm 2026: 23:59 31/1/2026" in out and "chưa có danh mục danh hiệu" in out
    assert cli(["titles", "load", str(SAMPLE), "--province", "Lai Châu"]) == 0
    assert "danh mục năm 2026 đã nạp phiên bản mới v1, 4 danh hiệu" in read().out
    assert cli(["titles", "load", str(SAMPLE), "--province", "Lai Châu"]) == 0
    assert "không đổi, giữ v1" in read().out
    assert cli(["titles", "show", "--province", "Lai Châu", "--year", "2026"]) == 0
    shown = read().out
    assert "- co-tinh: Cờ thi đua của UBND tỉnh (cấp tỉnh)" in shown
    assert "Điều kiện: dẫn đầu khối thi đua (theo Điều 25" in shown and "Hồ sơ: Tờ trình đề nghị khen thưởng" in shown
    bad = tmp_path / "bad.yaml"
    bad.write_text(SAMPLE.read_text(encoding="utf-8").replace("level: tinh", "level: huyen", 1), encoding="utf-8")
    assert cli(["titles", "load", str(bad), "--province", "Lai Châu"]) == 1
    assert "LỖI bad.yaml: Danh hiệu tt-ldxs: level chỉ là xa, tinh hoặc trung-uong" in read().err
    with pytest.raises(SystemExit) as stop:
        cli(["registrations", "deadline", "--province", "Lai Châu", "--year", "2026", "--due", "hôm qua"])
    assert stop.value.code == 2
    assert "không đọc được ngày giờ “hôm qua”" in read().err
    assert not [p for text in seen for p in problems(text)]
