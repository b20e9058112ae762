"""Reading officer lists: loose header spellings, any CSV delimiter, blank rows skipped."""

from __future__ import annotations

from pathlib import Path

import pytest

from store.people.files import OfficerFileError, read_rows


def test_semicolon_csv_with_bom_and_vietnamese_headers(tmp_path: Path) -> None:
    path = tmp_path / "ds.csv"
    path.write_text("\ufeffHọ và tên;SĐT;Xã;Cột lạ\n\nNguyễn Thị Lan;0912 345 678;Tuần Giáo;x\n", encoding="utf-8")
    assert list(read_rows(path)) == [(3, {"full_name": "Nguyễn Thị Lan", "phone": "0912 345 678",
                                          "commune": "Tuần Giáo"})]


def test_a_list_without_name_and_phone_columns_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(OfficerFileError, match="ho_ten"):
        list(read_rows(path))
