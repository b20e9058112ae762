"""``/thu truongkhoi`` in the console: a newcomer tries the bloc leader's side on sample data."""

from __future__ import annotations

import re
from pathlib import Path

from tests.bot.channels.console.test_chat import run_bot


def test_leader_demo_reviews_and_decides(tmp_path: Path) -> None:
    script = "/thu truongkhoi\n/khoicham\n{view}\n/xephang\nXã Tân Phong thuộc khối nào?\n/thu truongkhoi\n"
    first = run_bot(tmp_path, script.format(view="/huy"))
    out = first.stdout
    assert first.returncode == 0, first.stderr[-3000:]
    assert "thử vai cán bộ Phường Tân Phong, xã trưởng “Khối thi đua thử (console)”" in out
    sheets = out.split("> /khoicham", 1)[1].split(">", 1)[0]
    assert "6 xã, đã nộp 4" in sheets and "trễ 2 ngày" in sheets and sheets.count("chưa nộp") == 2
    explained = re.search(r"^(\d+)\. Xem (.+)$", sheets, re.M)
    assert explained is not None
    standing = out.split("> /xephang", 1)[1]
    assert "chưa đóng chấm điểm" in standing
    assert "thuộc Khối thi đua thử (console)" in out
    assert out.count("thử vai cán bộ Phường Tân Phong") == 2  # a second /thu truongkhoi reuses the data
    # The sheets menu opens a commune's sheet; the one that explained shows the decision buttons.
    second = run_bot(tmp_path, "/khoicham\n" + "\n".join(
        f"{n}\n/khoicham" for n in range(1, 5)) + "\n")
    shown = second.stdout
    assert shown.count("Tự chấm") >= 4 and "Giải trình tiêu chí" in shown and "Nhận giải trình" in shown
    assert "Traceback" not in out + first.stderr + shown + second.stderr
