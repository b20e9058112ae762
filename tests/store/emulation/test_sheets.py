"""Sheets: opened in time and in a bloc, saved per step (a restart resumes there), submitted once, late, closed."""

from __future__ import annotations

import io
import threading
import zipfile
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from store.db import transaction
from store.emulation.engine import Status
from store.emulation.evidence import (EvidenceRefused, NotEvidence, files_of, record_evidence, sniff_evidence,
                                      write_evidence)
from store.emulation.periods import days_late, owing_communes, periods_for_commune
from store.emulation.sheets import (OpenStatus, SubmitStatus, get_sheet, open_sheet, save_score, set_position,
                                    submit_sheet)
from store.models import Commune, Sheet
from tests.store.emulation.conftest import CLOSE, DUE, OPEN, EmuWorld, period_of
from tests.store.emulation.test_flow import FULL, PNG

ZEROS = {**FULL, **{c: Decimal(0) for c in ("1", "2", "3", "8", "11", "12", "13")}, "4": Decimal(10), "5": False,
         "6": False, "7": Decimal(0), "9": Decimal(0), "10": False}


def fill_zero(s, sheet, period, files: Path, now) -> None:
    """Every criterion at its lowest; criterion 7 scores 3 even then, so its evidence goes with it."""
    for code, value in ZEROS.items():
        assert save_score(s, sheet, code, value, None, now).status is Status.OK
    stored = write_evidence(files, period.id, sheet.commune_code, "7", PNG)
    record_evidence(s, sheet, "7", stored, officer_id=None, now=now)


def _docx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


def test_open_rules(world: EmuWorld, clock) -> None:
    with transaction(world.factory) as s:
        period = period_of(s, world)
        assert open_sheet(s, period, 3001, None, OPEN - timedelta(hours=1)) == (OpenStatus.NOT_OPEN_YET, None)
        assert open_sheet(s, period, 3001, None, CLOSE) == (OpenStatus.CLOSED, None)
        s.add(Commune(code=3099, name="Xã Ngoài Khối", division_type="xã", province_code=12, folded="ngoai khoi"))
        s.flush()
        assert open_sheet(s, period, 3099, None, OPEN) == (OpenStatus.NOT_IN_BLOC, None)
        assert [p.id for p in periods_for_commune(s, 3001, 12, OPEN + timedelta(days=1))] == [period.id]
        assert periods_for_commune(s, 3099, 12, OPEN + timedelta(days=1)) == []
        assert owing_communes(s, period) == [3001, 3002, 3003, 3004, 3005, 3006]


def test_a_restart_resumes_at_the_same_criterion(world: EmuWorld, clock) -> None:
    now = OPEN + timedelta(days=1)
    with transaction(world.factory) as s:
        status, sheet = open_sheet(s, period_of(s, world), 3001, world.leader, now)
        assert status is OpenStatus.OPENED and sheet.position == "1"
        assert save_score(s, sheet, "1", Decimal(50), world.leader, now).score == Decimal(6)
        assert save_score(s, sheet, "2", Decimal(100), world.leader, now).status is Status.OK
        assert save_score(s, sheet, "3", Decimal(-1), world.leader, now).status is Status.BELOW_ZERO
    # A new process: nothing in memory, the database says where the dialog was.
    with transaction(world.factory) as s:
        status, sheet = open_sheet(s, period_of(s, world), 3001, world.officer2, now)
        assert sheet.position == "3" and set(sheet.answers) == {"1", "2"}
        assert set_position(s, sheet, "1") and sheet.position == "1"
        assert not set_position(s, sheet, "99")
        assert save_score(s, sheet, "1", Decimal(100), None, now).score == Decimal(12)
        assert sheet.position == "3"  # the next unanswered, not "2"


def test_submit_once_late_and_closed(world: EmuWorld, clock, tmp_path: Path) -> None:
    late = DUE + timedelta(days=1)  # 17:00 1/12 in Vietnam, the due day was 30/11
    with transaction(world.factory) as s:
        period = period_of(s, world)
        _, sheet = open_sheet(s, period, 3002, None, late)
        assert submit_sheet(s, sheet, period, None, late).status is SubmitStatus.INCOMPLETE
        fill_zero(s, sheet, period, tmp_path, late)
        first = submit_sheet(s, sheet, period, world.officer2, late)
        assert (first.status, first.days_late) == (SubmitStatus.SUBMITTED, 1)
        assert submit_sheet(s, sheet, period, world.officer2, late).status is SubmitStatus.ALREADY
        assert save_score(s, sheet, "12", Decimal(1), None, late).status is Status.END  # locked after submit
        assert sheet.position is None and owing_communes(s, period) == [3001, 3003, 3004, 3005, 3006]
        _, other = open_sheet(s, period, 3003, None, late)
        fill_zero(s, other, period, tmp_path, late)
        assert submit_sheet(s, other, period, None, CLOSE).status is SubmitStatus.CLOSED
        assert open_sheet(s, period, 3003, None, CLOSE)[0] is OpenStatus.CLOSED
        assert days_late(period, DUE) == 0 and days_late(period, DUE + timedelta(days=5)) == 5


def test_double_tap_from_two_workers_is_one_submission(world: EmuWorld, clock, database_url, tmp_path: Path) -> None:
    if database_url.startswith("sqlite"):
        pytest.skip("SQLite serializes writers; the race is exercised on PostgreSQL")
    now = OPEN + timedelta(days=2)
    with transaction(world.factory) as s:
        _, sheet = open_sheet(s, period_of(s, world), 3002, None, now)
        fill_zero(s, sheet, period_of(s, world), tmp_path, now)
        sheet_id = sheet.id
    results, barrier = [], threading.Barrier(2)

    def tap() -> None:
        with transaction(world.factory) as s:
            sheet = s.get_one(Sheet, sheet_id)
            barrier.wait()
            results.append(submit_sheet(s, sheet, period_of(s, world), world.officer2, now).status)

    threads = [threading.Thread(target=tap) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [SubmitStatus.ALREADY, SubmitStatus.SUBMITTED]


def test_evidence_checked_hashed_and_counted(world: EmuWorld, clock, tmp_path: Path) -> None:
    now = OPEN + timedelta(days=1)
    assert sniff_evidence(b"%PDF-1.7 ...").extension == ".pdf"
    assert sniff_evidence(_docx()).extension == ".docx"
    assert sniff_evidence(b"<html>") is None and sniff_evidence(b"PK\x03\x04broken") is None
    with pytest.raises(NotEvidence):
        write_evidence(tmp_path, 1, 3001, "1", b"MZ\x90\x00 an exe")
    with pytest.raises(NotEvidence):
        write_evidence(tmp_path, 1, 3001, "1", b"")
    with transaction(world.factory) as s:
        period = period_of(s, world)
        _, sheet = open_sheet(s, period, 3001, None, now)
        for content in (PNG, b"%PDF-1.4 bao cao", _docx(), PNG):
            record_evidence(s, sheet, "1", write_evidence(tmp_path, period.id, 3001, "1", content), officer_id=None,
                            now=now)
        rows = files_of(s, sheet.id, "1")
        assert [Path(r.path).suffix for r in rows] == [".png", ".pdf", ".docx"]  # the same photo twice is one
        assert all((tmp_path / r.path).read_bytes() for r in rows) and len({r.sha256 for r in rows}) == 3
        for i in range(7):
            record_evidence(s, sheet, "1", write_evidence(tmp_path, period.id, 3001, "1", PNG + bytes([i])),
                            officer_id=None, now=now)
        with pytest.raises(EvidenceRefused):
            record_evidence(s, sheet, "1", write_evidence(tmp_path, period.id, 3001, "1", PNG + b"x"),
                            officer_id=None, now=now)
        for code, value in FULL.items():
            save_score(s, sheet, code, value, None, now)
        proof = write_evidence(tmp_path, period.id, 3001, "x", PNG)
        for code in ("2", "3", "4", "5", "6", "7", "8", "11", "13"):
            record_evidence(s, sheet, code, proof, officer_id=None, now=now)
        assert submit_sheet(s, sheet, period, None, now).status is SubmitStatus.SUBMITTED
        with pytest.raises(EvidenceRefused):
            record_evidence(s, sheet, "2", proof, officer_id=None, now=now)
        assert s.scalar(select(func.count()).select_from(Sheet)) == 1
        assert get_sheet(s, period.id, 3001).days_late == 0
