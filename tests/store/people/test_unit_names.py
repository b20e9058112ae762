"""Search keys of typed unit names: folded, one unit prefix stripped, marks kept where asked."""

from __future__ import annotations

from store.people.unit_names import accented_core, commune_key, has_diacritics, province_key, typed_division


def test_keys_drop_one_unit_prefix_typed_any_way() -> None:
    assert commune_key("Xã Tam Đường") == commune_key("x tam duong") == "tam duong"
    assert commune_key("Thị trấn Tam Đường") == "tam duong"
    assert province_key("Tỉnh Lai Châu") == "lai chau"


def test_typed_prefix_names_the_division() -> None:
    assert typed_division("p tan phong") == "phường"
    assert typed_division("thi tran tam duong") == "xã"
    assert typed_division("tan phong") is None


def test_accented_core_keeps_the_marks_that_tell_twins_apart() -> None:
    assert accented_core("Xã Sơn Hà") != accented_core("Xã Sơn Hạ")
    assert accented_core("Phường Tân Phong") == "tân phong"
    assert has_diacritics("Sơn Hà") and not has_diacritics("son ha")
