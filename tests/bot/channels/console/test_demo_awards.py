"""``/thu denghi`` in the console: a newcomer nominates from last year's published ranking, sends
a dossier document by /tep, then sees the dossier as the province (``/thu giamsat``)."""

from __future__ import annotations

import re
from pathlib import Path

from tests.bot.channels.console.choices import last_number
from tests.bot.channels.console.test_chat import run_bot

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"



def test_awards_demo_nominates_uploads_and_the_province_sees_it(tmp_path: Path) -> None:
    first = run_bot(tmp_path, "/thu denghi\n/denghi\n")
    out = first.stdout
    assert first.returncode == 0, first.stderr[-3000:]
    assert "tỉnh đã công bố xếp hạng" in out and "xếp hạng đã công bố" in out and "(đồng hạng)" in out
    leader = re.search(r"^1\. (\d+\. )?(Phường Tân Phong|Xã Tân Phong)", out, re.M)
    assert leader, out[-2000:]
    second = run_bot(tmp_path, "1\n")
    title = last_number(second.stdout, "Tập thể lao động tiên tiến")
    third = run_bot(tmp_path, f"{title}\n")
    assert "✗" in third.stdout, third.stdout[-2000:]
    send = re.findall(r"^(\d+)\. Gửi (?!hồ sơ)", third.stdout, re.M)
    assert send, third.stdout[-2000:]
    doc = tmp_path / "to-trinh.pdf"
    doc.write_bytes(PDF)
    fourth = run_bot(tmp_path, f"{send[0]}\n/tep {doc}\n")
    assert "✓" in fourth.stdout, fourth.stdout[-2000:]
    fifth = run_bot(tmp_path, "/thu giamsat\n/denghi\n")
    assert "Đề nghị khen thưởng: 1 hồ sơ." in fifth.stdout, fifth.stdout[-2000:]
    again = run_bot(tmp_path, "/thu denghi\n")
    assert again.stdout.count("tỉnh đã công bố xếp hạng") == 1  # the demo data is made once, reused
    everything = out + second.stdout + third.stdout + fourth.stdout + fifth.stdout + again.stdout
    assert "Traceback" not in everything + first.stderr + fourth.stderr
