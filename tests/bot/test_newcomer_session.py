"""The figure of issue 8: a scripted newcomer session shows no traceback, no Python repr, no English.

A console chat driven by piped input through ``python -m bot`` (as ``bin/run`` does), then
the command-line steps of the README on a scratch database, the errors a newcomer makes on
the way included. Every output line goes through ``tests.textcheck``.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import build_parser, main
from tests.bot.channels.console.test_chat import REPO
from tests.textcheck import english_line, problems

SAMPLES = Path(__file__).resolve().parents[2] / "store" / "sample"

CONSOLE_SCRIPT = """/help
Chỉ thị 02/CT-UBND ban hành ngày nào?
/tim khen thuong
1
/phongtrao
/vanban
/anh khong_co.jpg
abc
/lenhla
/thu giamsat
/tep rong.txt
/tep nhi_phan.txt
/tep bang_tinh.ods
/help
/tonghop
1
/thongbao
Họp giao ban sáng thứ Hai.
1
1
1
/thu
/hanbaocao
/baocao
1
/anh khong_co.jpg
/huy
/toi
/thoat
"""


def test_detector_flags_what_a_newcomer_must_not_see() -> None:
    for bad in ("Traceback (most recent call last):", "bỏ qua 0 {}", "Không cấp được: an officer needs a commune",
                "choose an audience: --province, --communes, --role or --not-reported",
                "<store.models.Officer object at 0x7f00aa>", "tệp DOCX hỏng, không đọc được (BadZipFile)", "Anh/chị đang thử vai giám sát tỉnh Lai Châu", "usage: python -m bot [-h]",
                "error: argument --province: invalid int value: 'Lai'", "ValueError: bad", "lý do: None"):
        assert problems(bad), bad
    for good in ("Đã xếp 0 lời nhắc, bỏ qua 0, 0 bản tổng hợp.", "  [1] Không đính kèm",
                 "python -m bot forms load store/sample/forms", "#1\tY\tthi-dua-6-thang v1\thạn 23:59 30/12/2026",
                 "Nguồn: Chỉ thị 02/CT-UBND ngày 30/1/2020 của UBND tỉnh Lai Châu", " 12  Lai Châu (38 xã, phường)"):
        assert not problems(good), good


def run_console(tmp_path: Path, stdin: str) -> subprocess.CompletedProcess[str]:
    """``python -m bot`` with piped input, the clock frozen on a working morning (no quiet hours)."""
    env = {k: v for k, v in os.environ.items() if k not in ("BOT_TOKEN", "TELEGRAM_API_BASE_URL", "LOG_LEVEL")}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'bot.sqlite3'}", DATA_DIR=str(tmp_path / "data"),
               PYTHONPATH=str(REPO), PYTHONIOENCODING="utf-8", BOT_FAKE_NOW="2026-06-10T09:00:00+07:00")
    return subprocess.run([sys.executable, "-m", "bot"], input=stdin, capture_output=True, text=True,
                          cwd=tmp_path, env=env, timeout=180, encoding="utf-8")


def _bad_files(folder: Path) -> None:
    """Files a newcomer sends by mistake: empty, binary, a format the bot does not read."""
    (folder / "rong.txt").write_bytes(b"")
    (folder / "nhi_phan.txt").write_bytes(b"\x00\x01PK\x03\x04" * 50)
    (folder / "bang_tinh.ods").write_bytes(b"PK\x03\x04 not really a spreadsheet")
    (folder / "hong.yaml").write_text("id: hong\nfields: [\n  - name: x\n", encoding="utf-8")


def test_console_session_is_clean(tmp_path: Path) -> None:
    _bad_files(tmp_path)
    result = run_console(tmp_path, CONSOLE_SCRIPT)
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    assert "Tạm biệt!" in out
    for name in ("Lò Văn Minh", "Tao Thị Hoa", "Giàng A Páo"):  # /thongbao reached the demo colleagues
        assert f"[Tin nhắn tới {name} (cán bộ thử)]\n📣 Thông báo của cán bộ tỉnh Lai Châu:\nHọp giao ban sáng thứ Hai." in out
    assert "📣 Đã gửi xong thông báo #1" in out  # and the sender got the delivery report
    assert "/thongbao" in out.split("> /thu giamsat", 1)[1].split("> /tonghop", 1)[0]  # supervisor's /help
    assert "/thongbao" not in out.split("> /help", 1)[1].split(">", 1)[0]  # a stranger's /help
    stderr = "".join(line for line in result.stderr.splitlines(True) if "TEST-ONLY" not in line)
    assert problems(out) == [] and stderr == ""
    assert too_long_replies(out) == []


PHONE_SCREEN = 1000  # characters: about one screen of a phone


def too_long_replies(out: str) -> list[str]:
    """Each answer to a typed line (the text between two prompts) fits one phone screen."""
    turns = out.split("\n> ")[1:]
    return [turn[:120] for turn in turns if len(turn.split("\n", 1)[-1]) > PHONE_SCREEN and not _whole_section(turn)]


def _whole_section(turn: str) -> bool:
    """A section the user opened: its text is as long as the document makes it."""
    lines = turn.split("\n")
    return len(lines) > 2 and lines[2].startswith(("Mục ", "Phần ", "Điều "))


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for key, value in {"DATABASE_URL": f"sqlite:///{tmp_path / 'bot.sqlite3'}", "DATA_DIR": str(tmp_path / "data"),
                       "LOAD_SAMPLES": "false", "BOT_FAKE_NOW": "2026-06-10T09:00:00+07:00"}.items():
        monkeypatch.setenv(key, value)
    for key in ("BOT_TOKEN", "LOG_LEVEL"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _officers_csv(folder: Path) -> Path:
    path = folder / "can_bo.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["ho_ten", "so_dien_thoai", "xa", "tinh", "vai_tro"])
        w.writerow(["Lò Văn Minh", "0912345678", "Tân Phong", "Lai Châu", "can bo"])
        w.writerow(["Tao Thị Hoa", "0912345679", "Xã Không Có", "Lai Châu", "can bo"])  # refused: no such commune
    return path


README_STEPS: list[tuple[list[str], int]] = [
    (["ingest", str(SAMPLES / "directives")], 0),
    (["ingest", "khong_co.txt", "can_bo.csv"], 1),  # a missing file; a CSV is no directive
    (["ingest", "rong.txt", "nhi_phan.txt", "bang_tinh.ods"], 1),  # empty, binary, unsupported
    (["forms", "load", "hong.yaml"], 1),  # broken YAML: the place and the usual causes, in Vietnamese
    (["units", "provinces"], 0),
    (["units", "communes", "--province", "Lai Châu"], 0),
    (["periods", "add", "--form", "thi-dua-6-thang", "--label", "6 tháng", "--province", "Lai Châu",
      "--due", "30/6/2026"], 1),  # no forms loaded yet: says where the samples are
    (["forms", "load", str(SAMPLES / "forms")], 0),
    (["forms", "list"], 0),
    (["officers", "import", "can_bo.csv", "--dry-run"], 1),
    (["officers", "import", "can_bo.csv"], 1),
    (["admin", "grant", "--phone", "0987654321", "--role", "admin", "--name", "Nguyễn Văn A"], 0),
    (["admin", "grant", "--phone", "0987654321", "--role", "admin", "--name", "Nguyễn Văn B"], 1),
    (["admin", "grant", "--telegram-id", "123456", "--role", "supervisor", "--province", "Điện Biên"], 0),
    (["admin", "grant", "--phone", "0912000000", "--role", "officer"], 2),
    (["periods", "add", "--form", "thi-dua-6-thang", "--label", "6 tháng đầu năm 2026", "--province", "Lai Châu",
      "--open", "1/6/2026", "--due", "30/6/2026", "--close", "15/7/2026"], 0),
    (["periods", "list"], 0),
    (["reminders", "plan"], 0),
    (["reminders", "policy", "--period", "1", "--offsets=-7d@22:00,-1d@08:00,-90m"], 0),
    (["reminders", "sweep"], 0),
    (["broadcast", "--province", "Lai Châu", "--text", "Họp trực tuyến 14:00 thứ Sáu", "--dry-run"], 0),
    (["broadcast", "--province", "Lai Châu", "--text", "Họp trực tuyến 14:00 thứ Sáu"], 1),
    (["broadcast", "--text", "Họp"], 2),
    (["broadcast", "--province", "12", "--text-file", "khong_co.txt"], 2),
    (["broadcast", "--status"], 0),
    (["export", "1", "out"], 0),
    (["export", "1", "bao_cao.csv"], 2),
    (["export", "9", "bao_cao.xlsx"], 1),
    (["khongco"], 2),
    (["broadcast", "--province"], 2),
    (["outbox"], 2),  # no BOT_TOKEN: nothing to send with
]


def test_readme_cli_steps_are_clean(scratch: Path, capfd) -> None:
    _officers_csv(scratch)
    _bad_files(scratch)
    failures = []
    for argv, status in README_STEPS:
        try:
            got = main(argv)
        except SystemExit as exc:  # argparse's own exits
            got = exc.code
        out, err = capfd.readouterr()
        if got != status:
            failures.append(f"{argv}: status {got}, expected {status}\n{out}{err}")
        if status and not err.strip():
            failures.append(f"{argv}: failed without saying why")
        failures += [f"{argv}: {p}" for p in problems(out + err)]
    assert failures == []
    assert (scratch / "out" / "bao-cao-ky-1.xlsx").is_file() and not list(scratch.rglob("*.part"))


def _all_parsers(parser, path=()):
    yield path, parser
    for action in parser._actions:
        if hasattr(action, "choices") and isinstance(action.choices, dict):
            for name, sub in action.choices.items():
                yield from _all_parsers(sub, (*path, name))


def test_every_subcommand_and_argument_has_vietnamese_help(capsys) -> None:
    missing = []
    for path, parser in _all_parsers(build_parser()):
        for action in parser._actions:
            if action.help is None or english_line(action.help) or not action.help.strip():
                missing.append(f"{' '.join(path)} {action.option_strings or action.dest}: {action.help!r}")
        with pytest.raises(SystemExit):
            parser.parse_args(["--help"])
        text = capsys.readouterr().out
        assert text.startswith("Cách dùng:"), path
        assert problems(text) == [], (path, problems(text))
    assert missing == []


def test_a_webhook_start_with_the_bot_api_unreachable_says_why_in_vietnamese(tmp_path: Path) -> None:
    """Every start failure ends with one ``LỖI:`` line an operator can act on, never English alone."""
    import secrets
    import socket

    with socket.socket() as a, socket.socket() as b:  # two free ports, closed again before the start
        a.bind(("127.0.0.1", 0))
        b.bind(("127.0.0.1", 0))
        port, metrics_port = a.getsockname()[1], b.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k not in ("BOT_FAKE_NOW", "LOG_LEVEL", "ZALO_BOT_TOKEN")}
    env.update(BOT_TOKEN="123:abc", TELEGRAM_API_BASE_URL="http://127.0.0.1:9", WEBHOOK_URL="https://bot.example.vn",
               TELEGRAM_WEBHOOK_SECRET="abcdefgh12345678", FILE_LINK_KEY=secrets.token_urlsafe(32),
               DATABASE_URL=f"sqlite:///{tmp_path / 'bot.sqlite3'}", DATA_DIR=str(tmp_path / "data"),
               LOAD_SAMPLES="false", PORT=str(port), METRICS_PORT=str(metrics_port), PYTHONPATH=str(REPO),
               PYTHONIOENCODING="utf-8")
    result = subprocess.run([sys.executable, "-m", "bot"], capture_output=True, text=True, cwd=tmp_path, env=env,
                            timeout=180, encoding="utf-8")
    last = result.stderr.strip().splitlines()[-1]
    assert result.returncode == 1, result.stderr[-2000:]
    assert last == "LỖI: không chạy được bot: không kết nối được Bot API của Telegram tại http://127.0.0.1:9"
    assert problems(last) == []
