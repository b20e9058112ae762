"""CLI for reports: forms load/list, periods add/list, export; the sample-forms start-up step."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from bot.cli import main as cli
from bot.services import build_services
from core.settings import Settings
from store.models import Form, Period

SAMPLES = Path(__file__).resolve().parents[2] / "store" / "sample" / "forms"


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'bot.sqlite3'}")
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("LOAD_SAMPLES", "false")
    monkeypatch.delenv("BOT_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)
    return Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'bot.sqlite3'}", data_dir=tmp_path / "data",
                    load_samples=False)


def test_forms_load_versions_and_errors(env: Settings, tmp_path: Path, capsys) -> None:
    six = SAMPLES / "thi-dua-6-thang.yaml"
    assert cli(["forms", "load", str(six)]) == 0
    assert "đã nạp phiên bản mới v1" in capsys.readouterr().out
    assert cli(["forms", "load", str(six)]) == 0
    assert "không đổi, giữ v1" in capsys.readouterr().out
    changed = tmp_path / "changed.yaml"
    changed.write_text(six.read_text(encoding="utf-8").replace("Khó khăn, vướng mắc", "Khó khăn trong kỳ"),
                       encoding="utf-8")
    assert cli(["forms", "load", str(changed)]) == 0
    assert "v2" in capsys.readouterr().out
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\ntitle: T\nfields:\n  - {name: a, type: integr, label: A}\n", encoding="utf-8")
    assert cli(["forms", "load", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "LỖI" in err and "Câu 1 (a): type 'integr' không hợp lệ" in err
    assert cli(["forms", "list"]) == 0
    assert "thi-dua-6-thang\tv2" in capsys.readouterr().out


def test_periods_add_list_and_export(env: Settings, tmp_path: Path, capsys) -> None:
    assert cli(["forms", "load", str(SAMPLES / "thi-dua-6-thang.yaml")]) == 0
    assert cli(["periods", "add", "--form", "thi-dua-6-thang", "--label", "6 tháng đầu năm 2026",
                "--province", "Lai Châu", "--open", "1/6/2026", "--due", "30/6/2026", "--close", "15/7/2026"]) == 0
    assert "Đã tạo kỳ #1" in capsys.readouterr().out
    assert cli(["periods", "add", "--form", "khong-co", "--label", "x", "--province", "12", "--due", "30/6/2026"]) == 1
    assert "không có biểu mẫu" in capsys.readouterr().err
    assert cli(["periods", "add", "--form", "thi-dua-6-thang", "--label", "x", "--province", "12",
                "--open", "1/7/2026", "--due", "30/6/2026"]) == 1
    assert "Thời gian không hợp lệ" in capsys.readouterr().err
    assert cli(["periods", "list"]) == 0
    assert "6 tháng đầu năm 2026" in capsys.readouterr().out
    out = tmp_path / "ky1.xlsx"
    assert cli(["export", "1", str(out), "--no-progress"]) == 0
    assert "Đã ghi" in capsys.readouterr().out
    rows = list(openpyxl.load_workbook(out)["Báo cáo"].iter_rows(values_only=True))
    assert len(rows) > 10 and all(r[4] == "Chưa gửi" for r in rows[1:])
    assert cli(["export", "99", str(tmp_path / "ky99.xlsx")]) == 1  # no such period
    assert cli(["export", "1", str(out)]) == 2  # an existing workbook is kept without --force


def test_sample_forms_start_up_step(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 's.sqlite3'}", data_dir=tmp_path / "d",
                        load_samples=True)
    services = build_services(settings, startup=False)
    from store.forms.versions import load_sample_forms

    load_sample_forms(services)
    load_sample_forms(services)  # again: nothing new
    with services.session_factory() as s:
        assert sorted((f.form_id, f.version) for f in s.scalars(select(Form))) == [("thi-dua-6-thang", 1),
                                                                                   ("tong-ket-nam", 1)]
        assert s.scalars(select(Period)).all() == []
