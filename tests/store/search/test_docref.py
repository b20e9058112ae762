"""Short document numbers: every short form of every numbered document, unit levels."""

from __future__ import annotations

import pytest

from store.search.docref import issuer_level, short_refs, spell_out, typed_level
from store.vn import text as vntext

DOCS = {"02/CT-UBND": 1, "15/KH-UBND": 2, "09/CT-UBND": 3, "351/QĐ-UBND": 4, "07/CT-UBND": 5}
NUMBERS = {vntext.fold(n): [d] for n, d in DOCS.items()}
DISPLAY = {vntext.fold(n): n for n in DOCS}
KINDS = {"CT": ("chỉ thị", "chi thi", "Chỉ thị"), "KH": ("kế hoạch", "ke hoach", "Kế hoạch"),
         "QĐ": ("quyết định", "quyet dinh", "Quyết định")}


def forms(number: str) -> list[str]:
    digits, code = number.split("/")[0], number.split("/")[1].split("-")[0]
    short = digits.lstrip("0") or "0"
    out = []
    for kind in KINDS[code]:
        out += [f"{kind} {digits}", f"{kind} số {digits}", f"{kind} {short}", f"{kind} so {short}"]
    out.append(f"{digits}/{code}")
    return out


@pytest.mark.parametrize("number", sorted(DOCS))
def test_every_short_form_of_every_document(number: str) -> None:
    for form in forms(number):
        question = f"{form} do ai ký?"
        refs = short_refs(question, NUMBERS)
        assert [r.docs for r in refs] == [[DOCS[number]]], form
        assert number in spell_out(question, refs, DISPLAY), form


def test_a_short_number_no_document_has_is_missing() -> None:
    refs = short_refs("kế hoạch 45 do ai ký", NUMBERS)
    assert len(refs) == 1 and refs[0].docs == [] and refs[0].full is None


def test_a_short_number_of_several_full_numbers_is_left_as_typed() -> None:
    numbers = {"02 ct ubnd": [1, 7], "02 ct tu": [9]}
    ref = short_refs("chỉ thị 02 ban hành ngày nào", numbers)[0]
    assert ref.full is None and ref.docs == [1, 7, 9]  # store/search/resolve.py narrows or asks which


def test_full_numbers_and_other_numbers_are_not_short_refs() -> None:
    assert short_refs("Chỉ thị 02/CT-UBND do ai ký", NUMBERS) == []
    assert short_refs("năm 2020 kỷ niệm bao nhiêu năm", NUMBERS) == []


def test_levels_never_confused() -> None:
    assert issuer_level("UBND tỉnh Lai Châu") == "tinh"
    assert issuer_level("UBND thành phố Lai Châu") == "thanh pho"
    assert issuer_level("UBND huyện Tuần Giáo (tỉnh Điện Biên)") == "huyen"
    assert issuer_level("Ban Thường vụ Tỉnh ủy Lào Cai") == "tinh"
    places = {"lai", "chau"}
    assert typed_level("ai la chu tich ubnd tinh lai chau".split(), places) == "tinh"
    assert typed_level("ai la chu tich ubnd thanh pho lai chau".split(), places) == "thanh pho"
    assert typed_level("ai la chu tich ubnd xa lai chau".split(), places) == "xa"
    assert typed_level("ai ky chi thi lai chau".split(), places) is None
