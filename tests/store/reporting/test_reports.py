"""Periods, drafts, idempotent submission, revisions and summaries on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from store.db import make_engine, make_session_factory, transaction
from store.forms.versions import load_form
from store.migrate import upgrade
from store.models import Commune, Draft, Form, Period, Report, ReportRevision
from store.reporting.periods import (PeriodError, commune_owes, must_report, create_period, periods_for_commune,
                           periods_for_provinces, has_reported)
from store.reporting.reports import (get_draft, get_report, missing_required, next_unanswered, period_summary,
                           previous_values, revisions, save_answer, start_draft, submit)
from tests.handlers.report_setup import CLOSE, DUE, OPEN, PROVINCE, SAMPLE_FORMS, add_officer, seed_units

FULL = {"da_phat_dong": False, "so_hoi_nghi": 4, "da_ky_giao_uoc": True, "tieu_chi_ntm": 15, "ty_le_ho_ngheo": 3.5,
        "muc_do": "Hoàn thành", "linh_vuc": ["Kinh tế"], "so_dien_hinh": 2}


@pytest.fixture
def factory(database_url: str, clock):
    engine = make_engine(database_url)
    upgrade(engine)
    factory = make_session_factory(engine)
    with transaction(factory) as s:
        seed_units(s)
        add_officer(s, clock.now(), user=1, name="Lò Văn An", commune=3001)
        add_officer(s, clock.now(), user=3, name="Vàng A Chứ", commune=3002)
        form, _ = load_form(s, (SAMPLE_FORMS / "thi-dua-6-thang.yaml").read_text(encoding="utf-8"), clock.now())
        create_period(s, form=form, label="6 tháng đầu năm 2026", province_code=PROVINCE, open_at=OPEN,
                      due_at=DUE, close_at=CLOSE, now=clock.now())
    yield factory
    engine.dispose()


def _period(s) -> Period:
    return s.scalar(select(Period).order_by(Period.id).limit(1))


def test_who_owes_a_period(factory, clock) -> None:
    with transaction(factory) as s:
        period = _period(s)
        assert must_report(s, period) == [3001, 3002, 3003]
        form = s.get(Form, period.form_pk)
        listed = create_period(s, form=form, label="Riêng hai xã", commune_codes=[3002, 3001], open_at=OPEN,
                               due_at=DUE, close_at=CLOSE, now=clock.now())
        assert must_report(s, listed) == [3001, 3002]
        tam_duong, tan_phong, tuan_giao = (s.get(Commune, c) for c in (3001, 3003, 4001))
        assert [p.id for p in periods_for_commune(s, tam_duong, OPEN + timedelta(days=1))] == [period.id, listed.id]
        assert [p.id for p in periods_for_commune(s, tan_phong, OPEN + timedelta(days=1))] == [period.id]
        assert periods_for_commune(s, tuan_giao, OPEN + timedelta(days=1)) == []
        assert periods_for_commune(s, tam_duong, OPEN - timedelta(days=1)) == []  # not open yet
        assert periods_for_commune(s, tam_duong, CLOSE) == []  # closed
        assert commune_owes(s, listed, tam_duong) and not commune_owes(s, listed, tan_phong)
        assert {p.id for p in periods_for_provinces(s, {PROVINCE})} == {period.id, listed.id}
        assert periods_for_provinces(s, {11}) == []
        assert has_reported(s, period.id) == set()


@pytest.mark.parametrize("kwargs,fragment", [
    ({"province_code": None}, "Cần chọn tỉnh"),
    ({"commune_codes": [9999], "province_code": None}, "Không có xã mã 9999"),
    ({"commune_codes": [4001]}, "không thuộc tỉnh"),
    ({"due_at": OPEN}, "Thời gian không hợp lệ"),
    ({"label": " "}, "Thiếu tên"),
])
def test_period_errors(factory, clock, kwargs, fragment) -> None:
    with transaction(factory) as s:
        args = dict(form=s.scalar(select(Form)), label="Kỳ", province_code=PROVINCE, open_at=OPEN, due_at=DUE,
                    close_at=CLOSE, now=clock.now())
        args.update(kwargs)
        with pytest.raises(PeriodError, match=fragment):
            create_period(s, **args)


def test_draft_submit_amend_revisions(factory, clock) -> None:
    now = OPEN + timedelta(days=3)
    with transaction(factory) as s:
        period = _period(s)
        draft = start_draft(s, period, 3001, None, now)
        again = start_draft(s, period, 3001, None, now)  # a second officer: the same shared draft
        assert again.id == draft.id
        save_answer(draft, "da_phat_dong", False, None, now)
        spec_missing = submit(s, draft, period, None, now)
        assert spec_missing.status == "incomplete" and spec_missing.missing[0].name == "so_hoi_nghi"
        for k, v in FULL.items():
            save_answer(draft, k, v, None, now)
        result = submit(s, draft, period, None, now)
        assert result.status == "created" and result.report.revision == 1
        assert get_draft(s, period.id, 3001) is None
        assert has_reported(s, period.id) == {3001}
    with transaction(factory) as s:
        period = _period(s)
        report = get_report(s, period.id, 3001)
        amend = start_draft(s, period, 3001, None, now + timedelta(days=1), amend=report)
        assert amend.base_revision == 1 and amend.answers["so_hoi_nghi"] == 4
        save_answer(amend, "so_hoi_nghi", 6, None, now)
        result = submit(s, amend, period, None, now + timedelta(days=1))
        assert result.status == "revised" and result.report.revision == 2
        assert result.report.submitted_at == now  # on time / late is judged on the first submission
        revs = revisions(s, report.id)
        assert [(r.revision, r.answers["so_hoi_nghi"]) for r in revs] == [(1, 4), (2, 6)]
    with transaction(factory) as s:
        period = _period(s)
        late = start_draft(s, period, 3001, None, CLOSE, amend=get_report(s, period.id, 3001))
        assert submit(s, late, period, None, CLOSE).status == "closed"


def test_skip_logic_drops_irrelevant_answers(factory, clock) -> None:
    now = OPEN + timedelta(days=3)
    with transaction(factory) as s:
        period = _period(s)
        draft = start_draft(s, period, 3002, None, now)
        save_answer(draft, "da_phat_dong", True, None, now)
        from store.reporting.reports import draft_spec

        spec = draft_spec(s, draft)
        assert next_unanswered(spec, draft.answers).name == "so_hieu"
        save_answer(draft, "so_hieu", "15/KH-UBND", None, now)
        save_answer(draft, "da_phat_dong", False, None, now)  # changed its mind: so_hieu no longer asked
        assert next_unanswered(spec, draft.answers).name == "so_hoi_nghi"
        for k, v in FULL.items():
            save_answer(draft, k, v, None, now)
        save_answer(draft, "linh_vuc", ["Chưa phát hiện"], None, now)
        assert "so_dien_hinh" not in {f.name for f in missing_required(spec, draft.answers)}
        result = submit(s, draft, period, None, now)
        assert "so_hieu" not in result.report.answers and "so_dien_hinh" not in result.report.answers


def test_double_submit_gives_one_report(factory, clock) -> None:
    now = OPEN + timedelta(days=3)
    with transaction(factory) as s:
        draft = start_draft(s, _period(s), 3001, None, now)
        draft.answers = dict(FULL)
    with transaction(factory) as s:
        period = _period(s)
        first = submit(s, get_draft(s, period.id, 3001), period, None, now)
    with transaction(factory) as s:
        period = _period(s)
        # A stale copy of the same draft (a retried update) cannot create a second report.
        stale = Draft(period_id=period.id, commune_code=3001, form_pk=period.form_pk, answers=dict(FULL),
                      created_at=now, updated_at=now)
        s.add(stale)
        s.flush()
        second = submit(s, stale, period, None, now)
        assert first.status == "created" and second.status == "already"
        assert s.scalar(select(func.count()).select_from(Report)) == 1
        assert s.scalar(select(func.count()).select_from(ReportRevision)) == 1


def test_concurrent_submissions_race_to_one_report(factory, clock, database_url) -> None:
    if database_url.startswith("sqlite"):
        pytest.skip("SQLite serializes writers; the unique-key race is exercised on PostgreSQL")
    now = OPEN + timedelta(days=3)
    with transaction(factory) as s:
        draft = start_draft(s, _period(s), 3001, None, now)
        draft.answers = dict(FULL)
    results: dict[str, str] = {}
    a = factory()
    a.begin()
    period_a = _period(a)
    results["a"] = submit(a, get_draft(a, period_a.id, 3001), period_a, None, now).status  # flushed, not committed

    def other() -> None:
        with transaction(factory) as b:
            period_b = _period(b)
            fake = Draft(id=-1, period_id=period_b.id, commune_code=3001, form_pk=period_b.form_pk,
                         answers=dict(FULL), created_at=now, updated_at=now)
            results["b"] = submit(b, fake, period_b, None, now).status  # blocks on the unique key until A ends

    thread = threading.Thread(target=other)
    thread.start()
    thread.join(0.5)  # let B reach the insert and wait on A's uncommitted row
    a.commit()
    a.close()
    thread.join(30)
    assert results == {"a": "created", "b": "already"}
    with factory() as s:
        assert s.scalar(select(func.count()).select_from(Report)) == 1


def test_summary_and_previous_values(factory, clock) -> None:
    with transaction(factory) as s:
        period = _period(s)
        d1 = start_draft(s, period, 3001, None, DUE - timedelta(days=1))
        d1.answers = dict(FULL)
        submit(s, d1, period, None, DUE - timedelta(days=1))
        d2 = start_draft(s, period, 3002, None, DUE + timedelta(days=1))
        d2.answers = dict(FULL)
        submit(s, d2, period, None, DUE + timedelta(days=1))
    with transaction(factory) as s:
        period = _period(s)
        summary = period_summary(s, period, {PROVINCE})
        assert (summary.count("on_time"), summary.count("late"), summary.count("missing")) == (1, 1, 1)
        assert [r.code for r in summary.missing] == [3003] and summary.missing[0].officers == []
        assert period_summary(s, period, {11}).rows == []
        nxt = create_period(s, form=s.get(Form, period.form_pk), label="6 tháng cuối năm 2026",
                            province_code=PROVINCE, open_at=CLOSE, due_at=CLOSE + timedelta(days=170),
                            close_at=CLOSE + timedelta(days=180), now=clock.now())
        assert previous_values(s, nxt, 3001)["so_hoi_nghi"] == 4
        assert previous_values(s, nxt, 3003) == {}
        assert previous_values(s, period, 3001) == {}
