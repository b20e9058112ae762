"""Form definitions: validation that names the field and the problem; versions on real databases."""

from __future__ import annotations

from pathlib import Path

import pytest

from store.db import make_engine, make_session_factory, transaction
from store.forms.fields import FIELD_TYPES, AnswerError
from store.forms.spec import FormError, parse_form
from store.forms.versions import form_spec, latest_form, list_forms, load_form
from store.migrate import upgrade

SAMPLES = Path(__file__).resolve().parents[3] / "store" / "sample" / "forms"


def _errors(text: str) -> list[str]:
    with pytest.raises(FormError) as info:
        parse_form(text)
    return info.value.errors


def test_samples_are_valid_and_use_every_type() -> None:
    types: set[str] = set()
    for path in SAMPLES.glob("*.yaml"):
        spec = parse_form(path.read_text(encoding="utf-8"))
        types |= {f.type for f in spec.fields}
        assert any(f.relevant for f in spec.fields)
    assert types == set(FIELD_TYPES)
    assert len(list(SAMPLES.glob("*.yaml"))) == 2


def test_every_error_names_the_field_and_the_problem() -> None:
    errors = _errors("""
id: thi-dua
title: T
fields:
  - {name: a, type: yesno, label: A}
  - {name: b, type: integr, label: B, requried: false}
  - {name: c, type: integer, label: C, min: 5, max: 1, relevant: a == maybe}
  - {name: d, type: select_one, label: D, relevant: zz > 1}
  - {name: a, type: text, label: E}
  - {name: f, type: text, label: F, choices: [x]}
  - {name: g, type: select_multiple, label: G, choices: [Kinh tế, kinh te]}
  - {name: h, type: photo, label: H, max: 3}
  - {name: i, type: text, label: I, relevant: "a =="}
  - {name: j, type: text}
  - {name: K, type: text, label: K}
  - {name: l, type: text, label: L, relevant: a < 3}
""")
    text = "\n".join(errors)
    assert "Câu 2 (b): khóa lạ 'requried' (có phải 'required'?)" in errors
    assert "Câu 2 (b): type 'integr' không hợp lệ" in text and "(có phải 'integer'?)" in text
    assert "Câu 3 (c): min (5) lớn hơn max (1)" in errors
    assert "Câu 3 (c): relevant so sánh câu có/không 'a' với 'maybe'; dùng yes hoặc no" in errors
    assert "Câu 4 (d): câu select_one cần danh sách choices" in errors
    assert "Câu 4 (d): relevant nhắc 'zz' nhưng không có câu nào trước đó tên như vậy" in errors
    assert "Câu 5 (a): name 'a' bị trùng với câu 1" in errors
    assert "Câu 6 (f): choices chỉ dùng cho câu select_one hoặc select_multiple" in errors
    assert "Câu 7 (g): lựa chọn bị trùng: Kinh tế, kinh te" in errors
    assert "Câu 8 (h): max chỉ dùng cho câu kiểu integer hoặc decimal" in errors
    assert any(e.startswith("Câu 9 (i): relevant 'a ==' sai") for e in errors)
    assert "Câu 10 (j): thiếu label (nội dung câu hỏi)" in errors
    assert any(e.startswith("Câu 11 (K): name phải là chữ thường") for e in errors)
    assert any(e.startswith("Câu 12 (l): relevant dùng '<'") for e in errors)


def test_form_level_errors() -> None:
    assert "Biểu mẫu: fields phải là danh sách câu hỏi, ít nhất một câu" in _errors("id: x\ntitle: T\nfields: []\n")
    assert any("id phải" in e for e in _errors("id: X Y\ntitle: T\nfields: [{name: a, type: text, label: A}]\n"))
    assert any("YAML không đọc được ở dòng" in e for e in _errors("id: x\n  title: [\n"))
    assert _errors("- just a list\n") == ["Biểu mẫu phải là một mục YAML có id, version, title, fields"]


def test_relevant_may_only_look_back() -> None:
    errors = _errors("id: x\ntitle: T\nfields:\n  - {name: a, type: text, label: A, relevant: b == 1}\n"
                     "  - {name: b, type: integer, label: B}\n")
    assert errors == ["Câu 1 (a): relevant nhắc 'b' nhưng không có câu nào trước đó tên như vậy"]


def test_field_types_parse_and_state_the_rule() -> None:
    spec = parse_form((SAMPLES / "thi-dua-6-thang.yaml").read_text(encoding="utf-8"))
    ntm = spec.field("tieu_chi_ntm")
    assert ntm.kind.parse(ntm, "12") == 12
    with pytest.raises(AnswerError, match="Vui lòng nhập số từ 0 đến 19"):
        ntm.kind.parse(ntm, "25")
    with pytest.raises(AnswerError, match="số nguyên"):
        ntm.kind.parse(ntm, "12,5")
    rate = spec.field("ty_le_ho_ngheo")
    assert rate.kind.parse(rate, "12,5%") == 12.5
    assert rate.kind.parse(rate, "12.5") == 12.5
    with pytest.raises(AnswerError, match="từ 0 đến 100"):
        rate.kind.parse(rate, "120")
    meetings = spec.field("so_hoi_nghi")
    assert meetings.kind.parse(meetings, "1.000") == 1000
    yes = spec.field("da_phat_dong")
    assert yes.kind.parse(yes, "co") is True and yes.kind.parse(yes, "Không") is False
    when = spec.field("ngay_ban_hanh")
    assert when.kind.parse(when, "30-6-2026") == "2026-06-30"
    assert when.kind.format(when, "2026-06-30") == "30/6/2026"
    choice = spec.field("muc_do")
    assert choice.kind.parse(choice, "hoan thanh tot") == "Hoàn thành tốt"
    loc = spec.field("vi_tri")
    assert loc.kind.parse(loc, "21.39, 103.42") == {"lat": 21.39, "lon": 103.42}
    with pytest.raises(AnswerError):
        loc.kind.parse(loc, "200, 0")


def test_load_versions(database_url: str, clock) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    factory = make_session_factory(engine)
    text = (SAMPLES / "thi-dua-6-thang.yaml").read_text(encoding="utf-8")
    with transaction(factory) as s:
        first, created = load_form(s, text, clock.now())
        assert created and first.version == 1
    with transaction(factory) as s:
        same, created = load_form(s, text, clock.now())
        assert not created and same.id == first.id
    changed = text.replace("Khó khăn, vướng mắc", "Khó khăn, vướng mắc trong kỳ")
    with transaction(factory) as s:
        second, created = load_form(s, changed, clock.now())
        assert created and second.version == 2
        assert latest_form(s, "thi-dua-6-thang").id == second.id
        assert [f.version for f in list_forms(s)] == [2]
        assert form_spec(second).field("kho_khan").label == "Khó khăn, vướng mắc trong kỳ"
        old = s.get(type(first), first.id)
        assert form_spec(old).field("kho_khan").label == "Khó khăn, vướng mắc"  # the old version is kept
    with transaction(factory) as s:
        with pytest.raises(FormError):
            load_form(s, "id: x\n", clock.now())
    engine.dispose()


def test_exclusive_choices_are_checked_and_named() -> None:
    spec = parse_form((SAMPLES / "thi-dua-6-thang.yaml").read_text(encoding="utf-8"))
    assert spec.field("linh_vuc").exclusive == ["Chưa phát hiện"]
    errors = _errors("""
id: x
title: T
fields:
  - {name: a, type: select_multiple, label: A, choices: [Có mô hình, Chưa có], exclusive: [chua co, Khác]}
  - {name: b, type: select_one, label: B, choices: [x, y], exclusive: [x]}
  - {name: c, type: select_multiple, label: C, choices: [x, y], exclusive: x}
  - {name: d, type: text, label: D, exclusive: [x]}
""")
    assert errors == ["Câu 1 (a): exclusive nhắc 'Khác' không có trong choices",
                      "Câu 2 (b): exclusive chỉ dùng cho câu select_multiple",
                      "Câu 3 (c): exclusive phải là danh sách lựa chọn, ví dụ [Chưa phát hiện]",
                      "Câu 4 (d): exclusive chỉ dùng cho câu select_multiple"]
