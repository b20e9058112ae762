"""Re-importing the officer list never undoes what ``admin grant`` did by hand (issue 19):
no lower role, no other name, unless asked with --override-granted; each such row is
reported and the import exits non-zero."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from store.models import Officer
from tests.bot.test_cli_newcomer import _services, run, scratch  # noqa: F401  (the fixture)

LIST_CSV = ("ho_ten,so_dien_thoai,xa,tinh,vai_tro\n"
            "Nguyễn Thị Lan,0912 345 678,Tuần Giáo,Điện Biên,cán bộ\n"
            "Lò Văn Hùng,0987 654 321,Tuần Giáo,Điện Biên,cán bộ\n")


def _lan() -> Officer:
    with _services().session_factory() as s:
        return s.scalar(select(Officer).where(Officer.phone == "0912345678")
                        .options(selectinload(Officer.provinces)))


def test_reimport_keeps_a_hand_granted_role_and_name(scratch: Path, capfd) -> None:  # noqa: F811
    path = scratch / "can_bo.csv"
    path.write_text(LIST_CSV, encoding="utf-8")
    assert run(capfd, "officers", "import", str(path))[0] == 0
    status, _, _ = run(capfd, "admin", "grant", "--phone", "0912345678", "--role", "supervisor",
                       "--province", "Điện Biên", "--name", "Nguyễn Thị Lan Anh", "--yes")
    assert status == 0
    path.write_text(LIST_CSV.replace("Lò Văn Hùng", "Lò Văn Hưng"), encoding="utf-8")
    status, out, _ = run(capfd, "officers", "import", str(path))
    assert status == 1
    assert ("dòng 2: Nguyễn Thị Lan Anh được cấp vai trò bằng lệnh admin grant: danh sách sẽ hạ vai trò "
            "cán bộ tỉnh → cán bộ xã/phường, đổi tên → Nguyễn Thị Lan; chưa đổi (thêm --override-granted để ghi đè)") in out
    lan = _lan()
    assert (lan.role, lan.full_name, [p.province_code for p in lan.provinces]) == ("supervisor", "Nguyễn Thị Lan Anh", [11])
    with _services().session_factory() as s:  # the other rows were imported
        assert s.scalar(select(Officer.full_name).where(Officer.phone == "0987654321")) == "Lò Văn Hưng"
    status, out, err = run(capfd, "officers", "import", str(path), "--override-granted")
    assert status == 0, out + err
    lan = _lan()
    assert (lan.role, lan.full_name, lan.provinces) == ("officer", "Nguyễn Thị Lan", [])
