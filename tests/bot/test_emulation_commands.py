"""CLI for the emulation year: criteria load/publish/show/list, blocs create/add/move/list/which/import, scoring."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from bot.cli import main as cli
from core.settings import Settings
from tests.textcheck import problems

SAMPLE = Path(__file__).resolve().parents[2] / "store" / "sample" / "emulation" / "khoi-xa-2026.yaml"


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'bot.sqlite3'}")
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("LOAD_SAMPLES", "false")
    monkeypatch.delenv("BOT_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)
    return Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'bot.sqlite3'}", data_dir=tmp_path / "data",
                    load_samples=False)


def _reader(capsys, seen: list[str]):
    def read():
        got = capsys.readouterr()
        seen.append(got.out + got.err)
        return got
    return read


def test_criteria_commands(env: Settings, tmp_path: Path, capsys) -> None:
    seen: list[str] = []
    read = _reader(capsys, seen)
    assert cli(["criteria", "list"]) == 0
    assert "Chưa có bảng tiêu chí nào" in read().out
    assert cli(["criteria", "load", str(SAMPLE)]) == 0
    out = read().out
    assert "đã nạp phiên bản mới (bản nháp) v1, 17 tiêu chí, 100 điểm" in out and "criteria publish khoi-xa-2026" in out
    assert cli(["criteria", "publish", "khoi-xa-2026"]) == 0
    assert "Đã ban hành khoi-xa-2026 v1" in read().out
    assert cli(["criteria", "publish", "khoi-xa-2026"]) == 1
    assert "đã ban hành từ trước" in read().err
    assert cli(["criteria", "show", "khoi-xa-2026"]) == 0
    shown = read().out
    assert "I. Phát triển kinh tế – xã hội (40 điểm)" in shown and "16. Bị cấp có thẩm quyền" in shown
    assert "trừ tối đa 6" in shown and "bằng điểm thì xét: I, III" in shown
    bad = tmp_path / "bad.yaml"
    bad.write_text(SAMPLE.read_text(encoding="utf-8").replace("max: 12", "max: 11"), encoding="utf-8")
    assert cli(["criteria", "load", str(bad), str(tmp_path / "none.yaml")]) == 1
    err = read().err
    assert "LỖI bad.yaml: Nhóm I: tổng điểm chuẩn các tiêu chí là 39, khác điểm của nhóm 40" in err
    assert "none.yaml: không có tệp này" in err
    wb = openpyxl.Workbook()
    for row in (["Mã bảng", "nho"], ["Tên bảng", "Bảng nhỏ"], ["Tổng điểm", 10], ["TT", "Nội dung", "Điểm chuẩn"],
                ["I", "Nhóm", 10], [1, "Một", 10]):
        wb.active.append(row)
    wb.save(tmp_path / "nho.xlsx")
    assert cli(["criteria", "load", str(tmp_path / "nho.xlsx")]) == 0
    assert cli(["criteria", "list"]) == 0
    listed = read().out
    assert "khoi-xa-2026\tv1\tđã ban hành" in listed and "nho\tv1\tbản nháp\tBảng nhỏ" in listed
    assert problems("\n".join(seen)) == []


def test_blocs_and_scoring_commands(env: Settings, tmp_path: Path, capsys) -> None:
    seen: list[str] = []
    read = _reader(capsys, seen)
    assert cli(["blocs", "create", "--province", "Lai Chau", "--year", "2026", "--name", "Khối thi đua số 1",
                "--leader", "doan ket", "--deputy", "Tân Phong", "--members", "Bình Lư,Sin Suoi Ho,Ta Leng"]) == 0
    assert "Đã tạo khối #1 “Khối thi đua số 1” năm 2026: 5 xã." in read().out
    assert cli(["blocs", "create", "--province", "12", "--year", "2026", "--name", "Khối thi đua số 2",
                "--members", "Bản Bo"]) == 0
    assert "chưa có trưởng khối" in read().err
    assert cli(["blocs", "add", "khoi thi dua so 2", "--province", "12", "--year", "2026", "--members", "Khun Há",
                "--from", "1/3/2026"]) == 0
    assert "Đã thêm 1 xã vào “Khối thi đua số 2” từ 1/3/2026." in read().out
    assert cli(["blocs", "leader", "2", "--province", "12", "--year", "2026", "--leader", "Bản Bo"]) == 0
    assert "“Khối thi đua số 2”: trưởng khối Xã Bản Bo." in read().out
    assert cli(["blocs", "leader", "2", "--province", "12", "--year", "2026", "--leader", "Mường Tè"]) == 1
    assert "không ở “Khối thi đua số 2”" in read().err
    assert cli(["blocs", "move", "Tả Lèng", "--to", "2", "--on", "1/7/2026", "--province", "Lai Châu"]) == 0
    assert "Xã Tả Lèng vào “Khối thi đua số 2” từ 1/7/2026 (trước đó ở “Khối thi đua số 1”)." in \
        read().out
    assert cli(["blocs", "which", "ta leng", "--on", "30/6/2026"]) == 0
    assert "Xã Tả Lèng thuộc “Khối thi đua số 1” ngày 30/6/2026." in read().out
    assert cli(["blocs", "which", "Tả Lèng", "--on", "31/12/2026"]) == 0
    assert "thuộc “Khối thi đua số 2”" in read().out
    assert cli(["blocs", "which", "Khun Há", "--on", "1/2/2026"]) == 0
    assert "Xã Khun Há không thuộc khối nào ngày 1/2/2026." in read().out
    assert cli(["blocs", "list", "--province", "12", "--year", "2026", "--on", "30/6/2026"]) == 0
    listed = read().out
    assert "Phường Đoàn Kết (trưởng khối)" in listed and "Phường Tân Phong (phó khối)" in listed
    assert cli(["blocs", "move", "Tả Lèng", "--to", "Khối 9", "--on", "1/8/2026", "--province", "12"]) == 2
    assert "không thấy khối “Khối 9”" in read().err
    assert cli(["blocs", "which", "Tả Lèng", "--on", "31/6/2026"]) == 2
    assert "không đọc được ngày “31/6/2026”" in read().err
    (tmp_path / "khoi.csv").write_text("Khối,Xã,Vai trò\nKhối 3,Mường Tè,trưởng khối\nKhối 3,Bum Tở,\n"
                                       "Khối 3,Xã Không Có,\n", encoding="utf-8")
    assert cli(["blocs", "import", "khoi.csv", "--province", "12", "--year", "2026"]) == 1
    captured = read()
    assert "LỖI Dòng 4: không tìm thấy xã “Xã Không Có” trong tỉnh" in captured.out
    assert "1 lỗi: chưa ghi gì" in captured.err
    (tmp_path / "khoi.csv").write_text("Khối,Xã,Vai trò\nKhối 3,Mường Tè,trưởng khối\nKhối 3,Bum Tở,\n",
                                       encoding="utf-8")
    assert cli(["blocs", "import", "khoi.csv", "--province", "12", "--year", "2026"]) == 0
    assert "Đã nhập: 2 dòng; khối mới 1, xã thêm vào khối 2." in read().out
    # Scoring periods need a published table.
    assert cli(["scoring", "add", "--province", "12", "--label", "Chấm điểm năm 2026", "--table", "khoi-xa-2026",
                "--open", "1/11/2026", "--due", "30/11/2026", "--as-of", "31/12/2026"]) == 1
    assert "chưa ban hành" in read().err
    assert cli(["criteria", "load", str(SAMPLE)]) == 0 and cli(["criteria", "publish", "khoi-xa-2026"]) == 0
    read()
    assert cli(["scoring", "add", "--province", "12", "--label", "Chấm điểm năm 2026", "--table", "khoi-xa-2026",
                "--open", "1/11/2026", "--due", "30/11/2026", "--close", "10/12/2026", "--as-of", "31/12/2026"]) == 0
    assert "Đã tạo đợt chấm điểm #1" in read().out
    assert cli(["scoring", "list"]) == 0
    assert "9 xã chưa nộp" in read().out
    assert cli(["scoring", "ranking", "1"]) == 0
    ranking = read().out
    assert "Khối thi đua số 2 (đang chấm)" in ranking and "Xã Tả Lèng\tchưa nộp" in ranking
    assert cli(["scoring", "publish", "1", "--bloc", "1"]) == 1
    assert "trưởng khối chưa đóng chấm điểm" in read().err
    assert cli(["scoring", "export", "1", str(tmp_path / "out"), "--chart"]) == 0
    assert "Đã ghi" in read().out
    assert (tmp_path / "out" / "xep-hang-dot-1.xlsx").is_file() and (tmp_path / "out" / "xep-hang-dot-1-khoi-1.png").is_file()
    assert cli(["scoring", "export", "1", str(tmp_path / "x.csv")]) == 2
    assert "cần đuôi .xlsx" in read().err
    assert cli(["scoring", "ranking", "9"]) == 1
    assert "không có đợt chấm điểm #9" in read().err
    assert problems("\n".join(seen)) == []


@pytest.mark.parametrize("argv", [["blocs"], ["blocs", "create"], ["blocs", "import"], ["criteria"],
                                  ["criteria", "load"], ["scoring"], ["scoring", "add"], ["scoring", "reopen"]])
def test_help_is_vietnamese(env: Settings, capsys, argv: list[str]) -> None:
    with pytest.raises(SystemExit):
        cli([*argv, "--help"])
    text = capsys.readouterr().out
    assert "Cách dùng:" in text and problems(text) == []
