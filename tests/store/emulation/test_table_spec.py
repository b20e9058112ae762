"""Criteria tables as data: the sample loads; every problem is named with where it is; XLSX import."""

from __future__ import annotations

import copy
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import yaml

from store.emulation.table_spec import Formula, Kind, TableError, parse_table
from store.emulation.table_xlsx import read_xlsx
from store.emulation.tables import parse_table_text
from tests.store.emulation.conftest import SAMPLE_TABLE


def _sample() -> dict:
    return yaml.safe_load(SAMPLE_TABLE.read_text(encoding="utf-8"))


def _errors(data) -> list[str]:
    with pytest.raises(TableError) as exc:
        parse_table(data)
    return exc.value.errors


def test_sample_table() -> None:
    spec = parse_table_text(SAMPLE_TABLE.read_text(encoding="utf-8"))
    assert spec.table_id == "khoi-xa-2026" and spec.total == 100 and len(spec.criteria) == 17
    assert spec.tie_break == ("I", "III")
    first = spec.criterion("1")
    assert first.kind is Kind.QUANTITY and first.formula is Formula.RATIO and first.evidence
    assert first.basis.startswith("Báo cáo thu")
    assert spec.criterion("16").kind is Kind.PENALTY and spec.criterion("16").limit == 6
    assert spec.codes_under("II") == ["5", "6", "7"]
    assert spec.criterion("7").steps[0] == (Decimal(90), Decimal(9))


def test_every_problem_named() -> None:
    data = _sample()
    data["groups"][0]["criteria"][0]["max"] = 11  # group I now sums 39, the table 99
    data["groups"][0]["criteria"][1]["text"] = ""
    data["groups"][1]["criteria"][0]["kind"] = "diem"
    data["groups"][2]["criteria"][0]["code"] = "1"  # duplicate of criterion 1
    data["groups"][3]["criteria"][2].pop("per")
    data["groups"][4]["criteria"][1]["max"] = 6  # over the bonus group's 5
    data["tie_break"] = ["IX"]
    data["colour"] = "xanh"
    errors = _errors(data)
    assert "Bảng: khóa lạ “colour”" in errors
    assert "Nhóm I: tổng điểm chuẩn các tiêu chí là 39, khác điểm của nhóm 40" in errors
    assert "Tiêu chí 2: thiếu text (nội dung tiêu chí)" in errors
    assert any(e.startswith("Tiêu chí 5: kind “diem” không có") for e in errors)
    assert "Tiêu chí 1: mã “1” bị trùng" in errors
    assert "Tiêu chí 13: thiếu per (điểm mỗi đơn vị)" in errors
    assert "Nhóm V: tiêu chí 15 có 6 điểm, quá mức thưởng của nhóm 5" in errors
    assert "Bảng: tie_break nêu mã “IX” không có trong bảng" in errors
    assert any(e.startswith("Bảng: tổng điểm chuẩn các nhóm là") for e in errors)


@pytest.mark.parametrize("change,message", [
    (lambda d: d["groups"][0]["criteria"][0].update(max="mười"), "max (điểm chuẩn) phải là một số"),
    (lambda d: d["groups"][0]["criteria"][0].update(formula="tuyen tinh"), "formula phải là một trong"),
    (lambda d: d["groups"][0]["criteria"][0].pop("target"), "thiếu target (chỉ tiêu)"),
    (lambda d: d["groups"][1]["criteria"][2].update(steps=[{"from": 90}]), "cần đúng hai khóa from và score"),
    (lambda d: d["groups"][1]["criteria"][2].update(steps=[{"from": 90, "score": 20}]), "quá điểm chuẩn"),
    (lambda d: d["groups"][5]["criteria"][0].pop("limit"), "thiếu limit (mức trừ tối đa)"),
    (lambda d: d["groups"][2]["criteria"][2].update(target=5), "target chỉ dùng cho kind: quantity"),
    (lambda d: d.update(id="Khối 1"), "id phải là chữ thường không dấu"),
    (lambda d: d.update(groups=[]), "groups phải là danh sách nhóm"),
    (lambda d: d["groups"][0].update(kind="thuong"), "kind của nhóm chỉ là bonus"),
])
def test_single_problems(change, message) -> None:
    data = copy.deepcopy(_sample())
    change(data)
    assert any(message in e for e in _errors(data)), _errors(data)


def test_yaml_syntax_error_names_the_line() -> None:
    with pytest.raises(TableError, match="YAML không đọc được ở dòng 2, cột 9"):
        parse_table_text("id: x\ngroups: ]\n")


def test_nested_groups() -> None:
    data = {"id": "long-nhau", "title": "Bảng lồng", "total": 10, "groups": [
        {"code": "I", "title": "Nhóm I", "max": 10, "groups": [
            {"code": "1", "title": "Nhóm con", "max": 10, "criteria": [
                {"code": "1.1", "text": "Một", "max": 6}, {"code": "1.2", "text": "Hai", "max": 4}]}]}]}
    spec = parse_table(data)
    assert [c.code for c in spec.criteria] == ["1.1", "1.2"] and spec.codes_under("I") == ["1.1", "1.2"]


def _workbook(path: Path, rows: list[list]) -> Path:
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    wb.save(path)
    return path


HEAD = ["TT", "Nội dung tiêu chí", "Điểm chuẩn", "Loại", "Chỉ tiêu", "Cách tính", "Điểm mỗi đơn vị", "Mức",
        "Minh chứng", "Căn cứ"]


def test_xlsx_import(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "bang.xlsx", [
        ["Mã bảng", "khoi-xlsx"], ["Tên bảng", "Bảng tiêu chí từ Excel"], ["Tổng điểm", 20],
        ["Căn cứ", "Quyết định 12/QĐ-UBND"], [], HEAD,
        ["I", "Kinh tế", 12],
        [1, "Thu ngân sách", 8, "số lượng", 100, "tỷ lệ", None, None, "Báo cáo thu", "QĐ 12"],
        [2, "Nông thôn mới", 4, "Số lượng", None, "mỗi đơn vị", "2", None, "có", None],
        ["II", "Hành chính", 8],
        [3, "Hồ sơ đúng hạn", 5, "số lượng", None, "theo mức", None, "98:5; 95:3", "không", None],
        [4, "Không có kỷ luật", "3", "có/không", None, None, None, None, None, None],
        [None, "Cộng điểm chuẩn", 20],
        ["III", "Điểm thưởng", "+2", "thưởng"],
        [5, "Cờ thi đua", 2, "thưởng", None, None, None, None, "x", None],
        ["IV", "Điểm trừ", "-4", "trừ"],
        [6, "Bị phê bình", 4, "trừ", None, None, None, None, None, None],
    ])
    spec = parse_table(read_xlsx(path))
    assert spec.table_id == "khoi-xlsx" and spec.total == 20 and spec.legal_basis == "Quyết định 12/QĐ-UBND"
    assert [c.code for c in spec.criteria] == ["1", "2", "3", "4", "5", "6"]
    assert spec.criterion("1").formula is Formula.RATIO and spec.criterion("1").evidence
    assert spec.criterion("2").per == 2 and spec.criterion("3").steps == ((98, 5), (95, 3))
    assert spec.criterion("4").kind is Kind.YESNO and spec.criterion("5").kind is Kind.BONUS
    assert spec.group("IV").limit == 4 and spec.criterion("6").limit == 4


def test_xlsx_errors_name_the_row(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "loi.xlsx", [
        ["Mã bảng", "khoi-loi"], ["Tên bảng", "Có lỗi"], ["Tổng điểm", 10], HEAD,
        ["I", "Kinh tế", 10],
        [1, "Thu ngân sách", "tám", None],
        [2, None, 2, None],
    ])
    with pytest.raises(TableError) as exc:
        parse_table(read_xlsx(path))
    assert "Tiêu chí 1 (dòng 6): max (điểm chuẩn) phải là một số (không phải “tám”)" in exc.value.errors
    assert "Tiêu chí 2 (dòng 7): thiếu text (nội dung tiêu chí)" in exc.value.errors
    orphan = _workbook(tmp_path / "mo-coi.xlsx", [HEAD, [1, "Không nhóm", 5]])
    with pytest.raises(TableError, match="Dòng 2: tiêu chí “1” nằm ngoài nhóm"):
        read_xlsx(orphan)
    with pytest.raises(TableError, match="Không thấy dòng tiêu đề"):
        read_xlsx(_workbook(tmp_path / "trong.xlsx", [["chỉ", "chữ"]]))
    (tmp_path / "hong.xlsx").write_bytes(b"not a workbook")
    with pytest.raises(TableError, match="Không đọc được tệp Excel"):
        read_xlsx(tmp_path / "hong.xlsx")
