"""Reading officer lists (CSV or XLSX) into numbered rows of known fields.

Headers are matched loosely (folded, Vietnamese or English spellings); what the rows mean is
decided in ``store.people.importer``.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any, Iterator, Optional

from openpyxl import load_workbook

from store.vn.text import fold

# Header spellings accepted in officer lists (folded, spaces as "_").
HEADERS = {
    "full_name": {"ho_ten", "ho_va_ten", "full_name", "name", "ten", "ten_can_bo"},
    "phone": {"so_dien_thoai", "sdt", "dien_thoai", "phone", "phone_number", "so_dt", "dt"},
    "commune_code": {"ma_xa", "commune_code", "ma_don_vi", "ma_xa_phuong", "ward_code"},
    "commune": {"xa", "commune", "xa_phuong", "don_vi", "ward", "ten_xa"},
    "province": {"tinh", "province", "tinh_thanh", "tinh_thanh_pho", "tinh_tp", "ma_tinh", "province_code"},
    "role": {"vai_tro", "role", "quyen"},
    "telegram_id": {"telegram_id", "telegram", "id_telegram"},
    "position": {"chuc_vu", "position", "chuc_danh"},
}


class OfficerFileError(ValueError):
    """An officer list that cannot be read as such (message in Vietnamese)."""


def _header_key(name: Any) -> Optional[str]:
    key = fold(str(name or "")).replace(" ", "_")
    for field_name, spellings in HEADERS.items():
        if key in spellings:
            return field_name
    return None


def read_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(row number as the user sees it, {field: value}) for each non-empty data row."""
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        wb = load_workbook(path, read_only=True, data_only=True)
        try:
            sheet = wb.active  # None only for a workbook without sheets: read as an empty file
            yield from _rows_with_header(sheet.iter_rows(values_only=True) if sheet is not None else ())
        finally:
            wb.close()
        return
    with open(path, encoding="utf-8-sig", newline="") as fh:
        sample = fh.read(4096)
        fh.seek(0)
        try:
            dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        yield from _rows_with_header(csv.reader(fh, dialect))


def _rows_with_header(rows: Any) -> Iterator[tuple[int, dict[str, Any]]]:
    header: Optional[list[Optional[str]]] = None
    for number, values in enumerate(rows, 1):
        if values is None or all(v is None or str(v).strip() == "" for v in values):
            continue
        if header is None:
            header = [_header_key(v) for v in values]
            if "full_name" not in header or "phone" not in header:
                raise OfficerFileError("dòng tiêu đề phải có ít nhất cột họ tên và số điện thoại "
                                       "(ho_ten, so_dien_thoai)")
            continue
        row = {key: value for key, value in zip(header, values) if key is not None}
        yield number, row
