"""The start of the year in the console's leader demo: register by typed numbers, see the list."""

from __future__ import annotations

from pathlib import Path

from tests.bot.channels.console.choices import last_number
from tests.bot.channels.console.test_chat import run_bot



def test_leader_demo_registers_and_lists(tmp_path: Path) -> None:
    first = run_bot(tmp_path, "/thu truongkhoi\n/dangkythidua\n")
    out = first.stdout
    assert first.returncode == 0, first.stderr[-3000:]
    assert "Đăng ký thi đua năm" in out and "2 xã đã đăng ký" in out and "Bước 1/3" in out
    pick = last_number(out, "☐ Tập thể lao động tiên tiến")
    second = run_bot(tmp_path, f"{pick}\n")
    nxt = last_number(second.stdout, "Tiếp »")
    third = run_bot(tmp_path, f"{nxt}\nThu ngan sach: 1.250 trieu dong\n")
    assert "1. Thu ngan sach: 1.250 trieu dong" in third.stdout and "Bước 2/3" in third.stdout
    done = last_number(third.stdout, "Xong chỉ tiêu »")
    fourth = run_bot(tmp_path, f"{done}\n/huy\n/dsdangky\n")
    shown = fourth.stdout
    assert "Bước 3/3" in shown and "Đã dừng đăng ký thi đua" in shown
    listed = last_number(shown, "Đăng ký của Khối thi đua thử (console)")
    fifth = run_bot(tmp_path, f"{listed}\n")
    assert "(2/6 xã)" in fifth.stdout and "Giao ước thi đua: chưa có" in fifth.stdout
    assert "Traceback" not in out + first.stderr + third.stdout + shown + fifth.stdout
