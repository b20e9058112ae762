"""CLI for leavers and retention: officers remove, import --deactivate-missing, retention."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from bot.cli import main as cli
from bot.services import build_services
from core.settings import Settings
from store.models import Officer

LIST = ("Họ tên;Số điện thoại;Mã xã;Xã;Tỉnh;Vai trò\n"
        "Nguyễn Thị Lan;0912 345 678;;xa tuan giao;Dien Bien;cán bộ\n"
        "Lò Văn Chiến;0977 000 111;3253;;;\n"
        "Trần Văn Bình;0987654321;;;Điện Biên;giám sát\n")


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    url = f"sqlite:///{tmp_path / 'bot.sqlite3'}"
    for key, value in (("DATABASE_URL", url), ("DATA_DIR", str(tmp_path / "data")), ("LOAD_SAMPLES", "false")):
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("BOT_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "list.csv").write_text(LIST, encoding="utf-8")
    assert cli(["officers", "import", "list.csv"]) == 0
    return Settings(_env_file=None, database_url=url, data_dir=tmp_path / "data", load_samples=False)


def _officers(env: Settings) -> dict[str, tuple[bool, bool]]:
    with build_services(env, startup=False).session_factory() as s:
        return {o.full_name: (o.active, o.removed_at is not None) for o in s.scalars(select(Officer))}


def test_remove_needs_yes(env: Settings, capsys) -> None:
    assert cli(["officers", "remove", "0912.345.678"]) == 1
    assert "Chạy lại với --yes" in capsys.readouterr().out
    assert _officers(env)["Nguyễn Thị Lan"] == (True, False)
    assert cli(["officers", "remove", "0912345678", "--yes"]) == 0
    assert "Đã cho nghỉ Nguyễn Thị Lan" in capsys.readouterr().out
    assert _officers(env)["Nguyễn Thị Lan"] == (False, True)
    assert cli(["officers", "remove", "0999999999", "--yes"]) == 2
    assert "Không có cán bộ" in capsys.readouterr().err


def test_import_deactivate_missing_dry_run_shows_who(env: Settings, tmp_path: Path, capsys) -> None:
    shorter = tmp_path / "short.csv"
    shorter.write_text(LIST.replace("Lò Văn Chiến;0977 000 111;3253;;;\n", ""), encoding="utf-8")
    capsys.readouterr()
    assert cli(["officers", "import", str(shorter), "--deactivate-missing", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "không còn trong danh sách: Lò Văn Chiến (0977000111)" in out and "Sẽ cho nghỉ 1 cán bộ" in out
    assert _officers(env)["Lò Văn Chiến"] == (True, False)
    assert cli(["officers", "import", str(shorter), "--deactivate-missing"]) == 0
    assert "Đã cho nghỉ 1 cán bộ" in capsys.readouterr().out
    states = _officers(env)
    assert states["Lò Văn Chiến"] == (False, True) and states["Trần Văn Bình"] == (True, False)


def test_retention_dry_run(env: Settings, capsys) -> None:
    assert cli(["retention", "--dry-run"]) == 0
    assert "Thử (không xóa)" in capsys.readouterr().out
    assert cli(["retention"]) == 0
    assert "Đã dọn" in capsys.readouterr().out
