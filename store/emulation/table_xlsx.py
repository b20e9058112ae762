"""A criteria table from a spreadsheet (XLSX), as provinces issue them, into the YAML-shaped definition.

The sheet may start with "key | value" rows (Mã bảng, Tên bảng, Căn cứ, Tổng điểm, Phiên bản,
Xếp hạng khi bằng điểm), then a header row naming the columns (matched loosely, with or without
diacritics: TT, Nội dung tiêu chí, Điểm chuẩn, Loại, Chỉ tiêu, Cách tính, Điểm mỗi đơn vị, Mức,
Đơn vị, Minh chứng, Căn cứ, Mức trừ tối đa, Ghi chú). A row whose code is a Roman numeral is a
group; a code with children ("2" before "2.1") is a sub-group; "Cộng …" rows are subtotals and
skipped. Every criterion keeps its row number, so ``parse_table`` names the row of each error.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterable, Optional

from openpyxl import load_workbook

from store.emulation.table_checks import code_of
from store.emulation.table_spec import TableError
from store.vn.text import fold

COLUMNS = {
    "code": {"tt", "stt", "so tt", "ma", "ma so", "code"},
    "text": {"noi dung tieu chi", "noi dung", "ten tieu chi", "tieu chi", "text"},
    "max": {"diem chuan", "diem toi da", "max", "thang diem"},
    "kind": {"loai", "loai tieu chi", "kind"},
    "target": {"chi tieu", "target"},
    "formula": {"cach tinh", "cong thuc", "formula"},
    "per": {"diem moi don vi", "per"},
    "steps": {"muc", "cac muc", "steps"},
    "unit": {"don vi", "don vi tinh", "unit"},
    "evidence": {"minh chung", "evidence"},
    "basis": {"can cu", "basis"},
    "limit": {"muc tru toi da", "limit"},
    "hint": {"ghi chu", "cach cham", "hint"},
}
META = {"ma bang": "id", "id": "id", "ten bang": "title", "title": "title", "can cu": "legal_basis",
        "can cu phap ly": "legal_basis", "legal basis": "legal_basis", "tong diem": "total",
        "tong diem chuan": "total", "total": "total", "phien ban": "version", "version": "version",
        "xep hang khi bang diem": "tie_break", "tie break": "tie_break"}
KINDS = {"diem": "points", "cham diem": "points", "so luong": "quantity", "dinh luong": "quantity",
         "co khong": "yesno", "co/khong": "yesno", "dat khong dat": "yesno", "thuong": "bonus",
         "diem thuong": "bonus", "tru": "penalty", "diem tru": "penalty"}
FORMULAS = {"ty le": "ratio", "theo ty le": "ratio", "moi don vi": "per_unit", "tru moi don vi": "deduct_per_unit",
            "muc": "steps", "bac": "steps", "theo muc": "steps"}
_ROMAN = re.compile(r"^[IVXLC]+$")


def read_xlsx(path: Path) -> dict[str, Any]:
    """The definition a spreadsheet describes (then checked by ``parse_table``)."""
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise TableError([f"Không đọc được tệp Excel {Path(path).name} ({type(exc).__name__})"]) from None
    try:
        sheet = wb.active
        rows = list(sheet.iter_rows(values_only=True)) if sheet is not None else []
    finally:
        wb.close()
    return definition_from_rows(rows)


def definition_from_rows(rows: Iterable[Iterable[Any]]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    header: Optional[list[Optional[str]]] = None
    items: list[dict[str, Any]] = []
    for number, values in enumerate(rows, 1):
        cells = list(values or ())
        if all(v is None or str(v).strip() == "" for v in cells):
            continue
        if header is None:
            keys = [_column(v) for v in cells]
            if "max" in keys and ("text" in keys or "code" in keys):
                header = keys
            elif cells and META.get(fold(str(cells[0] or "")).rstrip(":").strip()):
                value = next((v for v in cells[1:] if v not in (None, "")), None)
                data[META[fold(str(cells[0])).rstrip(":").strip()]] = _meta(value)
            continue
        item = {k: v for k, v in zip(header, cells) if k is not None and v not in (None, "")}
        if item:
            item["row"] = number
            items.append(item)
    if header is None:
        raise TableError(["Không thấy dòng tiêu đề (cần ít nhất cột “Nội dung tiêu chí” và “Điểm chuẩn”)"])
    data.setdefault("version", 1)
    data["groups"] = _tree(items)
    return data


def _column(value: Any) -> Optional[str]:
    key = re.sub(r"\s+", " ", fold(str(value or "")).replace("_", " ")).strip()
    return next((name for name, spellings in COLUMNS.items() if key in spellings), None)


def _meta(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and "," in value and not re.search(r"\d,\d", value):
        return [v.strip() for v in value.split(",") if v.strip()]
    return value


def _tree(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Groups (Roman codes), sub-groups (codes with children) and criteria, in sheet order."""
    groups: list[dict[str, Any]] = []
    codes = [code_of(i.get("code")) for i in items]
    parents: dict[str, dict[str, Any]] = {}
    for item, code in zip(items, codes):
        if not code and fold(str(item.get("text", ""))).startswith(("cong", "tong")):
            continue  # a subtotal row
        if _ROMAN.match(code.upper()):
            group = _group(item, code.upper())
            groups.append(group)
            parents = {"": group}
            continue
        node = _criterion(item, code)
        is_parent = any(c.startswith(code + ".") for c in codes if c) if code else False
        parent = parents.get(code.rpartition(".")[0]) or parents.get("")
        if parent is None:
            raise TableError([f"Dòng {item['row']}: tiêu chí “{code}” nằm ngoài nhóm nào "
                              "(thêm dòng nhóm I, II… phía trên)"])
        if is_parent:
            sub = _group(item, code)
            parent.setdefault("groups", []).append(sub)
            parents[code] = sub
        else:
            parent.setdefault("criteria", []).append(node)
    return groups


def _group(item: dict[str, Any], code: str) -> dict[str, Any]:
    group: dict[str, Any] = {"code": code, "title": item.get("text", ""), "row": item["row"]}
    kind = _word(item.get("kind"), KINDS)
    if kind in ("bonus", "penalty"):
        group["kind"] = kind
    if item.get("max") not in (None, ""):
        group["limit" if kind == "penalty" else "max"] = _positive(item["max"])
    if item.get("limit") not in (None, ""):
        group["limit"] = _positive(item["limit"])
    return group


def _criterion(item: dict[str, Any], code: str) -> dict[str, Any]:
    out = {k: v for k, v in item.items() if k not in ("kind", "formula", "steps", "max")}
    out["code"] = code
    if item.get("max") not in (None, ""):
        out["max"] = _positive(item["max"])
    if item.get("kind") not in (None, ""):
        out["kind"] = _word(item["kind"], KINDS)
    if item.get("formula") not in (None, ""):
        out["formula"] = _word(item["formula"], FORMULAS)
    if item.get("steps") not in (None, ""):
        out["steps"] = _steps(str(item["steps"]))
    return out


def _positive(value: Any) -> Any:
    """"+5" (a bonus written with its sign) and "-10" (a penalty) as plain amounts."""
    if isinstance(value, str):
        return value.strip().lstrip("+-").strip()
    return abs(value) if isinstance(value, (int, float)) else value


def _word(value: Any, table: dict[str, str]) -> str:
    key = fold(str(value or "")).replace("/", " ").strip()
    return table.get(key, str(value or "").strip())


def _steps(text: str) -> Any:
    """"98:8; 95:5" → [{from: 98, score: 8}, {from: 95, score: 5}] (left as text when malformed)."""
    steps = []
    for part in re.split(r"[;\n]+", text):
        if not part.strip():
            continue
        start, sep, score = part.partition(":")
        if not sep:
            return text
        steps.append({"from": start.strip().replace("≥", "").replace(">=", "").strip(), "score": score.strip()})
    return steps
