"""The title catalogue checked as data: the sample loads, every error names the title and field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from store.emulation.title_spec import CatalogueError, PrereqKind, TitleLevel, parse_catalogue
from store.emulation.titles import parse_catalogue_text

SAMPLE = Path(__file__).resolve().parents[3] / "store" / "sample" / "emulation" / "danh-hieu-2026.yaml"


def sample() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    return data


def errors_of(data: Any) -> list[str]:
    with pytest.raises(CatalogueError) as info:
        parse_catalogue(data)
    return info.value.errors


def test_sample_catalogue_loads_with_documents_and_prerequisites() -> None:
    cat = parse_catalogue_text(SAMPLE.read_text(encoding="utf-8"))
    assert cat.year == 2026
    assert [t.code for t in cat.titles] == ["tt-ldtt", "tt-ldxs", "co-tinh", "bk-tinh"]
    flag = cat.get("co-tinh")
    assert flag is not None and flag.name == "Cờ thi đua của UBND tỉnh" and flag.level is TitleLevel.PROVINCE
    assert [d.code for d in flag.documents] == ["to-trinh", "bien-ban", "bao-cao", "xac-nhan"]
    assert [p.kind for p in flag.prerequisites] == [PrereqKind.REGISTERED, PrereqKind.TOP_RANK]
    assert flag.prerequisites[1].describe(cat.names) == (
        "dẫn đầu khối thi đua (theo Điều 25 Luật Thi đua, khen thưởng 2022 (dẫn đầu khối thi đua))")
    excellent = cat.get("tt-ldxs")
    assert excellent is not None
    rule = excellent.prerequisites[1]
    assert rule.kind is PrereqKind.CONSECUTIVE and rule.title == "tt-ldtt" and rule.years == 1
    assert "Tập thể lao động tiên tiến" in rule.describe(cat.names)
    assert cat.get("khong-co") is None


def test_consecutive_without_title_means_the_same_title() -> None:
    data = sample()
    data["titles"][1]["prerequisites"] = [{"kind": "consecutive", "years": 2}]
    rule = parse_catalogue(data).titles[1].prerequisites[0]
    assert rule.title == "tt-ldxs" and rule.years == 2


def test_every_problem_names_the_title_and_field() -> None:
    data = sample()
    data["titles"][0]["documents"] = ["to-trinh", "giay-la"]
    data["titles"][1]["level"] = "huyen"
    data["titles"][2]["prerequisites"] = [{"kind": "top_rank", "top": 0}, {"kind": "dep"}]
    data["titles"][3]["code"] = "tt-ldtt"
    data["titles"][3]["colour"] = "đỏ"
    errors = errors_of(data)
    assert "Danh hiệu tt-ldtt: giấy tờ “giay-la” không có trong documents của danh mục" in errors
    assert "Danh hiệu tt-ldxs: level chỉ là xa, tinh hoặc trung-uong" in errors
    assert "Danh hiệu co-tinh, điều kiện 1: top phải là số nguyên từ 1 đến 20" in errors
    assert any(e.startswith("Danh hiệu co-tinh, điều kiện 2: kind chỉ là registered") for e in errors)
    assert "Danh hiệu tt-ldtt: mã bị trùng" in errors
    assert "Danh hiệu tt-ldtt: khóa lạ “colour”" in errors


def test_catalogue_level_problems() -> None:
    assert errors_of([1, 2]) == ["Danh mục danh hiệu phải là một mục YAML có year, title, documents, titles"]
    errors = errors_of({"year": "năm nay", "documents": {"To Trinh": "x"}, "titles": []})
    assert "Danh mục: year phải là năm, ví dụ 2026" in errors
    assert "Danh mục: thiếu title (tên danh mục)" in errors
    assert any(e.startswith("Giấy tờ “To Trinh”: mã chỉ gồm") for e in errors)
    assert "Danh mục: titles phải là danh sách danh hiệu, ít nhất một" in errors
    data = sample()
    data["titles"][1]["prerequisites"] = [{"kind": "consecutive", "years": 2, "title": "khong-co"}]
    assert errors_of(data) == ["Danh hiệu tt-ldxs, điều kiện 1: title “khong-co” không có trong danh mục"]


def test_broken_yaml_names_the_line() -> None:
    with pytest.raises(CatalogueError) as info:
        parse_catalogue_text("year: 2026\ntitles: [a\n")
    assert info.value.errors[0].startswith("YAML không đọc được ở dòng")
