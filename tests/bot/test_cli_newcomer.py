"""The command line a newcomer meets: names or codes, what changes, why nothing happens, warnings."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

import bot.cli
import bot.commands
from bot.cli import build_parser, main
from bot.logsetup import configure_logging
from bot.services import build_services
from core.settings import Settings
from store.db import transaction
from store.models import Officer, Period, User

SAMPLES = Path(__file__).resolve().parents[2] / "store" / "sample"
NOW = "2026-06-10T09:00:00+07:00"


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for key, value in {"DATABASE_URL": f"sqlite:///{tmp_path / 'bot.sqlite3'}", "DATA_DIR": str(tmp_path / "data"),
                       "LOAD_SAMPLES": "false", "BOT_FAKE_NOW": NOW}.items():
        monkeypatch.setenv(key, value)
    for key in ("BOT_TOKEN", "LOG_LEVEL"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(capfd, *argv: str) -> tuple[int, str, str]:
    try:
        status = main(list(argv))
    except SystemExit as exc:
        status = exc.code
    out, err = capfd.readouterr()
    err = "".join(line for line in err.splitlines(True) if "TEST-ONLY" not in line)  # BOT_FAKE_NOW's notice
    return status, out, err


def _services():
    return build_services(Settings(), startup=False)


def test_subcommands_are_one_explicit_list() -> None:
    assert not hasattr(bot.cli, "SUBCOMMANDS") or bot.cli.SUBCOMMANDS is bot.commands.SUBCOMMANDS
    assert isinstance(bot.commands.SUBCOMMANDS, tuple)
    names = set(build_parser()._subparsers._group_actions[0].choices)
    assert names == {"serve", "ingest", "units", "officers", "admin", "forms", "periods", "export", "broadcast",
                     "outbox", "reminders", "retention", "blocs", "criteria", "scoring",
                     "titles", "registrations", "awards"}


def test_units_list_codes_and_names(scratch: Path, capfd) -> None:
    status, out, _ = run(capfd, "units", "provinces")
    assert status == 0 and " 12  Lai Châu (" in out and "Điện Biên" in out
    status, out, _ = run(capfd, "units", "communes", "--province", "lai chau")
    assert status == 0 and "Phường Tân Phong" in out and out.splitlines()[1].split()[0].isdigit()
    assert out.splitlines()[0].startswith("Lai Châu (mã 12): ")
    status, out, _ = run(capfd, "units", "communes", "--province", "Sài Gòn")
    assert status == 0 and out.splitlines()[0].startswith("Thành phố Hồ Chí Minh (mã 79): ")
    status, _, err = run(capfd, "units", "communes", "--province", "Xứ Sở")
    assert status == 2 and err == "LỖI: không nhận ra tỉnh “Xứ Sở” (xem: python -m bot units provinces)\n"


def test_admin_grant_says_what_changes_and_asks_before_renaming(scratch: Path, capfd) -> None:
    assert run(capfd, "admin", "grant", "--phone", "0912345678", "--role", "officer", "--province", "Lai Châu",
               "--commune", "Tân Phong", "--name", "Lò Văn Minh")[0] == 0
    status, out, err = run(capfd, "admin", "grant", "--phone", "0912345678", "--role", "supervisor",
                           "--province", "Lai Châu", "--name", "Lò Văn Mình")
    assert status == 1
    assert "tên: Lò Văn Minh → Lò Văn Mình; vai trò: cán bộ xã/phường → cán bộ tỉnh" in out
    assert "thêm --yes" in err
    with _services().session_factory() as s:
        officer = s.scalar(select(Officer))
        assert (officer.full_name, officer.role) == ("Lò Văn Minh", "officer")  # nothing written
    status, out, _ = run(capfd, "admin", "grant", "--phone", "0912345678", "--role", "supervisor",
                         "--province", "Lai Châu", "--name", "Lò Văn Mình", "--yes")
    assert status == 0 and "Đã cấp vai trò cán bộ tỉnh cho Lò Văn Mình" in out
    status, out, _ = run(capfd, "admin", "grant", "--phone", "0912345678", "--role", "admin")
    assert status == 0 and "vai trò: cán bộ tỉnh → quản trị" in out  # a role change needs no --yes


def _period_with_officers(capfd, *, chats: int) -> None:
    assert run(capfd, "forms", "load", str(SAMPLES / "forms"))[0] == 0
    assert run(capfd, "periods", "add", "--form", "thi-dua-6-thang", "--label", "6 tháng", "--communes",
               "Tân Phong", "--open", "1/6/2026", "--due", "30/6/2026")[0] == 0
    for n, phone in enumerate(("0912345671", "0912345672", "0912345673")):
        assert run(capfd, "admin", "grant", "--phone", phone, "--role", "officer", "--province", "12",
                   "--commune", "Tân Phong", "--name", f"Cán bộ {n}")[0] == 0
    services = _services()
    with transaction(services.session_factory) as s:
        for officer in list(s.scalars(select(Officer).order_by(Officer.id)))[:chats]:
            s.add(User(channel="telegram", external_id=str(officer.id), chat_id=str(officer.id), reachable=True,
                       officer_id=officer.id, created_at=services.clock.now(), last_seen_at=services.clock.now()))


def test_plans_that_reach_nobody_say_why(scratch: Path, capfd) -> None:
    status, out, _ = run(capfd, "reminders", "plan")
    assert out == "0 lời nhắc đã lên lịch: không có kỳ báo cáo nào đang mở hoặc sắp mở (tạo bằng: python -m bot periods add …).\n"
    _period_with_officers(capfd, chats=0)
    status, out, _ = run(capfd, "reminders", "plan")
    assert "3 cán bộ chưa mở chat với bot: họ cần bấm /start một lần" in out
    status, out, _ = run(capfd, "broadcast", "--province", "Lai Châu", "--text", "Họp")
    assert status == 1 and "0 người nhận (tỉnh Lai Châu); chưa gửi: 3 cán bộ chưa mở chat với bot" in out


def test_reminder_plan_in_time_order_with_dates(scratch: Path, capfd) -> None:
    _period_with_officers(capfd, chats=2)
    status, out, _ = run(capfd, "reminders", "plan")
    lines = out.splitlines()
    assert status == 0 and lines[0] == "8 lời nhắc đã lên lịch (1 kỳ, 1 lượt xã):"
    assert lines[1:] == ["  08:00 23/6/2026   7 ngày trước hạn  kỳ #1 “6 tháng”: 2 người",
                         "  08:00 27/6/2026   3 ngày trước hạn  kỳ #1 “6 tháng”: 2 người",
                         "  08:00 29/6/2026   1 ngày trước hạn  kỳ #1 “6 tháng”: 2 người",
                         "  08:00 30/6/2026   ngày hạn  kỳ #1 “6 tháng”: 2 người"]
    status, out, _ = run(capfd, "broadcast", "--province", "Lai Châu", "--communes", "Tân Phong", "--text", "Họp")
    assert status == 0 and "tới 2 người (1 xã/phường)" in out


def test_policy_warns_about_quiet_hours_and_steps_after_the_due_time(scratch: Path, capfd) -> None:
    _period_with_officers(capfd, chats=1)
    status, out, err = run(capfd, "reminders", "policy", "--period", "1", "--offsets=-7d@22:00,0d@23:59,-30m",
                           "--overdue-limit", "0")
    assert status == 0
    assert "CẢNH BÁO: mốc -7d@22:00 (22:00 23/6/2026) rơi vào giờ yên lặng 21:00-07:00: tin sẽ gửi lúc 07:00 24/6/2026" in err
    assert "mốc -30m (23:29 30/6/2026) rơi vào giờ yên lặng 21:00-07:00: hết giờ yên lặng thì đã quá hạn" in err
    services = _services()
    with transaction(services.session_factory) as s:
        s.get(Period, 1).due_at = s.get(Period, 1).due_at - timedelta(hours=8)  # due at 15:59
    status, out, err = run(capfd, "reminders", "policy", "--period", "1")
    assert "mốc 0d@23:59 (23:59 30/6/2026) rơi sau hạn nộp nên sẽ không gửi" in err


def test_periods_add_warns_when_already_closed_and_names_the_samples(scratch: Path, capfd) -> None:
    status, _, err = run(capfd, "periods", "add", "--form", "thi-dua-6-thang", "--label", "x", "--province",
                         "Lai Châu", "--due", "30/6/2026")
    assert status == 1 and "chưa nạp biểu mẫu nào; mẫu có sẵn: python -m bot forms load " in err
    assert err.rstrip().endswith("store/sample/forms)")
    assert run(capfd, "forms", "load", str(SAMPLES / "forms"))[0] == 0
    status, out, err = run(capfd, "periods", "add", "--form", "thi-dua-6-thang", "--label", "Quý 1", "--province",
                           "Lai Châu", "--open", "1/1/2026", "--due", "31/3/2026")
    assert status == 0 and "hạn 23:59 31/3/2026" in out
    assert "CẢNH BÁO: kỳ này đã đóng lúc 23:59 31/3/2026" in err


def test_forms_load_takes_a_folder(scratch: Path, capfd) -> None:
    status, out, _ = run(capfd, "forms", "load", str(SAMPLES / "forms"))
    assert status == 0 and "thi-dua-6-thang" in out and "tong-ket-nam" in out
    (scratch / "empty").mkdir()
    status, _, err = run(capfd, "forms", "load", "empty")
    assert status == 1 and err == "LỖI: thư mục empty không có tệp .yaml nào\n"


def test_export_to_a_folder_refuses_csv_and_leaves_no_part_file(scratch: Path, capfd, monkeypatch) -> None:
    _period_with_officers(capfd, chats=0)
    status, out, _ = run(capfd, "export", "1", "bao_cao")
    assert status == 0 and "Đã ghi bao_cao/bao-cao-ky-1.xlsx: 1 xã" in out
    status, _, err = run(capfd, "export", "1", "bao_cao.csv")
    assert status == 2 and err.startswith("LỖI: không ghi bao_cao.csv: CSV chỉ chứa được một bảng")
    (scratch / "a_file").write_text("x")
    status, _, err = run(capfd, "export", "1", "a_file/x.xlsx")
    assert status == 2 and "a_file không phải thư mục" in err

    import store.reporting.export

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store.reporting.export, "_write_workbook", broken)
    status, _, err = run(capfd, "export", "1", "hong.xlsx")
    assert (status, err) == (1, "LỖI: không ghi được hong.xlsx: hết chỗ trống trên đĩa\n")
    assert not list(scratch.rglob("*.part")) and not (scratch / "hong.xlsx").exists()


def test_export_keeps_an_existing_file_and_refuses_a_mistyped_folder(scratch: Path, capfd) -> None:
    _period_with_officers(capfd, chats=0)
    assert run(capfd, "export", "1", "bc.xlsx")[0] == 0
    status, _, err = run(capfd, "export", "1", "bc.xlsx")
    assert status == 2 and "bc.xlsx đã có; thêm --force để ghi đè" in err
    assert run(capfd, "export", "1", "bc.xlsx", "--force")[0] == 0
    for typo in ("bao_coa/thang6/x.xlsx", "bao_coa/thang6"):
        status, _, err = run(capfd, "export", "1", typo)
        assert status == 2 and "không có thư mục bao_coa" in err, typo
    assert not (scratch / "bao_coa").exists()


def test_export_removes_its_part_file_on_any_error(tmp_path: Path, monkeypatch) -> None:
    import store.reporting.export

    target = tmp_path / "x.xlsx"
    part = tmp_path / "x.xlsx.part"

    def half_written(*args, **kwargs):
        part.write_bytes(b"PK")
        raise RuntimeError("stopped halfway")

    monkeypatch.setattr(store.reporting.export, "period_summary", lambda *a, **k: None)
    monkeypatch.setattr(store.reporting.export, "_columns", lambda *a, **k: ([], {}))
    monkeypatch.setattr(store.reporting.export, "_write_workbook", half_written)
    with pytest.raises(RuntimeError):
        store.reporting.export.export_period(None, None, target)
    assert not part.exists() and not target.exists()


def test_library_debug_lines_stay_out_unless_verbose(capfd) -> None:
    configure_logging("WARNING", [])
    noisy = logging.getLogger("bm25s")
    noisy.setLevel(logging.DEBUG)  # what bm25s does to itself on import
    noisy.debug("Building index from IDs")
    logging.getLogger("alembic.runtime.migration").warning("kept: a warning")
    configure_logging("DEBUG", [], verbose=True)
    noisy.debug("shown with -v")
    err = capfd.readouterr().err
    assert "Building index" not in err and "kept: a warning" in err and "shown with -v" in err
    configure_logging("WARNING", [])


def test_unexpected_errors_are_one_line(scratch: Path, capfd, monkeypatch) -> None:
    import bot.commands.units as units

    def boom(args, settings):
        raise RuntimeError("internal detail")

    monkeypatch.setattr(units, "_provinces", boom)
    status, out, err = run(capfd, "units", "provinces")
    assert status == 1 and err == "LỖI: lệnh không chạy được (RuntimeError). Chạy lại với -v để xem chi tiết.\n"


def test_readme_reminder_policy_example_works_as_written(scratch: Path, capfd) -> None:
    _period_with_officers(capfd, chats=0)
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    line = next(ln for ln in readme.splitlines() if "-m bot reminders policy --period 1" in ln)
    argv = line.split("-m bot ", 1)[1].split("#")[0].split()
    assert "--offsets" in argv  # the example passes offsets with a space, not only with "="
    status, out, err = run(capfd, *argv)
    assert status == 0 and "không gửi" not in out + err and "14:30" in out
