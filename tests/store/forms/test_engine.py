"""The pure form engine: invariants under random input (hypothesis) and the issue-8 dialog rules."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store.forms.engine import REVIEW, Choice, Files, FormSession, NotOffered, Point, relevant_fields
from store.forms.fields import AnswerError
from store.forms.spec import FormSpec, parse_form

SAMPLES = Path(__file__).resolve().parents[3] / "store" / "sample" / "forms"
SIX = parse_form((SAMPLES / "thi-dua-6-thang.yaml").read_text(encoding="utf-8"))
ANNUAL = parse_form((SAMPLES / "tong-ket-nam.yaml").read_text(encoding="utf-8"))

TEXTS = ["có", "không", "co", "0", "5", "12", "12,5", "1.250", "30/6/2026", "31/2/2026", "abc", "1,5", "1 2",
         "2, 3", "5 1", "Kinh tế", "Kinh tế, Chưa phát hiện", "21.39, 103.42", "", "15/KH-UBND", "٣", "Hoàn thành"]

operation = st.one_of(
    st.tuples(st.just("text"), st.one_of(st.sampled_from(TEXTS), st.text(max_size=12))),
    st.tuples(st.just("choice"), st.integers(-1, 5)),
    st.tuples(st.just("toggle"), st.integers(-1, 6)),
    st.tuples(st.sampled_from(["done", "back", "skip", "keep", "review"]), st.none()),
    st.tuples(st.just("goto"), st.integers(-1, 20)),
    st.tuples(st.just("point"), st.tuples(st.floats(-100, 100), st.floats(-200, 200))),
    st.tuples(st.just("photo"), st.none()),
)


def _apply(form: FormSession, op: str, arg: Any) -> None:
    actions = {
        "text": lambda: form.answer(arg), "choice": lambda: form.answer(Choice(arg)),
        "toggle": lambda: form.toggle(arg), "done": form.done, "back": form.back, "skip": form.skip,
        "keep": form.keep, "review": form.open_review, "goto": lambda: form.goto(arg),
        "point": lambda: form.answer(Point(*arg)),
        "photo": lambda: form.answer(Files(({"file": 1, "path": "reports/1/1/anh.jpg"},))),
    }
    try:
        actions[op]()
    except (AnswerError, NotOffered):
        pass


def _check_invariants(spec: FormSpec, form: FormSession) -> None:
    relevant = {f.name for f in relevant_fields(spec, form.answers)}
    f = form.current()
    assert f is None or f.name in relevant, "asked an irrelevant question"
    for name, value in form.answers.items():
        field = spec.field(name)
        assert field.kind.valid(field, value), (name, value)
        assert name in relevant, f"kept the answer of irrelevant {name}"
    if form.selected is not None:
        assert f is not None and f.type == "select_multiple"
        chosen = [f.choices[i] for i in form.selected]
        assert len(chosen) <= 1 or not set(chosen) & set(f.exclusive)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=st.sampled_from([SIX, ANNUAL]), ops=st.lists(operation, max_size=40))
def test_invariants_hold_for_any_input(spec: FormSpec, ops: list[tuple[str, Any]]) -> None:
    form = FormSession(spec, {})
    for op, arg in ops:
        before = dict(form.answers)
        _apply(form, op, arg)
        if op in ("back", "goto", "review", "toggle"):
            assert form.answers == before, f"{op} changed answers"
        _check_invariants(spec, form)
        # what the dialog stores and reloads is the same session
        again = FormSession(spec, form.answers, form.index, edit=form.edit, selected=form.selected)
        assert (again.index, again.selected) == (form.index, form.selected)


def _to_linh_vuc() -> FormSession:
    form = FormSession(SIX, {})
    for answer in ("không", "5", "không", "10", "3,5", "Hoàn thành"):
        form.answer(answer)
    assert form.current().name == "linh_vuc"
    return form


def test_exclusive_choice_clears_the_others_and_is_cleared_by_them() -> None:
    form = _to_linh_vuc()
    form.toggle(0)  # Kinh tế
    form.toggle(1)
    assert form.selected == [0, 1]
    form.toggle(4)  # Chưa phát hiện: alone
    assert form.selected == [4]
    form.toggle(2)
    assert form.selected == [2]


def test_typed_lists_by_number_and_contradictions_refused() -> None:
    for typed in ("1,2", "1 2", "2; 1", "Kinh tế, Văn hóa - xã hội"):
        form = _to_linh_vuc()
        form.answer(typed)
        assert form.answers["linh_vuc"] == ["Kinh tế", "Văn hóa - xã hội"], typed
        assert form.current().name == "so_dien_hinh"
    form = _to_linh_vuc()
    with pytest.raises(AnswerError, match="Chưa phát hiện” không chọn cùng"):
        form.answer("1,5")
    with pytest.raises(AnswerError, match="từ 1 đến 5"):
        form.answer("1,9")
    with pytest.raises(AnswerError):
        form.answer("١,٢")  # Arabic-Indic digits are not numbers here
    assert "linh_vuc" not in form.answers


def test_a_changed_multiple_choice_reasks_what_became_relevant() -> None:
    form = _to_linh_vuc()
    form.answer("1")
    form.answer("7")  # so_dien_hinh
    form.skip(); form.skip(); form.skip(); form.skip()  # noqa: E702
    assert form.current() is None
    form.goto(SIX.field("linh_vuc").index)
    form.answer("5")  # Chưa phát hiện: so_dien_hinh no longer asked, its answer dropped
    assert form.current() is None and "so_dien_hinh" not in form.answers
    form.goto(SIX.field("linh_vuc").index)
    form.answer("2")  # relevant again: asked again, not silently kept
    assert form.current().name == "so_dien_hinh"


def test_typed_number_on_the_review_edits_that_question() -> None:
    form = _to_linh_vuc()
    form.answer("5")
    for _ in range(4):
        form.skip()
    assert form.current() is None
    numbered = form.review()
    form.answer("4")
    assert form.current() is numbered[3] and form.edit
    form.open_review()
    with pytest.raises(AnswerError, match="Sửa câu N"):
        form.answer("99")
    assert form.index == REVIEW


def test_back_keeps_answers_and_never_lands_on_an_irrelevant_question() -> None:
    form = FormSession(SIX, {})
    form.answer("không")
    form.answer("4")
    kept = dict(form.answers)
    form.back()
    assert form.current().name == "so_hoi_nghi" and form.answers == kept
    form.back()
    assert form.current().name == "da_phat_dong" and form.answers == kept
    form.answer(Choice(0))  # yes: the plan questions come next
    assert form.current().name == "so_hieu"
